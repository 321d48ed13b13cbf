import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { withTimeout } from '../../common/timeout';
import { Clock } from '../clock/clock';
import { InjectConfig } from '../config/config';
import type { AppConfig } from '../config/config';
import { JobQueue } from '../queue/job-queue.service';
import { PeriodicSweep } from '../queue/periodic-sweep';
import { JobName } from '../queue/queue.constants';
import { deadlineJobId, DeadlineSpec } from './deadline-job';
import { DeadlineDrainer } from './deadline.drainer';
import { DeadlineScheduler } from './deadline.scheduler';

const PAGE = 500;

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
 * Keeps BullMQ in step with the `deadlines` table, the truth (docs/adr/0008, 0037, 0053). At worker
 * start it re-enqueues the job of every pending deadline (deterministic ids make that a no-op for
 * jobs that exist), a page of rows at a time; then, every RECOVERY_SWEEP_INTERVAL_MS, it drains the
 * deadlines overdue by more than RECOVERY_GRACE_MS itself (in batches, beside any job doing the
 * same), and each pending deadline still overdue after that (held by another drainer, or waiting
 * for a retry) whose job is missing (Redis lost it), completed, or failed after its retries gets its
 * job back. A job failed by an `UnrecoverableError` is left for an operator. Sweeps never overlap,
 * stop between batches at shutdown, and skip while Redis is down.
 */
@Injectable()
export class DeadlineReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeadlineReconciler.name);
  private readonly sweeper = new PeriodicSweep('Deadline sweep', () => this.sweepOverdue(), this.logger);
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scheduler: DeadlineScheduler,
    private readonly drainer: DeadlineDrainer,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const count = await this.reconcile();
    if (count) this.logger.log(`Re-enqueued ${count} pending deadlines`);
    this.sweeper.start(this.config.RECOVERY_SWEEP_INTERVAL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.sweeper.stop();
  }

  /** Re-enqueues every pending deadline's job (the enqueues of a page side by side); returns how many. */
  async reconcile(): Promise<number> {
    let count = 0;
    for await (const rows of this.pending('')) {
      await Promise.all(rows.map((row) => this.scheduler.enqueue(toSpec(row))));
      count += rows.length;
    }
    return count;
  }

  /**
   * Runs the deadlines overdue by more than the grace, then gives their job back to those still
   * pending whose job is missing or finished; returns how many it ran plus how many it re-enqueued.
   * Skipped (0) while Redis is down.
   */
  async sweepOverdue(): Promise<number> {
    const timeout = this.config.RECOVERY_REDIS_TIMEOUT_MS;
    if (!(await this.jobs.ready(JobName.RunDeadline, timeout))) return 0;
    const cutoff = new Date(this.clock.now().getTime() - this.config.RECOVERY_GRACE_MS);
    const drained = await this.drainer.drain({ upTo: cutoff, stop: () => this.stopping });
    if (drained.ran.length) this.logger.warn(`Ran ${drained.ran.length} overdue deadlines`);
    let count = 0;
    for await (const rows of this.pending('AND due_at <= $2', [cutoff])) {
      const revived = await Promise.all(
        rows.map(async (row) => {
          const spec = toSpec(row);
          const state = await withTimeout(
            this.jobs.liveness(JobName.RunDeadline, deadlineJobId(spec)),
            timeout,
            'Deadline job',
          );
          if (state === 'live' || state === 'held') return 0;
          await withTimeout(this.scheduler.enqueue(spec), timeout, 'Re-enqueueing a deadline job');
          return 1;
        }),
      );
      count += revived.reduce<number>((sum, n) => sum + n, 0);
    }
    if (count) this.logger.warn(`Re-enqueued ${count} overdue deadlines whose jobs were missing or finished`);
    return drained.ran.length + count;
  }

  /** Pending rows, a page at a time (keyset on id). */
  private async *pending(condition: string, params: unknown[] = []): AsyncGenerator<PendingRow[]> {
    let after: string | null = null;
    for (;;) {
      const rows: PendingRow[] = await this.dataSource.query(
        `SELECT id, entity_type, entity_id, kind, due_at FROM deadlines
         WHERE status = 'pending' AND ($1::uuid IS NULL OR id > $1::uuid) ${condition}
         ORDER BY id LIMIT ${PAGE}`,
        [after, ...params],
      );
      if (rows.length) yield rows;
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1].id;
    }
  }
}
