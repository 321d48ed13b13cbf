import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { withTimeout } from '../../common/timeout';
import { Clock } from '../clock/clock';
import { InjectConfig } from '../config/config';
import type { AppConfig } from '../config/config';
import { EnqueueOptions, JobQueue } from '../queue/job-queue.service';
import { PeriodicSweep } from '../queue/periodic-sweep';
import { JobName, JobPayloads } from '../queue/queue.constants';
import { OUTBOX_CHANNEL } from './outbox.service';

const BATCH_SIZE = 100;
/** Relayed, undelivered events looked at per sweep (oldest first); the next sweep takes the rest. */
const SWEEP_LIMIT = 1000;
/** An enqueue (one batch) that takes longer (Redis down: BullMQ's client waits for ever) aborts the pass. */
const ENQUEUE_TIMEOUT_MS = 5_000;

interface EventRow {
  id: string;
  type: string;
  traceparent: string | null;
}

/**
 * An event's job, whose id is the event id: enqueueing it again is a no-op. Its trace context goes
 * along, so the handling joins the event's trace (docs/adr/0064).
 */
function eventJob(row: EventRow): { data: JobPayloads[JobName.DeliverDomainEvent]; options: EnqueueOptions } {
  const data = row.traceparent
    ? { eventId: row.id, type: row.type, traceparent: row.traceparent }
    : { eventId: row.id, type: row.type };
  return { data, options: { jobId: row.id } };
}

/**
 * Moves committed outbox events to the events queue (worker process only). Woken by
 * LISTEN jiebang_outbox on a dedicated connection, and polling every OUTBOX_POLL_INTERVAL_MS in
 * case a notification was missed. Rows are claimed with FOR UPDATE SKIP LOCKED, so several workers
 * relay side by side. A batch is enqueued in one Redis round trip (`addBulk`), in occurred_at order;
 * the job id is the event id, so a crash between enqueue and the published_at update cannot enqueue
 * an event twice. When Redis is down the pass rolls back and is retried.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private listener: Client | null = null;
  private connecting: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly sweeper = new PeriodicSweep(
    'Undelivered-event sweep',
    () => this.sweepUndelivered(),
    this.logger,
  );
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.stopped = false;
    await this.listen().catch((error: unknown) =>
      this.logger.warn({ err: error }, 'Outbox LISTEN failed; polling until it reconnects'),
    );
    this.timer = setInterval(() => {
      if (!this.listener) void this.listen().catch(() => undefined);
      this.wake();
    }, this.config.OUTBOX_POLL_INTERVAL_MS);
    this.sweeper.start(this.config.RECOVERY_SWEEP_INTERVAL_MS);
    this.wake();
  }

  /** Shutdown step 2, after the workers have stopped and before the queues and the database close. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sweeper.stop();
    await this.connecting?.catch(() => undefined);
    await this.running;
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
  }

  /** Asks for a pass; passes never overlap within a process, and one requested meanwhile runs after. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (!this.stopped && (await this.relayBatch()) === BATCH_SIZE);
    } catch (error) {
      // Not a job: nothing retries this pass but the next poll, which does.
      this.logger.warn({ err: error }, `Outbox relay pass failed: ${(error as Error).message}`);
    }
  }

  /** One transaction: claim up to BATCH_SIZE unpublished rows, enqueue them at once, stamp them. */
  async relayBatch(): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      const rows: EventRow[] = await em.query(
        `SELECT id, type, traceparent FROM outbox_events WHERE published_at IS NULL
         ORDER BY occurred_at LIMIT ${BATCH_SIZE} FOR UPDATE SKIP LOCKED`,
      );
      if (!rows.length) return 0;
      await withTimeout(
        this.jobs.addBulk(JobName.DeliverDomainEvent, rows.map(eventJob)),
        ENQUEUE_TIMEOUT_MS,
        `Enqueueing ${rows.length} events`,
      );
      await em.query(`UPDATE outbox_events SET published_at = $1 WHERE id = ANY($2::uuid[])`, [
        this.clock.now(),
        rows.map((r) => r.id),
      ]);
      return rows.length;
    });
  }

  /**
   * Re-enqueues relayed events that were never delivered and whose job is missing (Redis lost its
   * data after the relay stamped them), completed, or failed after using up its retries (a long
   * database outage): the row still says the event waits (docs/adr/0037). A job waiting, retrying
   * or failed by an `UnrecoverableError` (left for an operator) is left alone; handlers run once per
   * event id either way. Skipped (0) while Redis is down; every Redis call is bounded. One `add` per
   * row, right after its liveness check (two round trips already) and the removal of a finished job.
   */
  async sweepUndelivered(): Promise<number> {
    const timeout = this.config.RECOVERY_REDIS_TIMEOUT_MS;
    if (!(await this.jobs.ready(JobName.DeliverDomainEvent, timeout))) return 0;
    const cutoff = new Date(this.clock.now().getTime() - this.config.RECOVERY_GRACE_MS);
    const rows: EventRow[] = await this.dataSource.query(
      `SELECT id, type, traceparent FROM outbox_events
       WHERE published_at IS NOT NULL AND delivered_at IS NULL AND published_at <= $1
       ORDER BY published_at LIMIT ${SWEEP_LIMIT}`,
      [cutoff],
    );
    let count = 0;
    for (const row of rows) {
      const state = await withTimeout(
        this.jobs.liveness(JobName.DeliverDomainEvent, row.id),
        timeout,
        `Event job ${row.id}`,
      );
      if (state === 'live' || state === 'held') continue;
      if (state === 'finished')
        await withTimeout(
          this.jobs.remove(JobName.DeliverDomainEvent, row.id),
          timeout,
          'Removing a finished event job',
        );
      const job = eventJob(row);
      await withTimeout(
        this.jobs.add(JobName.DeliverDomainEvent, job.data, job.options),
        timeout,
        `Re-enqueueing event ${row.id}`,
      );
      count++;
    }
    if (count) this.logger.warn(`Re-enqueued ${count} relayed events whose jobs were lost or finished`);
    return count;
  }

  private listen(): Promise<void> {
    if (this.listener || this.stopped) return Promise.resolve();
    this.connecting ??= (async () => {
      const client = new Client({
        connectionString: this.config.DATABASE_URL,
        application_name: 'jiebang-outbox-listener',
      });
      client.on('notification', () => this.wake());
      client.on('error', (error) => {
        this.logger.warn({ err: error }, `Outbox LISTEN connection lost: ${error.message}`);
        if (this.listener === client) this.listener = null;
        void client.end().catch(() => undefined);
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      } catch (error) {
        await client.end().catch(() => undefined);
        throw error;
      }
      if (this.stopped) await client.end();
      else this.listener = client;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }
}
