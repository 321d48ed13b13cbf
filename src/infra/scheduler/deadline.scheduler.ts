import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { withTimeout } from '../../common/timeout';
import { Clock } from '../clock/clock';
import { JobQueue } from '../queue/job-queue.service';
import { JobName } from '../queue/queue.constants';
import { deadlineDelay, deadlineJobId, DeadlineSpec } from './deadline-job';
import { reminderDueAt, reminderKind } from './reminders';
import { afterCommit, installAfterCommitHooks } from './transaction-hooks';

/** An enqueue after commit gives up after this long (Redis down); the reconciler catches up later. */
const ENQUEUE_TIMEOUT_MS = 3_000;
/** Tries of each after-commit step, sharing ENQUEUE_TIMEOUT_MS. */
const STEP_TRIES = 3;

/**
 * Runs a Redis step up to STEP_TRIES times, each try bounded, all within ENQUEUE_TIMEOUT_MS; the
 * last error is thrown (and logged by the after-commit hook; the reconciler's sweep catches up).
 */
async function retried(step: () => Promise<unknown>, what: string): Promise<void> {
  let last: unknown;
  for (let i = 0; i < STEP_TRIES; i++) {
    try {
      await withTimeout(step(), ENQUEUE_TIMEOUT_MS / STEP_TRIES, what);
      return;
    } catch (error) {
      last = error;
    }
  }
  throw last;
}

interface Row {
  due_at: Date;
  status: string;
}

/**
 * Schedules one-off deadlines. The `deadlines` row, written in the caller's transaction, is the
 * truth; after commit a delayed job with a deterministic id is added (and the job of a replaced due
 * time removed). The worker re-enqueues every pending row at start, so a lost job is recreated.
 */
@Injectable()
export class DeadlineScheduler implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    installAfterCommitHooks(this.dataSource);
  }

  /**
   * Sets (or moves) the deadline of `kind` for the entity. Scheduling the time it already has is a
   * no-op, also once it is done; a new time makes it pending again.
   */
  async schedule(em: EntityManager, deadline: DeadlineSpec): Promise<void> {
    const { entityType, entityId, kind, dueAt } = deadline;
    const now = this.clock.now();
    const [previous] = await em.query<Row[]>(
      `SELECT due_at, status FROM deadlines WHERE entity_type = $1 AND entity_id = $2 AND kind = $3 FOR UPDATE`,
      [entityType, entityId, kind],
    );
    if (previous && previous.due_at.getTime() === dueAt.getTime() && previous.status !== 'cancelled') return;
    await em.query(
      `INSERT INTO deadlines (entity_type, entity_id, kind, due_at, status, version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'pending', 1, $5, $5)
       ON CONFLICT (entity_type, entity_id, kind) DO UPDATE
         SET due_at = EXCLUDED.due_at, status = 'pending', version = deadlines.version + 1,
             updated_at = EXCLUDED.updated_at, attempts = 0, retry_at = NULL, last_error = NULL`,
      [entityType, entityId, kind, dueAt, now],
    );
    const replaced =
      previous && previous.status === 'pending' ? { ...deadline, dueAt: previous.due_at } : undefined;
    afterCommit(em, async () => {
      // Two independent steps, each retried: a removal that times out never holds up the new job
      // (the old one, should it stay, finds the row moved and does nothing when it fires).
      const steps = [
        retried(() => this.enqueue(deadline), 'Enqueueing a deadline job'),
        ...(replaced
          ? [
              retried(
                () => this.jobs.remove(JobName.RunDeadline, deadlineJobId(replaced)),
                'Removing a replaced deadline job',
              ),
            ]
          : []),
      ];
      const failed = (await Promise.allSettled(steps)).filter((r) => r.status === 'rejected');
      if (failed.length) throw failed[0].reason;
    });
  }

  /** Cancels a pending deadline (a done or missing one is left as it is). */
  async cancel(em: EntityManager, entityType: string, entityId: string, kind: string): Promise<void> {
    const [rows] = await em.query<[Array<{ due_at: Date }>, number]>(
      `UPDATE deadlines SET status = 'cancelled', version = version + 1, updated_at = $4
       WHERE entity_type = $1 AND entity_id = $2 AND kind = $3 AND status = 'pending'
       RETURNING due_at`,
      [entityType, entityId, kind, this.clock.now()],
    );
    if (!rows.length) return;
    const jobId = deadlineJobId({ entityType, entityId, kind, dueAt: rows[0].due_at });
    afterCommit(em, () =>
      retried(() => this.jobs.remove(JobName.RunDeadline, jobId), 'Removing a cancelled deadline job'),
    );
  }

  /**
   * Sets the reminders of a deadline: one deadline of kind `<family>@<h>h` at `dueAt` − h hours for
   * each offset still in the future; a reminder whose time has passed, or whose offset is no longer
   * asked for, is cancelled. Called again with a moved `dueAt`, each reminder moves with it (the old
   * time no longer fires); one that already ran fires again only for a new due time.
   */
  async scheduleReminders(
    em: EntityManager,
    target: DeadlineSpec,
    offsetsHours: readonly number[],
  ): Promise<void> {
    const now = this.clock.now();
    const wanted = new Set<string>();
    for (const hours of offsetsHours) {
      const dueAt = reminderDueAt(target.dueAt, hours);
      if (dueAt <= now) continue;
      const kind = reminderKind(target.kind, hours);
      wanted.add(kind);
      await this.schedule(em, { entityType: target.entityType, entityId: target.entityId, kind, dueAt });
    }
    for (const kind of await this.pendingReminderKinds(em, target.entityType, target.entityId, target.kind)) {
      if (!wanted.has(kind)) await this.cancel(em, target.entityType, target.entityId, kind);
    }
  }

  /** Cancels every pending reminder of the family for the entity (the deadline became moot). */
  async cancelReminders(
    em: EntityManager,
    entityType: string,
    entityId: string,
    family: string,
  ): Promise<void> {
    for (const kind of await this.pendingReminderKinds(em, entityType, entityId, family)) {
      await this.cancel(em, entityType, entityId, kind);
    }
  }

  private async pendingReminderKinds(
    em: EntityManager,
    entityType: string,
    entityId: string,
    family: string,
  ): Promise<string[]> {
    const rows = await em.query<Array<{ kind: string }>>(
      `SELECT kind FROM deadlines
       WHERE entity_type = $1 AND entity_id = $2 AND status = 'pending' AND starts_with(kind, $3)
       ORDER BY kind`,
      [entityType, entityId, `${family}@`],
    );
    return rows.map((r) => r.kind);
  }

  /**
   * Adds the delayed job of a pending deadline. A finished job left under the same id (the same
   * time scheduled again after it ran or failed) is removed first, or BullMQ would ignore the add.
   */
  async enqueue(deadline: DeadlineSpec): Promise<void> {
    const jobId = deadlineJobId(deadline);
    const existing = await this.jobs.getJob(JobName.RunDeadline, jobId);
    if (existing && ((await existing.isCompleted()) || (await existing.isFailed()))) await existing.remove();
    await this.jobs.add(
      JobName.RunDeadline,
      {
        entityType: deadline.entityType,
        entityId: deadline.entityId,
        kind: deadline.kind,
        dueAt: deadline.dueAt.toISOString(),
      },
      { jobId, delay: deadlineDelay(deadline.dueAt, this.clock.now()) },
    );
  }
}
