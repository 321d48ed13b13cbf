import { randomBytes } from 'node:crypto';
import { RateLimitBudget } from '../../src/common/rate-limit/rate-limit-budget';
import { RATE_LIMIT_BUDGET } from '../../src/common/rate-limit/rate-limit.guard';
import type { RedisClient } from '../../src/infra/redis/redis-client';
import { createRedis, REDIS } from '../../src/infra/redis/redis.module';
import { REDIS_URL } from '../support/databases';
import { createTestApp, deleteRedisPrefix, TestApp } from '../support/test-app';
import { TestClock } from '../support/test-clock';

const MINUTE = 60_000;

/** Counts the budget's Redis calls (its one command, a Lua script), to show which requests make one. */
function countLeases(redis: RedisClient): { calls: number } {
  const counter = { calls: 0 };
  const target = redis as RedisClient & { rateLimitLease: (...args: unknown[]) => Promise<unknown> };
  const original = target.rateLimitLease.bind(target);
  target.rateLimitLease = (...args: unknown[]) => {
    counter.calls += 1;
    return original(...args);
  };
  return counter;
}

/** The default limit's shared budget over several processes (docs/adr/0056), with one Redis and one clock. */
describe('RateLimitBudget: the default limit without a Redis round trip per anonymous read', () => {
  const prefix = `test_budget_${process.pid}_${randomBytes(4).toString('hex')}`;
  const clients: RedisClient[] = [];
  let clock: TestClock;

  /** One API process's budget: its own Redis client and local state, the shared Redis and clock. */
  const process_ = (options?: { maxLease?: number; maxEntries?: number }) => {
    const redis = createRedis({ REDIS_URL, REDIS_PREFIX: prefix });
    clients.push(redis);
    const budget = new RateLimitBudget(redis, clock, { maxLease: 50, maxEntries: 10_000, ...options });
    return { budget, redis, leases: countLeases(redis) };
  };

  const spend = async (budget: RateLimitBudget, key: string, times: number, limit: number, lease = true) => {
    let allowed = 0;
    for (let i = 0; i < times; i++) if ((await budget.take(key, limit, MINUTE, lease)).allowed) allowed += 1;
    return allowed;
  };

  beforeEach(() => {
    // A fresh minute for every test: its own window, its own counters.
    clock = new TestClock(new Date(Date.UTC(2027, 2, 1, 2, Math.floor(Math.random() * 1e6))));
  });

  afterAll(async () => {
    for (const redis of clients) redis.disconnect();
    await deleteRedisPrefix(prefix);
  });

  it('holds the limit in one process, with a Redis call per lease rather than per request, until the window ends', async () => {
    const one = process_();
    expect(await spend(one.budget, 'rate-limit:default:198.51.100.1', 600, 600)).toBe(600);
    const callsForTheLimit = one.leases.calls;
    expect(callsForTheLimit).toBeLessThan(600 / 10);
    // The budget is spent: refused, and remembered, so the refusals cost no Redis call.
    const refused = await one.budget.take('rate-limit:default:198.51.100.1', 600, MINUTE, true);
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(refused.resetSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.resetSeconds).toBeLessThanOrEqual(60);
    expect(await spend(one.budget, 'rate-limit:default:198.51.100.1', 100, 600)).toBe(0);
    expect(one.leases.calls).toBe(callsForTheLimit + 1);
    // The next window: a full budget again.
    clock.advance(MINUTE);
    expect(await spend(one.budget, 'rate-limit:default:198.51.100.1', 10, 600)).toBe(10);
  });

  it('counts down X-RateLimit-Remaining one by one in one process', async () => {
    const one = process_();
    const remaining: number[] = [];
    for (let i = 0; i < 12; i++)
      remaining.push((await one.budget.take('rate-limit:default:c', 10, MINUTE, true)).remaining);
    expect(remaining).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0]);
  });

  it('two processes sharing Redis never admit more than the limit together, and admit all of it when both are asked', async () => {
    const a = process_();
    const b = process_();
    let allowed = 0;
    // A client whose requests a load balancer spreads over both processes, unevenly.
    for (let i = 0; i < 1_500; i++) {
      const target = i % 3 === 0 ? a : b;
      if ((await target.budget.take('rate-limit:default:203.0.113.7', 600, MINUTE, true)).allowed)
        allowed += 1;
    }
    expect(allowed).toBe(600);
    expect(a.leases.calls + b.leases.calls).toBeLessThan(100);
  });

  it('the documented tolerance: a client moving to the other process is refused at most one lease early', async () => {
    const a = process_();
    const b = process_();
    const key = 'rate-limit:default:203.0.113.8';
    // Process A leased hits and spent one; the client is then served by B only.
    expect(await spend(a.budget, key, 1, 600)).toBe(1);
    const onB = await spend(b.budget, key, 1_000, 600);
    expect(1 + onB).toBeLessThanOrEqual(600);
    expect(1 + onB).toBeGreaterThanOrEqual(600 - 50);
  });

  it('authenticated and write requests take their hit from Redis itself: exact, one call each', async () => {
    const a = process_();
    const b = process_();
    const key = 'rate-limit:default:192.0.2.9';
    expect(await spend(a.budget, key, 7, 10, false)).toBe(7);
    expect(a.leases.calls).toBe(7);
    expect(await spend(b.budget, key, 5, 10, false)).toBe(3);
    // A process holding leased hits of the client spends those first (already counted in Redis).
    const c = process_();
    clock.advance(MINUTE);
    expect(await spend(c.budget, key, 1, 10, true)).toBe(1);
    const before = c.leases.calls;
    expect(await spend(c.budget, key, 1, 10, false)).toBe(1);
    expect(c.leases.calls).toBe(before);
  });

  it('asks Redis once for many concurrent reads of one client', async () => {
    const one = process_();
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => one.budget.take('rate-limit:default:concurrent', 600, MINUTE, true)),
    );
    expect(answers.every((a) => a.allowed)).toBe(true);
    expect(one.leases.calls).toBe(1);
  });

  it('keeps its local state bounded whatever the number of distinct clients', async () => {
    const one = process_({ maxEntries: 100 });
    for (let i = 0; i < 1_000; i++)
      await one.budget.take(`rate-limit:default:10.0.${i >> 8}.${i & 255}`, 600, MINUTE, true);
    expect(one.budget.size).toBe(100);
    // A later window: the past window's clients are swept out at once.
    clock.advance(MINUTE);
    await one.budget.take('rate-limit:default:fresh', 600, MINUTE, true);
    expect(one.budget.size).toBeLessThanOrEqual(100);
    // A forgotten client is not refused for it, nor given a second budget.
    expect(await spend(one.budget, 'rate-limit:default:10.0.0.1', 600, 600)).toBe(600);
    expect(await spend(one.budget, 'rate-limit:default:10.0.0.1', 5, 600)).toBe(0);
  });

  it('fails when Redis fails (the guard then fails open), and asks again on the next request', async () => {
    const broken = createRedis({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_PREFIX: prefix });
    clients.push(broken);
    await expect(
      new RateLimitBudget(broken, clock).take('rate-limit:default:x', 600, MINUTE, true),
    ).rejects.toThrow();

    // One failed lease leaves nothing on its way: the next request asks Redis again and is served.
    const one = process_();
    const target = one.redis as RedisClient & { rateLimitLease: (...args: unknown[]) => Promise<unknown> };
    const working = target.rateLimitLease;
    target.rateLimitLease = () => Promise.reject(new Error('connection lost'));
    await expect(one.budget.take('rate-limit:default:y', 600, MINUTE, true)).rejects.toThrow(
      'connection lost',
    );
    target.rateLimitLease = working;
    expect(await one.budget.take('rate-limit:default:y', 600, MINUTE, true)).toMatchObject({ allowed: true });
  });
});

