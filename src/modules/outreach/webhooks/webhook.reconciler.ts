import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { withTimeout } from '../../../common/timeout';
import { Clock } from '../../../infra/clock/clock';
import { InjectConfig } from '../../../infra/config/config';
import type { AppConfig } from '../../../infra/config/config';
import { JobQueue } from '../../../infra/queue/job-queue.service';
import { PeriodicSweep } from '../../../infra/queue/periodic-sweep';
import { JobName } from '../../../infra/queue/queue.constants';
import { webhookJobId, WebhookJobs } from './webhook-jobs';

const PAGE = 500;

interface PendingRow {
  id: string;
  chain: number;
  chain_attempts: number;
  next_attempt_at: Date;
}

/**
 * Keeps BullMQ in step with `webhook_deliveries`, the truth (as DeadlineReconciler does for
 * deadlines; docs/adr/0037). At worker start the job of every pending delivery's next attempt is
 * added (a no-op for jobs that exist); every RECOVERY_SWEEP_INTERVAL_MS, due pending deliveries
 * whose job is missing, completed or failed after its retries get it back. A worker killed
 * mid-attempt leaves its job active: BullMQ runs it again once its lock lapses (stalled job); the
 * row still waits for that attempt, so it is recorded once.
 */
@Injectable()
export class WebhookReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookReconciler.name);
  private readonly sweeper = new PeriodicSweep('Webhook sweep', () => this.sweepDue(), this.logger);

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: WebhookJobs,
    private readonly queue: JobQueue,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const count = await this.reconcile();
    if (count) this.logger.log(`Re-enqueued ${count} pending webhook deliveries`);
    this.sweeper.start(this.config.RECOVERY_SWEEP_INTERVAL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sweeper.stop();
  }

  /** Enqueues the next attempt of every pending delivery; returns how many. */
  async reconcile(): Promise<number> {
    let count = 0;
    for await (const row of this.pending('')) {
      await this.jobs.enqueue(payloadOf(row), row.next_attempt_at);
      count++;
    }
    return count;
  }

  /**
   * Re-adds the jobs of due pending deliveries whose job is missing or finished; returns how many.
   * Skipped (0) while Redis is down; every Redis call is bounded.
   */
  async sweepDue(): Promise<number> {
    const timeout = this.config.RECOVERY_REDIS_TIMEOUT_MS;
    if (!(await this.queue.ready(JobName.DeliverWebhook, timeout))) return 0;
    const cutoff = new Date(this.clock.now().getTime() - this.config.RECOVERY_GRACE_MS);
    let count = 0;
    for await (const row of this.pending('AND next_attempt_at <= $2', [cutoff])) {
      const payload = payloadOf(row);
      const state = await withTimeout(
        this.queue.liveness(JobName.DeliverWebhook, webhookJobId(payload)),
        timeout,
        'Webhook job',
      );
      if (state === 'live' || state === 'held') continue;
      await withTimeout(
        this.jobs.enqueue(payload, row.next_attempt_at),
        timeout,
        'Re-enqueueing a webhook attempt',
      );
      count++;
    }
    if (count)
      this.logger.warn(`Re-enqueued ${count} due webhook deliveries whose jobs were missing or finished`);
    return count;
  }

  private async *pending(condition: string, params: unknown[] = []): AsyncGenerator<PendingRow> {
    let after: string | null = null;
    for (;;) {
      const rows: PendingRow[] = await this.dataSource.query(
        `SELECT id, chain, chain_attempts, next_attempt_at FROM webhook_deliveries
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

function payloadOf(row: PendingRow) {
  return { deliveryId: row.id, chain: row.chain, attempt: row.chain_attempts + 1 };
}
