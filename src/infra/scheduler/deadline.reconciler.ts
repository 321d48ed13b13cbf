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
 * Keeps BullMQ in step with the `deadlines` table, the truth (docs/adr/0008, 0037). At worker start
 * it re-enqueues the job of every pending deadline (deterministic ids make that a no-op for jobs
 * that exist); then, every RECOVERY_SWEEP_INTERVAL_MS, each pending deadline overdue by more than
 * RECOVERY_GRACE_MS whose job is missing (Redis lost it), completed, or failed after its retries
 * (the database was down) gets its job back. A job failed by an `UnrecoverableError` is left for an
 * operator. Sweeps never overlap, and skip while Redis is down.
 */
@Injectable()
export class DeadlineReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeadlineReconciler.name);
  private readonly sweeper = new PeriodicSweep('Deadline sweep', () => this.sweepOverdue(), this.logger);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scheduler: DeadlineScheduler,
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
    await this.sweeper.stop();
  }

  async reconcile(): Promise<number> {
    let count = 0;
    for await (const row of this.pending('')) {
      await this.scheduler.enqueue(toSpec(row));
      count++;
    }
    return count;
  }

  /**
   * Gives their job back to overdue pending deadlines whose job is missing or finished; returns
   * how many. Skipped (0) while Redis is down.
   */
  async sweepOverdue(): Promise<number> {
    const timeout = this.config.RECOVERY_REDIS_TIMEOUT_MS;
    if (!(await this.jobs.ready(JobName.RunDeadline, timeout))) return 0;
    const cutoff = new Date(this.clock.now().getTime() - this.config.RECOVERY_GRACE_MS);
    let count = 0;
    for await (const row of this.pending('AND due_at <= $2', [cutoff])) {
      const spec = toSpec(row);
      const jobId = deadlineJobId(spec);
      const state = await withTimeout(
        this.jobs.liveness(JobName.RunDeadline, jobId),
        timeout,
        'Deadline job',
      );
      if (state === 'live' || state === 'held') continue;
      await withTimeout(this.scheduler.enqueue(spec), timeout, 'Re-enqueueing a deadline job');
      count++;
    }
    if (count) this.logger.warn(`Re-enqueued ${count} overdue deadlines whose jobs were missing or finished`);
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