describe('the default rate limit over HTTP (RATE_LIMIT_PER_MINUTE=5)', () => {
  let t: TestApp;
  let leases: { calls: number };

  /** The budget's windows follow the wall clock in the app; here, a TestClock of their own. */
  const windows = new TestClock();

  beforeAll(async () => {
    t = await createTestApp({
      env: { RATE_LIMIT_PER_MINUTE: '5' },
      override: (builder) =>
        builder.overrideProvider(RATE_LIMIT_BUDGET).useFactory({
          factory: (redis: RedisClient) => new RateLimitBudget(redis, windows),
          inject: [REDIS],
        }),
    });
    leases = countLeases(t.get<RedisClient>(REDIS));
    expect(t.get(RATE_LIMIT_BUDGET)).toBeInstanceOf(RateLimitBudget);
  });
  afterAll(async () => t.close());

  it('answers the X-RateLimit-* headers, then 429 RATE_LIMITED problem+json with Retry-After, and again after the minute', async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await t.http.get('/api/v1/challenges?limit=1');
      expect(res.status).toBe(200);
      expect(res.headers['x-ratelimit-limit']).toBe('5');
      expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThanOrEqual(1);
      expect(Number(res.headers['x-ratelimit-reset'])).toBeLessThanOrEqual(60);
      remaining.push(res.headers['x-ratelimit-remaining']);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    // Five anonymous reads, fewer Redis calls (leases shrink near the limit: 2, 1, 1, 1).
    expect(leases.calls).toBeLessThan(5);

    const limited = await t.http.get('/api/v1/challenges?limit=1');
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // One budget per client whatever the route or credentials: a signed-in call is refused too.
    const signedIn = await t.http.get('/api/v1/me').set('Authorization', 'Bearer not-a-token');
    expect(signedIn.status).toBe(429);

    windows.advance(MINUTE);
    const next = await t.http.get('/api/v1/challenges?limit=1');
    expect(next.status).toBe(200);
    expect(next.headers['x-ratelimit-remaining']).toBe('4');
  });

  it('never limits the probes', async () => {
    for (let i = 0; i < 8; i++) expect((await t.http.get('/health/live')).status).toBe(200);
  });
});

describe('two API instances sharing Redis (RATE_LIMIT_PER_MINUTE=20)', () => {
  const shared = `test_two_${process.pid}_${randomBytes(4).toString('hex')}`;
  const windows = new TestClock();
  const apps: TestApp[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      apps.push(
        await createTestApp({
          env: { RATE_LIMIT_PER_MINUTE: '20', REDIS_PREFIX: shared },
          override: (builder) =>
            builder.overrideProvider(RATE_LIMIT_BUDGET).useFactory({
              factory: (redis: RedisClient) => new RateLimitBudget(redis, windows),
              inject: [REDIS],
            }),
        }),
      );
    }
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it('admit the limit together, no more, whichever instance a request reaches', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const app = apps[i % 5 < 2 ? 0 : 1];
      statuses.push((await app.http.get('/api/v1/challenges?limit=1')).status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40);
    // A signed-in request, exact, is refused by either instance too.
    for (const app of apps) {
      expect((await app.http.get('/api/v1/me').set('Authorization', 'Bearer not-a-token')).status).toBe(429);
    }
  });
});
