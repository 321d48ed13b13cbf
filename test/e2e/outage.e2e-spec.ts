import { once } from 'node:events';
import { Controller, Get, Module } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { Public } from '../../src/common/auth/decorators';
import { REDIS } from '../../src/infra/redis/redis.module';
import { ADMIN_URL, REDIS_URL, withAdmin } from '../support/databases';
import { Actor, createAdmin, registerOrg } from '../support/factories';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestApp, TestApp } from '../support/test-app';

/** A transaction that holds its connection until the server ends it: an in-flight request. */
const SLOW_QUERY = 'SELECT pg_sleep(30) AS outage_probe';

@Public()
@Controller('outage-probe')
class OutageProbeController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('slow')
  async slow(): Promise<{ ok: true }> {
    await this.dataSource.transaction((em) => em.query(SLOW_QUERY));
    return { ok: true };
  }
}

@Module({ controllers: [OutageProbeController] })
class OutageProbeModule {}

const portOf = (url: string): number => Number(new URL(url).port || 0);

interface Fixture {
  t: TestApp;
  admin: Actor;
  issuer: Actor;
  apiKey: string;
}

/** The mix a portal and a front end send: anonymous and signed-in reads, an API key, a write. */
function mixedRequests(f: Fixture, round: number): Array<() => Promise<Response>> {
  return [
    () => f.t.http.get('/api/v1/challenges'),
    // @OptionalAuth: a valid token is checked, so the user is read from the database.
    () => f.t.http.get('/api/v1/challenges?scope=mine').set(f.issuer.headers),
    () => f.t.http.get('/api/v1/me').set(f.issuer.headers),
    () => f.t.http.get('/api/v1/me').set('X-Api-Key', f.apiKey),
    () =>
      f.t.http
        .post('/api/v1/api-keys')
        .set(f.admin.headers)
        .send({ name: `portal ${round}`, organizationId: f.issuer.organizationId }),
  ];
}

function describeAnswer(res: Response): string {
  // superagent keeps the Node request on the response; its types do not say so.
  const { req } = res as unknown as { req: { method: string; path: string } };
  return `${req.method} ${req.path} → ${res.status} ${JSON.stringify(res.body)}`;
}

function expectServiceUnavailable(res: Response): void {
  expect(describeAnswer(res)).toMatch(/ → 503 /);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe('SERVICE_UNAVAILABLE');
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

function expectSuccess(res: Response): void {
  expect(describeAnswer(res)).toMatch(/ → 2\d\d /);
}

/** Rounds of the mix, each round's requests concurrent: every answer must be a 503. */
async function expectOnly503s(f: Fixture, rounds = 3): Promise<number> {
  let answers = 0;
  for (let round = 0; round < rounds; round++) {
    const results = await Promise.all(mixedRequests(f, round).map((send) => send()));
    results.forEach(expectServiceUnavailable);
    answers += results.length;
  }
  return answers;
}

/** Right after the dependency is back, without waiting: 20 sequential mixed requests all succeed. */
async function expectFullService(f: Fixture): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const requests = mixedRequests(f, 100 + i);
    expectSuccess(await requests[i % requests.length]());
  }
}

/** The app's sessions on its database, as PostgreSQL sees them (through the admin connection). */
async function appBackends(databaseName: string, filter = ''): Promise<number> {
  const rows = await withAdmin((client) =>
    client.query<{ count: string }>(
      `SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() ${filter}`,
      [databaseName],
    ),
  );
  return Number(rows.rows[0].count);
}

