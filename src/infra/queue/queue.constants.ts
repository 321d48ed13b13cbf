import type { JobsOptions } from 'bullmq';

/** One BullMQ queue per kind of work, so a flood of one kind cannot starve the other. */
export enum QueueName {
  Events = 'events',
  Deadlines = 'deadlines',
  /** Calls out of the platform (SMTP, webhook receivers): slow peers never hold up event dispatch. */
  Outbound = 'outbound',
}

/** Every job the worker runs. Startup asserts that each has exactly one `@JobHandler`. */
export enum JobName {
  /** Fans a committed outbox event out to its `@OnDomainEvent` handlers. */
  DeliverDomainEvent = 'deliver-domain-event',
  /** Runs the `@OnDeadline` handler of a deadline that has come due. */
  RunDeadline = 'run-deadline',
  /** Sends one queued `mail_messages` row over SMTP (docs/adr/0031). */
  SendMail = 'send-mail',
  /** Makes one attempt of a `webhook_deliveries` row (docs/adr/0030). */
  DeliverWebhook = 'deliver-webhook',
}

/** Payloads carry ids, never entities: the handler reloads and re-checks the state. */
export interface JobPayloads {
  /** `traceparent`: the trace of the request that recorded the event, when tracing is on. */
  [JobName.DeliverDomainEvent]: { eventId: string; type: string; traceparent?: string };
  [JobName.RunDeadline]: { entityType: string; entityId: string; kind: string; dueAt: string };
  [JobName.SendMail]: { mailId: string };
  /** `attempt` counts from 1 within `chain` (0 first, +1 per replay). */
  [JobName.DeliverWebhook]: { deliveryId: string; chain: number; attempt: number };
}

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.DeliverDomainEvent]: QueueName.Events,
  [JobName.RunDeadline]: QueueName.Deadlines,
  [JobName.SendMail]: QueueName.Outbound,
  [JobName.DeliverWebhook]: QueueName.Outbound,
};

const HOUR_S = 3600;
const DAY_S = 24 * HOUR_S;

/**
 * Completed event jobs are kept a day: their job id (the event id) keeps deduplicating a re-enqueue
 * by a relay that crashed between enqueue and `published_at`.
 */
export const DELIVER_DOMAIN_EVENT_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: DAY_S, count: 10_000 },
  removeOnFail: { age: 30 * DAY_S },
};

/** Deadline jobs retry for about 1.4 hours (5 s doubling, 10 attempts) before they are left failed. */
export const RUN_DEADLINE_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: DAY_S, count: 10_000 },
  removeOnFail: { age: 30 * DAY_S },
};

/**
 * Mail retries for about 1.4 hours (10 s doubling, 10 attempts): an SMTP server down for a while
 * still gets the mail; the `mail_messages` row is marked failed after the last attempt.
 */
export const SEND_MAIL_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: { age: DAY_S, count: 10_000 },
  removeOnFail: { age: 30 * DAY_S },
};

/**
 * The HTTP retries of a webhook are separate jobs scheduled from the delivery row (its own backoff,
 * Retry-After); these BullMQ retries only cover a job that failed to run or record (database down).
 */
export const DELIVER_WEBHOOK_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: DAY_S, count: 10_000 },
  removeOnFail: { age: 30 * DAY_S },
};

export const JOB_OPTIONS: Record<JobName, JobsOptions> = {
  [JobName.DeliverDomainEvent]: DELIVER_DOMAIN_EVENT_JOB_OPTIONS,
  [JobName.RunDeadline]: RUN_DEADLINE_JOB_OPTIONS,
  [JobName.SendMail]: SEND_MAIL_JOB_OPTIONS,
  [JobName.DeliverWebhook]: DELIVER_WEBHOOK_JOB_OPTIONS,
};
