import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../clock/clock';
import { JobQueue } from '../queue/job-queue.service';
import { JobName } from '../queue/queue.constants';
import { deadlineJobId, DeadlineSpec } from './deadline-job';
import { DeadlineScheduler } from './deadline.scheduler';

const PAGE = 500;
/** How often the worker looks for overdue deadlines that have no job. */
export const SWEEP_INTERVAL_MS = 60_000;
/** A deadline this far past due with no job at all lost it (Redis flushed, enqueue failed after commit). */
export const SWEEP_GRACE_MS = 60_000;

interface PendingRow {
  id: string;
  entity_type: string;
  entity_id: string;
  kind: string;
  due_at: Date;
}

function toSpec(row: PendingRow): DeadlineSpec {
  return { entityType: row.entity_type, entityId: row.entity_id, kind: row.kind, dueAt: row.due_at };
}

/**
 * Keeps BullMQ in step with the `deadlines` table, the truth. At worker start it re-enqueues the
 * job of every pending deadline (deterministic ids make that a no-op for jobs that exist); then,
 * every minute, it re-adds the job of any overdue pending deadline whose job is missing, so a lost
 * job is recreated without waiting for a restart. A job that failed for good is left for an
 * operator (the dashboard): it is not retried in a loop.
 */
@Injectable()
export class DeadlineReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeadlineReconciler.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scheduler: DeadlineScheduler,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const count = await this.reconcile();
    if (count) this.logger.log(`Re-enqueued ${count} pending deadlines`);
    this.timer = setInterval(() => {
      this.sweepOverdue().catch((error: unknown) =>
        this.logger.warn({ err: error }, `Deadline sweep failed: ${(error as Error).message}`),
      );
    }, SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async reconcile(): Promise<number> {
    let count = 0;
    for await (const row of this.pending('')) {
      await this.scheduler.enqueue(toSpec(row));
      count++;
    }
    return count;
  }

  /** Re-adds the jobs of overdue pending deadlines that have none; returns how many. */
  async sweepOverdue(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - SWEEP_GRACE_MS);
    let count = 0;
    for await (const row of this.pending('AND due_at <= $2', [cutoff])) {
      const spec = toSpec(row);
      if (await this.jobs.getJob(JobName.RunDeadline, deadlineJobId(spec))) continue;
      await this.scheduler.enqueue(spec);
      count++;
    }
    if (count) this.logger.warn(`Re-enqueued ${count} overdue deadlines whose jobs were missing`);
    return count;
  }

  private async *pending(condition: string, params: unknown[] = []): AsyncGenerator<PendingRow> {
    let after: string | null = null;
    for (;;) {
      const rows: PendingRow[] = await this.dataSource.query(
        `SELECT id, entity_type, entity_id, kind, due_at FROM deadlines
         WHERE status = 'pending' AND ($1::uuid IS NULL OR id > $1::uuid) ${condition}
         ORDER BY id LIMIT ${PAGE}`,
        [after, ...params],
      );
      yield* rows;
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1].id;
    }
  }
}
