import { randomUUID } from 'node:crypto';
import { Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { freePort } from '../../src/infra/embedded/free-port';
import { ShutdownState } from '../../src/infra/lifecycle/shutdown';
import { MetricsServer } from '../../src/infra/metrics/metrics.server';
import { JobQueue } from '../../src/infra/queue/job-queue.service';
import { JobName, QueueName } from '../../src/infra/queue/queue.constants';
import { OnDeadline } from '../../src/infra/scheduler/deadline-handler';
import { deadlineJobId, DeadlineSpec } from '../../src/infra/scheduler/deadline-job';
import { DeadlineScheduler } from '../../src/infra/scheduler/deadline.scheduler';
import { parseMetrics, samplesOf, Scrape, scrape, scrapeMetrics, valueOf } from '../support/prometheus';
import { createTestApp, createTestEnvironment, TestApp, TestEnvironment } from '../support/test-app';
import { TestClock } from '../support/test-clock';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';
import { DistProcess, startDist, stopDist, waitFor200 } from '../support/dist-process';

const KIND = 'test.metrics';
const MINUTE = 60_000;

/** A test-only deadline kind whose handler does nothing: the lateness is what is measured. */
@Injectable()
class QuietHandler {
  @OnDeadline(KIND)
  async run(): Promise<void> {}
}

@Module({ providers: [QuietHandler] })
class QuietDeadlinesModule {}

/** Every metric both processes expose (ADR 0063); the names docs/prometheus-alerts.yml uses. */
const COMMON = [
  'process_cpu_user_seconds_total',
  'process_resident_memory_bytes',
  'nodejs_eventloop_lag_seconds',
  'jiebang_db_pool_connections',
  'jiebang_db_pool_idle_connections',
  'jiebang_db_pool_waiting_requests',
  'jiebang_db_pool_max_connections',
];

describe('metrics (ADR 0063)', () => {
  describe('the API', () => {
    let t: TestApp;
    let port: number;

    beforeAll(async () => {
      port = await freePort();
      t = await createTestApp({ env: { METRICS_PORT: String(port) } });
    });
    afterAll(() => t?.close());

    it('serves Prometheus text on METRICS_PORT, with process and pool metrics', async () => {
      const answer = await scrape(port);
      expect(answer.status).toBe(200);
      expect(answer.type).toMatch(/^text\/plain; version=0\.0\.4/);
      const metrics = parseMetrics(answer.body);
      for (const name of [...COMMON, 'http_request_duration_seconds'])
        expect(metrics.families.has(name)).toBe(true);
      expect(valueOf(metrics, 'jiebang_db_pool_max_connections', { pool: 'primary' })).toBe(5);
      expect(valueOf(metrics, 'jiebang_db_pool_connections', { pool: 'primary' })).toBeGreaterThan(0);
      expect(metrics.families.get('http_request_duration_seconds')?.type).toBe('HISTOGRAM');
      // The API's own port does not serve them.
      expect((await t.http.get('/metrics')).status).toBe(404);
    });

    it('counts a request under its route template and status, never its URL', async () => {
      const route = { method: 'GET', route: '/api/v1/challenges/:id', status_code: '404' };
      const before = valueOf(await scrapeMetrics(port), 'http_request_duration_seconds_count', route);
      const id = randomUUID();
      await t.http.get(`/api/v1/challenges/${id}`).expect(404);
      await t.http.get(`/api/v1/challenges`).expect(200);
      const unknown = `/no-such-page-${randomUUID()}`;
      await t.http.get(unknown).expect(404);

      const text = (await scrape(port)).body;
      const metrics = parseMetrics(text);
      expect(valueOf(metrics, 'http_request_duration_seconds_count', route)).toBe(before + 1);
      expect(
        valueOf(metrics, 'http_request_duration_seconds_count', {
          route: '/api/v1/challenges',
          status_code: '200',
        }),
      ).toBeGreaterThanOrEqual(1);
      expect(
        valueOf(metrics, 'http_request_duration_seconds_count', { route: 'unmatched', status_code: '404' }),
      ).toBeGreaterThanOrEqual(1);
      expect(valueOf(metrics, 'http_request_duration_seconds_bucket', { ...route, le: '+Inf' })).toBe(
        before + 1,
      );
      // Neither the id nor the unknown path became a label.
      expect(text).not.toContain(id);
      expect(text).not.toContain(unknown);
    });
  });

  it('is off when METRICS_PORT is unset', async () => {
    const t = await createTestApp();
    try {
      expect(t.get(MetricsServer).port).toBeNull();
    } finally {
      await t.close();
    }
  });

  describe('the worker', () => {
    let environment: TestEnvironment;
    let worker: TestWorker;
    let db: DataSource;
    let port: number;
    const clock = new TestClock();

    const deadlinesQueue = (metrics: Scrape, state: string): number =>
      valueOf(metrics, 'jiebang_queue_jobs', { queue: QueueName.Deadlines, state });

    beforeAll(async () => {
      port = await freePort();
      environment = await createTestEnvironment({ env: { METRICS_PORT: String(port) } });
      worker = await startTestWorker(environment, clock, { imports: [QuietDeadlinesModule] });
      db = worker.get(DataSource);
    });
    afterAll(async () => {
      await worker?.close();
      await environment?.drop();
    });

    it('serves Prometheus text with its own metrics, and its probes', async () => {
      const metrics = await scrapeMetrics(port);
      for (const name of [
        ...COMMON,
        'jiebang_queue_jobs',
        'jiebang_outbox_oldest_undelivered_age_seconds',
        'jiebang_deadline_lateness_seconds',
        'jiebang_webhook_attempts_total',
        'jiebang_webhook_attempt_duration_seconds',
        'jiebang_mail_attempts_total',
      ])
        expect(metrics.families.has(name)).toBe(true);
      for (const queue of Object.values(QueueName))
        for (const state of ['waiting', 'active', 'delayed', 'failed'])
          expect(samplesOf(metrics, 'jiebang_queue_jobs', { queue, state })).toHaveLength(1);
      expect(await scrape(port, '/health/live')).toMatchObject({ status: 200, body: '{"status":"ok"}' });
      expect(await scrape(port, '/health/ready')).toMatchObject({ status: 200, body: '{"status":"ok"}' });
      expect((await scrape(port, '/nothing')).status).toBe(404);
    });

    it('shows a scheduled deadline in the queue counts, then how late it ran', async () => {
      const spec: DeadlineSpec = {
        entityType: 'challenge',
        entityId: randomUUID(),
        kind: KIND,
        dueAt: new Date(clock.now().getTime() + MINUTE),
      };
      await db.query(
        `INSERT INTO deadlines (entity_type, entity_id, kind, due_at, status, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'pending', 1, $5, $5)`,
        [spec.entityType, spec.entityId, spec.kind, spec.dueAt, clock.now()],
      );
      const before = await scrapeMetrics(port);
      const delayedBefore = deadlinesQueue(before, 'delayed');
      // Its alarm: a job delayed a minute (real time), counted as delayed.
      await worker.get(DeadlineScheduler).enqueue(spec);
      expect(deadlinesQueue(await scrapeMetrics(port), 'delayed')).toBe(delayedBefore + 1);

      // 90 s later by the clock, the alarm rings now (promoted): the deadline runs 30 s late.
      clock.advance(MINUTE + 30_000);
      const job = await worker.get(JobQueue).getJob(JobName.RunDeadline, deadlineJobId(spec));
      await job?.promote();
      await waitFor(
        async () => {
          const [row] = await db.query<Array<{ status: string }>>(
            `SELECT status FROM deadlines WHERE entity_id = $1`,
            [spec.entityId],
          );
          return row?.status === 'done';
        },
        { what: 'the deadline to run' },
      );
      const after = await scrapeMetrics(port);
      const lateness = (name: string, labels: Record<string, string> = {}) =>
        valueOf(after, `jiebang_deadline_lateness_seconds_${name}`, { kind: KIND, ...labels });
      expect([lateness('count'), lateness('sum')]).toEqual([1, 30]);
      expect(['15', '30', '+Inf'].map((le) => lateness('bucket', { le }))).toEqual([0, 1, 1]);
      expect(deadlinesQueue(after, 'delayed')).toBe(delayedBefore);
    });

    it('reports the age of the oldest undelivered outbox event', async () => {
      const age = async () =>
        valueOf(await scrapeMetrics(port), 'jiebang_outbox_oldest_undelivered_age_seconds');
      await waitFor(async () => (await age()) === 0, { what: 'no event to wait' });
      // Relayed but not delivered (the relay leaves it; the sweep is 5 minutes away), 2 minutes old.
      const [{ id }] = await db.query<Array<{ id: string }>>(
        `INSERT INTO outbox_events (type, aggregate_type, aggregate_id, data, occurred_at, published_at)
         VALUES ('test.metrics', 'test', 'x', '{}', $1, $2) RETURNING id`,
        [new Date(clock.now().getTime() - 2 * MINUTE), clock.now()],
      );
      expect(await age()).toBe(120);
      clock.advance(30_000);
      expect(await age()).toBe(150);
      await db.query(`UPDATE outbox_events SET delivered_at = $2 WHERE id = $1`, [id, clock.now()]);
      expect(await age()).toBe(0);
    });

    it('answers readiness 503 once the worker begins to shut down', async () => {
      worker.get(ShutdownState).beginDraining(Date.now());
      const ready = await scrape(port, '/health/ready');
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.body)).toEqual({ status: 'error', reason: 'shutting down' });
      expect((await scrape(port, '/health/live')).status).toBe(200);
      expect((await scrape(port)).status).toBe(200);
    });
  });

  describe('the worker process (dist)', () => {
    let environment: TestEnvironment;
    let worker: DistProcess | undefined;

    beforeAll(async () => {
      environment = await createTestEnvironment();
    });
    afterAll(async () => {
      await stopDist(worker);
      await environment?.drop();
    });

    it('serves its probes and metrics on METRICS_PORT; a second one on that port stops naming it', async () => {
      const port = await freePort();
      worker = startDist('worker', { ...environment.env, METRICS_PORT: String(port) });
      await waitFor200(`http://127.0.0.1:${port}/health/ready`, worker);
      expect(await scrape(port, '/health/live')).toMatchObject({ status: 200 });
      const metrics = await scrapeMetrics(port);
      expect(samplesOf(metrics, 'jiebang_queue_jobs')).toHaveLength(4 * Object.values(QueueName).length);
      expect(valueOf(metrics, 'jiebang_db_pool_connections', { pool: 'primary' })).toBeGreaterThan(0);

      const second = startDist('worker', {
        ...environment.env,
        METRICS_PORT: String(port),
        LOG_LEVEL: 'info',
      });
      const timer = setTimeout(() => second.child.kill('SIGKILL'), 60_000);
      const { code } = await second.exited;
      clearTimeout(timer);
      expect(code).toBe(1);
      expect(second.output().split('\n').filter(Boolean)).toEqual([
        `[worker] METRICS_PORT: ${port} is already in use on 0.0.0.0 (another process listens there): stop that process or choose another port, e.g. METRICS_PORT=${port + 1}`,
      ]);
    });
  });
});
