import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../infra/clock/clock';
import { WebhookJobs } from './webhook-jobs';

const PAGE = 500;
/** How often the worker looks for due pending deliveries that have no job. */
export const WEBHOOK_SWEEP_INTERVAL_MS = 60_000;
/** A pending delivery this far past its attempt time with no job lost it (Redis flushed, enqueue failed). */
export const WEBHOOK_SWEEP_GRACE_MS = 60_000;

interface PendingRow {
  id: string;
  chain: number;
  chain_attempts: number;
  next_attempt_at: Date;
}

/**
 * Keeps BullMQ in step with `webhook_deliveries`, the truth (as DeadlineReconciler does for
 * deadlines). At worker start the job of every pending delivery's next attempt is added (a no-op
 * for jobs that exist); every minute, due pending deliveries whose job is missing get it back. So
 * nothing is lost when Redis or a worker dies mid-attempt: the row still waits for that attempt.
 */
@Injectable()
export class WebhookReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookReconciler.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: WebhookJobs,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const count = await this.reconcile();
    if (count) this.logger.log(`Re-enqueued ${count} pending webhook deliveries`);
    this.timer = setInterval(() => {
      this.sweepDue().catch((error: unknown) =>
        this.logger.warn({ err: error }, `Webhook sweep failed: ${(error as Error).message}`),
      );
    }, WEBHOOK_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
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

  /** Re-adds the jobs of due pending deliveries that have none; returns how many. */
  async sweepDue(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - WEBHOOK_SWEEP_GRACE_MS);
    let count = 0;
    for await (const row of this.pending('AND next_attempt_at <= $2', [cutoff])) {
      if (await this.jobs.getJob(payloadOf(row))) continue;
      await this.jobs.enqueue(payloadOf(row), row.next_attempt_at);
      count++;
    }
    if (count) this.logger.warn(`Re-enqueued ${count} due webhook deliveries whose jobs were missing`);
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
