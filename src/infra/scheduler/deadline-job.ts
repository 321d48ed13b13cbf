/** What identifies a deadline: one per (entity, kind). */
export interface DeadlineKey {
  entityType: string;
  entityId: string;
  kind: string;
}

export interface DeadlineSpec extends DeadlineKey {
  dueAt: Date;
}

/**
 * Deterministic: the same deadline at the same time is one job, however often it is enqueued.
 * Separated by `|`, not `:`: BullMQ 6 refuses custom job ids with a `:` unless they have exactly
 * three parts (the legacy repeatable-job form).
 */
export function deadlineJobId(deadline: DeadlineSpec): string {
  return [deadline.entityType, deadline.entityId, deadline.kind, deadline.dueAt.getTime()].join('|');
}

/** BullMQ delays are real time; the distance to the due time comes from the injected clock. */
export function deadlineDelay(dueAt: Date, now: Date): number {
  return Math.max(0, dueAt.getTime() - now.getTime());
}
