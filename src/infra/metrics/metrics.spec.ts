import { parseConfig } from '../config/config.schema';
import { freePort } from '../embedded/free-port';
import { Metrics } from './metrics';
import { MetricsServer } from './metrics.server';

const env = {
  DATABASE_URL: 'postgres://app@db:5432/jiebang',
  REDIS_URL: 'redis://cache:6379',
  JWT_ACCESS_SECRET: 'k'.repeat(32),
  HOST: '127.0.0.1',
};

describe('Metrics', () => {
  it('keeps its own registry, apart from any other application', async () => {
    const [a, b] = [new Metrics(), new Metrics()];
    a.mailAttempts.inc({ outcome: 'sent' });
    expect(await a.scrape()).toContain('jiebang_mail_attempts_total{outcome="sent"} 1');
    expect(await b.scrape()).not.toContain('jiebang_mail_attempts_total{outcome="sent"}');
  });

  it('sets a scrape gauge on each scrape, and leaves it empty, counted, when its collection fails', async () => {
    const metrics = new Metrics();
    let depth: number | Error = 3;
    metrics.scrapeGauge('test_depth', 'A depth', ['queue'], (gauge) => {
      if (depth instanceof Error) throw depth;
      gauge.set({ queue: 'a' }, depth);
    });
    expect(await metrics.scrape()).toContain('test_depth{queue="a"} 3');
    depth = new Error('Redis down');
    const text = await metrics.scrape();
    expect(text).not.toContain('test_depth{');
    expect(text).toContain('jiebang_metrics_collect_errors_total{metric="test_depth"} 1');
  });

  it('observes a deadline’s lateness in seconds, never below zero', async () => {
    const metrics = new Metrics();
    const due = new Date('2027-03-01T02:00:00Z');
    metrics.deadlineRan('k', due, new Date(due.getTime() + 45_000));
    metrics.deadlineRan('k', due, new Date(due.getTime() - 1_000));
    const text = await metrics.scrape();
    expect(text).toContain('jiebang_deadline_lateness_seconds_sum{kind="k"} 45');
    expect(text).toContain('jiebang_deadline_lateness_seconds_bucket{le="1",kind="k"} 1');
  });
});

describe('MetricsServer', () => {
  const servers: MetricsServer[] = [];
  const start = async (port: number): Promise<MetricsServer> => {
    const server = new MetricsServer(new Metrics(), parseConfig({ ...env, METRICS_PORT: String(port) }));
    servers.push(server);
    await server.onApplicationBootstrap();
    return server;
  };
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.onApplicationShutdown();
  });

  it('does not listen when METRICS_PORT is 0', async () => {
    expect((await start(0)).port).toBeNull();
  });

  it('serves /metrics and the probes it is given, 404 elsewhere, GET and HEAD only', async () => {
    const port = await freePort();
    const server = await start(port);
    server.addProbe('/health/ready', () => Promise.resolve({ ok: false, reason: 'redis down' }));
    const url = (path: string) => `http://127.0.0.1:${port}${path}`;
    const metrics = await fetch(url('/metrics'));
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await metrics.text()).toContain('# TYPE process_cpu_user_seconds_total counter');
    const ready = await fetch(url('/health/ready'));
    expect([ready.status, await ready.json()]).toEqual([503, { status: 'error', reason: 'redis down' }]);
    expect((await fetch(url('/other'))).status).toBe(404);
    expect((await fetch(url('/metrics'), { method: 'POST' })).status).toBe(405);
    const head = await fetch(url('/metrics'), { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
  });
});