/** Polls, a bounded number of times, until a condition holds; fails the test if it never does. */
async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never: ${what}`);
}

async function untilBackends(
  databaseName: string,
  expected: (count: number) => boolean,
  filter = '',
): Promise<void> {
  await until(`pg_stat_activity shows the expected sessions (${filter || 'all'})`, async () =>
    expected(await appBackends(databaseName, filter)),
  );
}

/** The app's pg pool (TypeORM's master pool). */
function pool(t: TestApp): { totalCount: number; idleCount: number } {
  return (t.dataSource.driver as unknown as { master: { totalCount: number; idleCount: number } }).master;
}

async function terminateAppBackends(databaseName: string): Promise<number> {
  const rows = await withAdmin((client) =>
    client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [databaseName],
    ),
  );
  return rows.rowCount ?? 0;
}

async function setUp(t: TestApp): Promise<Fixture> {
  const admin = await createAdmin(t);
  const issuer = await registerOrg(t, { role: 'issuer' });
  const created = await t.http
    .post('/api/v1/api-keys')
    .set(admin.headers)
    .send({ name: 'portal', organizationId: issuer.organizationId });
  expect(created.status).toBe(201);
  return { t, admin, issuer, apiKey: created.body.key as string };
}

/** Fills the pool with idle connections (one per concurrent request): they must be dropped when broken. */
async function warmPool(f: Fixture): Promise<void> {
  const results = await Promise.all(mixedRequests(f, -1).map((send) => send()));
  results.forEach(expectSuccess);
}

describe('PostgreSQL outage: only 503s while it is down, full service as soon as it is back', () => {
  let proxy: TcpProxy;
  let f: Fixture;

  beforeAll(async () => {
    proxy = await TcpProxy.start({ port: portOf(ADMIN_URL) || 5432 });
    const t = await createTestApp({ via: { databasePort: proxy.port }, imports: [OutageProbeModule] });
    f = await setUp(t);
  });

  afterAll(async () => {
    await proxy?.start();
    await f?.t.close();
    await proxy?.close();
  });

  it('immediate stop (every connection cut, new ones refused): an in-flight request and every later one answer 503', async () => {
    await warmPool(f);
    const inFlight = f.t.http.get('/api/v1/outage-probe/slow');
    const answered = inFlight.then((res) => res);
    await untilBackends(f.t.environment.databaseName, (n) => n === 1, `AND query = '${SLOW_QUERY}'`);

    await proxy.stop('immediate');
    // The server side of an immediate stop: its sessions are gone too (none is left to linger).
    await terminateAppBackends(f.t.environment.databaseName);
    expectServiceUnavailable(await answered);
    expect(await expectOnly503s(f)).toBe(15);
    expect(pool(f.t).totalCount).toBe(0);
    // Readiness says so too (and a 503 there is a warning in the log, not an error).
    expectServiceUnavailable(await f.t.http.get('/health/ready'));
    expect((await f.t.http.get('/health/live')).status).toBe(200);

    const acceptedBefore = proxy.accepted;
    await proxy.start();
    await expectFullService(f);
    expect(proxy.accepted).toBeGreaterThan(acceptedBefore);
    expect((await f.t.http.get('/health/ready')).status).toBe(200);
  });

  it('fast stop (the server ends every session, new ones refused): an in-flight transaction and every later request answer 503', async () => {
    await warmPool(f);
    const database = f.t.environment.databaseName;
    const inFlight = f.t.http.get('/api/v1/outage-probe/slow');
    const answered = inFlight.then((res) => res);
    await untilBackends(database, (n) => n === 1, `AND query = '${SLOW_QUERY}'`);

    await proxy.stop('refuse');
    // Idle pooled sessions and the busy one: 57P01 to each, as a fast shutdown sends.
    expect(await terminateAppBackends(database)).toBeGreaterThanOrEqual(2);
    await untilBackends(database, (n) => n === 0);
    expectServiceUnavailable(await answered);
    expect(await expectOnly503s(f)).toBe(15);
    expectServiceUnavailable(await f.t.http.get('/health/ready'));
    expect(pool(f.t).totalCount).toBe(0);

    await proxy.start();
    await expectFullService(f);
    expect((await f.t.http.get('/health/ready')).status).toBe(200);
  });

  it('a restart while the pool is idle: the broken idle connections are dropped, not handed to the next request', async () => {
    await warmPool(f);
    expect(pool(f.t).idleCount).toBeGreaterThanOrEqual(2);
    const database = f.t.environment.databaseName;
    await proxy.stop('refuse');
    expect(await terminateAppBackends(database)).toBeGreaterThanOrEqual(2);
    await untilBackends(database, (n) => n === 0);
    // The pool notices each closed session by itself and drops it, with no request to find out.
    await until('the pool dropped its broken idle connections', () => pool(f.t).totalCount === 0);
    await proxy.start();
    // The database is back before any request saw the outage: not one request may fail for it.
    await expectFullService(f);
  });
});

describe('Redis outage: no 500, no 401; login refuses with 503; back as soon as Redis is', () => {
  let proxy: TcpProxy;
  let f: Fixture;

  beforeAll(async () => {
    proxy = await TcpProxy.start({ port: portOf(REDIS_URL) || 6379 });
    const t = await createTestApp({ via: { redisPort: proxy.port } });
    f = await setUp(t);
  });

  afterAll(async () => {
    await proxy?.start();
    await f?.t.close();
    await proxy?.close();
  });

  it('answers what does not need Redis, 503 for what does, and recovers', async () => {
    await warmPool(f);
    await proxy.stop('immediate');

    // The default rate limit fails open (ADR 0035): reads and writes on PostgreSQL go on.
    for (const send of mixedRequests(f, 0)) expectSuccess(await send());
    // Login's brute-force limit fails closed; readiness reports Redis down.
    const login = await f.t.http
      .post('/api/v1/auth/login')
      .send({ email: f.issuer.email, password: f.issuer.password });
    expectServiceUnavailable(login);
    const ready = await f.t.http.get('/health/ready');
    expectServiceUnavailable(ready);
    expect(ready.body.checks).toMatchObject({ redis: { status: 'down' }, database: { status: 'up' } });

    await proxy.start();
    const redis = f.t.get<Redis>(REDIS);
    if (redis.status !== 'ready') await once(redis, 'ready');
    const again = await f.t.http
      .post('/api/v1/auth/login')
      .send({ email: f.issuer.email, password: f.issuer.password });
    expectSuccess(again);
    expect((await f.t.http.get('/health/ready')).status).toBe(200);
  });
});
