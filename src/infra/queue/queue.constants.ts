import type { JobsOptions } from 'bullmq';

/** One BullMQ queue per kind of work, so a flood of one kind cannot starve the other. */
export enum QueueName {
  Events = 'events',
  Deadlines = 'deadlines',
}

/** Every job the worker runs. Startup asserts that each has exactly one `@JobHandler`. */
export enum JobName {
  /** Fans a committed outbox event out to its `@OnDomainEvent` handlers. */
  DeliverDomainEvent = 'deliver-domain-event',
  /** Runs the `@OnDeadline` handler of a deadline that has come due. */
  RunDeadline = 'run-deadline',
}

/** Payloads carry ids, never entities: the handler reloads and re-checks the state. */
export interface JobPayloads {
  [JobName.DeliverDomainEvent]: { eventId: string; type: string };
  [JobName.RunDeadline]: { entityType: string; entityId: string; kind: string; dueAt: string };
}

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.DeliverDomainEvent]: QueueName.Events,
  [JobName.RunDeadline]: QueueName.Deadlines,
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

export const JOB_OPTIONS: Record<JobName, JobsOptions> = {
  [JobName.DeliverDomainEvent]: DELIVER_DOMAIN_EVENT_JOB_OPTIONS,
  [JobName.RunDeadline]: RUN_DEADLINE_JOB_OPTIONS,
};
