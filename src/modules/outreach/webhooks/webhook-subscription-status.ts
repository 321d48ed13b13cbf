import { StateMachine } from '../../../common/state-machine/state-machine';
import { WEBHOOK_STATUSES } from './entities/webhook-subscription.entity';
import type { WebhookStatus } from './entities/webhook-subscription.entity';

export const WEBHOOK_SUBSCRIPTION_ACTIONS = ['create', 'disable'] as const;
export type WebhookSubscriptionAction = (typeof WEBHOOK_SUBSCRIPTION_ACTIONS)[number];

/** A subscription receives events while enabled; disabled is for good (a new subscription starts over). */
export const WEBHOOK_SUBSCRIPTION_MACHINE = new StateMachine<WebhookStatus, WebhookSubscriptionAction>({
  aggregate: 'webhook subscription',
  states: WEBHOOK_STATUSES,
  actions: WEBHOOK_SUBSCRIPTION_ACTIONS,
  transitions: [
    {
      action: 'create',
      from: [],
      to: 'enabled',
      by: 'integration key or admin',
      description: 'the URL passed the policy; the secret is shown once',
    },
    {
      action: 'disable',
      from: ['enabled'],
      to: 'disabled',
      by: 'system',
      description:
        'the receiver answered 410 Gone, or kept failing for WEBHOOK_DISABLE_AFTER_DAYS; pending deliveries fail and the owner is told',
    },
  ],
});
