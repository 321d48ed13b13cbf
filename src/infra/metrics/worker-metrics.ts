import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { withTimeout } from '../../common/timeout';
import { Clock } from '../clock/clock';
import { JobQueue } from '../queue/job-queue.service';
import { QueueName } from '../queue/queue.constants';
import { Metrics } from './metrics';

/** A scrape's Redis or database call gives up after this long: the gauge is then empty for that scrape. */
export const COLLECT_TIMEOUT_MS = 2_000;

/** The job states counted per queue: waiting (`wait` in BullMQ), running, scheduled and failed. */
const STATES = ['wait', 'active', 'delayed', 'failed'] as const;
const STATE_LABEL: Record<(typeof STATES)[number], string> = {
  wait: 'waiting',
  active: 'active',
  delayed: 'delayed',
  failed: 'failed',
};

/**
 * The oldest event not yet handled: the oldest unrelayed one (partial index on occurred_at) or the
 * first relayed and undelivered (partial index on published_at), whichever occurred first. Two
 * index look-ups, whatever the size of the table.
 */
const OLDEST_UNDELIVERED_SQL = `
  SELECT least(
    (SELECT min(occurred_at) FROM outbox_events WHERE published_at IS NULL),
    (SELECT occurred_at FROM outbox_events WHERE published_at IS NOT NULL AND delivered_at IS NULL
     ORDER BY published_at LIMIT 1)) AS oldest`;

/**
 * What only the worker reports (ADR 0063), collected on each scrape at a bounded cost: the job
 * counts of each BullMQ queue (one MULTI of O(1) counts per queue) and the outbox lag, the age by
 * the clock of the oldest event not yet delivered (0 when none waits). These are facts of the
 * whole deployment, so every worker reports the same values: alert on their max.
 */
@Injectable()
export class WorkerMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly jobs: JobQueue,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.metrics.scrapeGauge(
      'jiebang_queue_jobs',
      'Jobs of each BullMQ queue by state (waiting, active, delayed, failed)',
      ['queue', 'state'],
      async (gauge) => {
        const counts = await Promise.all(
          Object.values(QueueName).map(async (queue) => {
            const found = await withTimeout(
              this.jobs.queue(queue).getJobCounts(...STATES),
              COLLECT_TIMEOUT_MS,
              `Counting the jobs of queue ${queue}`,
            );
            return [queue, found] as const;
          }),
        );
        for (const [queue, found] of counts)
          for (const state of STATES) gauge.set({ queue, state: STATE_LABEL[state] }, found[state] ?? 0);
      },
    );
    this.metrics.scrapeGauge(
      'jiebang_outbox_oldest_undelivered_age_seconds',
      'Age of the oldest outbox event not yet delivered to its handlers (0 when none waits)',
      [],
      async (gauge) => {
        const [row] = await withTimeout(
          this.dataSource.query<Array<{ oldest: Date | null }>>(OLDEST_UNDELIVERED_SQL),
          COLLECT_TIMEOUT_MS,
          'Reading the outbox lag',
        );
        const oldest = row?.oldest;
        gauge.set(oldest ? Math.max(0, (this.clock.now().getTime() - oldest.getTime()) / 1000) : 0);
      },
    );
  }
}
