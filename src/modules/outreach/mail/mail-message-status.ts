import { StateMachine } from '../../../common/state-machine/state-machine';
import { MAIL_STATUSES } from './entities/mail-message.entity';
import type { MailStatus } from './entities/mail-message.entity';

export const MAIL_MESSAGE_ACTIONS = ['queue', 'skip', 'claim', 'send', 'requeue', 'fail'] as const;
export type MailMessageAction = (typeof MAIL_MESSAGE_ACTIONS)[number];

/**
 * A mail_messages row (docs/adr/0031): queued for its job, claimed (`sending`) by one job run at a
 * time — a stale claim may be taken over — then sent, failed, or back to queued for a retry.
 */
export const MAIL_MESSAGE_MACHINE = new StateMachine<MailStatus, MailMessageAction>({
  aggregate: 'mail message',
  states: MAIL_STATUSES,
  actions: MAIL_MESSAGE_ACTIONS,
  transitions: [
    { action: 'queue', from: [], to: 'queued', by: 'system', description: 'an event mailed to a recipient' },
    {
      action: 'skip',
      from: [],
      to: 'skipped',
      by: 'system',
      description: 'recorded but never sent: no SMTP configured',
    },
    {
      action: 'claim',
      from: ['queued', 'sending'],
      to: 'sending',
      by: 'system',
      description:
        'a job run takes the row for one SMTP attempt (from sending only when that claim is stale)',
    },
    {
      action: 'send',
      from: ['sending'],
      to: 'sent',
      by: 'system',
      description: 'the SMTP server accepted it',
    },
    {
      action: 'requeue',
      from: ['sending'],
      to: 'queued',
      by: 'system',
      description: 'a transient SMTP failure: the job retries',
    },
    {
      action: 'fail',
      from: ['sending'],
      to: 'failed',
      by: 'system',
      description: 'a permanent SMTP refusal, or the last retry failed',
    },
  ],
});
