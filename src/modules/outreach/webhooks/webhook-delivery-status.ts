import { StateMachine } from '../../../common/state-machine/state-machine';
import { WEBHOOK_DELIVERY_STATUSES } from './entities/webhook-delivery.entity';
import type { WebhookDeliveryStatus } from './entities/webhook-delivery.entity';

export const WEBHOOK_DELIVERY_ACTIONS = ['enqueue', 'succeed', 'retry', 'fail', 'replay'] as const;
export type WebhookDeliveryAction = (typeof WEBHOOK_DELIVERY_ACTIONS)[number];

/** One message to one subscription: pending while attempts remain, then succeeded or failed; replay starts a new chain. */
export const WEBHOOK_DELIVERY_MACHINE = new StateMachine<WebhookDeliveryStatus, WebhookDeliveryAction>({
  aggregate: 'webhook delivery',
  states: WEBHOOK_DELIVERY_STATUSES,
  actions: WEBHOOK_DELIVERY_ACTIONS,
  transitions: [
    {
      action: 'enqueue',
      from: [],
      to: 'pending',
      by: 'system',
      description:
        'an event the enabled subscription asked for and may see; the first attempt is due at once',
    },
    {
      action: 'succeed',
      from: ['pending'],
      to: 'succeeded',
      by: 'system',
      description: 'the receiver answered 2xx',
    },
    {
      action: 'retry',
      from: ['pending'],
      to: 'pending',
      by: 'system',
      description: 'an attempt failed and attempts remain: the next is scheduled (backoff or Retry-After)',
    },
    {
      action: 'fail',
      from: ['pending'],
      to: 'failed',
      by: 'system',
      description: 'the last attempt failed, or the subscription was disabled',
    },
    {
      action: 'replay',
      from: ['succeeded', 'failed'],
      to: 'pending',
      by: 'integration key or admin',
      description: 'a new chain of attempts of the same message, while the subscription is enabled',
    },
  ],
});
