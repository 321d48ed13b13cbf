import Redis, { Cluster } from 'ioredis';
import { Queue, Worker } from 'bullmq';
import { Clock } from '../../src/infra/clock/clock';
import { OutboxService } from '../../src/infra/events/outbox.service';
import { JobQueue } from '../../src/infra/queue/job-queue.service';
import { bullConnection, bullPrefix } from '../../src/infra/queue/queue.connection';
import { connectRedis } from '../../src/infra/redis/redis-client';
import { BULL_CONNECTION, createRedis, REDIS } from '../../src/infra/redis/redis.module';
import { checkRedisTarget } from '../../src/infra/startup/preflight';
import { StartupError } from '../../src/infra/startup/startup-errors';
import { AuthService } from '../../src/modules/platform/auth/auth.service';
import { parseConfig } from '../../src/infra/config/config';
import { createProgram, promoteDeadline, publishChallenge } from '../support/challenges';
import { Actor, createAdmin, registerOrg } from '../support/factories';
import { keysOn, LocalRedisCluster, startRedisCluster, startRedisSentinel } from '../support/redis-cluster';
import { createTestApp, TestApp } from '../support/test-app';
import { Receiver, subscribePortal } from '../support/webhook-receiver';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';

/**
 * The API and the worker on a real Redis Cluster of three masters (docs/adr/0066): the outbox
 * relay, deadlines and webhook deliveries run through it, each once; BullMQ's keys share one
 * slot (its prefix carries a hash tag), the app's own keys go where their slot is.
 */
describe('on a Redis Cluster (REDIS_MODE=cluster)', () => {
  const receiver = new Receiver();
  let cluster: LocalRedisCluster;
  let t: TestApp;
  let worker: TestWorker;
  let admin: Actor;
  let issuer: Actor;

  /** The processed_events rows of an outbox event type (each handler's once-only record). */
  const handled = async (type: string) =>
    t.dataSource.query<Array<{ event_id: string; handler: string }>>(
      `SELECT p.event_id, p.handler FROM processed_events p JOIN outbox_events o ON o.id = p.event_id
       WHERE o.type = $1 AND o.aggregate_id = $2 ORDER BY p.handler`,
      [type, challengeId],
    );
  let challengeId = '';
  const deliveredOf = (type: string) =>
    receiver.at('/portal').filter((r) => (JSON.parse(r.body) as { type: string }).type === type);
  const deadline = async (kind: string) =>
    (
      await t.dataSource.query<Array<{ status: string; version: number }>>(
        `SELECT status, version FROM deadlines WHERE entity_id = $1 AND kind = $2`,
        [challengeId, kind],
      )
    )[0];

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    await receiver.start();
    t = await createTestApp({
      env: {
        REDIS_MODE: 'cluster',
        REDIS_URL: '',
        REDIS_CLUSTER_NODES: cluster.nodes.join(','),
        WEBHOOK_ALLOW_HTTP: 'true',
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
    worker = await startTestWorker(t.environment, t.clock);
    admin = await createAdmin(t);
    issuer = await registerOrg(t, { role: 'issuer' });
  });

  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await receiver.stop();
    await cluster?.stop();
  });

  it('starts: the start-up check finds the cluster, and names REDIS_CLUSTER_NODES when nothing answers', async () => {
    expect(t.environment.config.REDIS_URL).toBeUndefined();
    await expect(checkRedisTarget(t.environment.config, 5_000)).resolves.toBeUndefined();
    const nowhere = parseConfig({ ...t.environment.env, REDIS_CLUSTER_NODES: '127.0.0.1:1' });
    const failed = await checkRedisTarget(nowhere, 300).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(StartupError);
    expect((failed as StartupError).variable).toBe('REDIS_CLUSTER_NODES');
    expect((failed as Error).message).toMatch(
      /^REDIS_CLUSTER_NODES: no Redis answered as the Redis Cluster 127\.0\.0\.1:1/,
    );
    // Both processes hold Cluster clients: the app's and the one BullMQ shares.
    expect(t.get(REDIS)).toBeInstanceOf(Cluster);
    expect(worker.module.get(BULL_CONNECTION)).toBeInstanceOf(Cluster);
  });

  it('relays a state change, runs its deadlines and delivers its webhooks, each once', async () => {
    await subscribePortal(t, admin, issuer.organizationId, receiver.url('/portal'), [
      'challenge.published',
      'challenge.closed',
    ]);
    const programId = await createProgram(t, admin);

    // A state change through the API: its outbox event is relayed and handled, its webhook delivered.
    const challenge = await publishChallenge(t, issuer, admin, programId);
    challengeId = challenge.id;
    await waitFor(async () => deliveredOf('challenge.published').length > 0, {
      what: 'the challenge.published delivery',
    });
    const published = await handled('challenge.published');
    expect(published.length).toBeGreaterThan(0);
    expect(new Set(published.map((row) => row.handler)).size).toBe(published.length);
    expect(published.map((row) => row.handler)).toContain('WebhookEventsHandler.fanOut');

    // Its deadlines, through delayed jobs on the cluster: the opening, then the closing, each once.
    t.clock.set(challenge.opensAt as string);
    expect(
      await promoteDeadline(worker.get(JobQueue), challengeId, 'open', challenge.opensAt as string),
    ).toBe(true);
    await waitFor(async () => (await deadline('challenge.open'))?.status === 'done', { what: 'the opening' });
    t.clock.set(challenge.closesAt as string);
    expect(
      await promoteDeadline(worker.get(JobQueue), challengeId, 'close', challenge.closesAt as string),
    ).toBe(true);
    await waitFor(async () => deliveredOf('challenge.closed').length > 0, {
      what: 'the challenge.closed delivery',
    });
    const [row] = await t.dataSource.query<Array<{ status: string }>>(
      `SELECT status FROM challenges WHERE id = $1`,
      [challengeId],
    );
    expect(row.status).toBe('closed');
    expect(await deadline('challenge.open')).toMatchObject({ status: 'done', version: 2 });
    expect(await deadline('challenge.close')).toMatchObject({ status: 'done', version: 2 });

    // Once each: the relay, the worker and the deliveries have settled; nothing more arrives.
    await waitFor(
      async () =>
        (
          await t.dataSource.query<Array<{ n: number }>>(
            `SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL`,
          )
        )[0].n === 0,
      { what: 'every outbox event relayed' },
    );
    expect(deliveredOf('challenge.published')).toHaveLength(1);
    expect(deliveredOf('challenge.closed')).toHaveLength(1);
    const closed = await handled('challenge.closed');
    expect(new Set(closed.map((row) => row.handler)).size).toBe(closed.length);
    await waitFor(
      async () =>
        (
          await t.dataSource.query<Array<{ n: number }>>(
            `SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'succeeded'`,
          )
        )[0].n === 2,
      { what: 'both deliveries recorded as succeeded' },
    );
  });

  it('relays events committed together with one addBulk (a pipeline in one slot), each handled once', async () => {
    const bulk = jest.spyOn(worker.get(JobQueue), 'addBulk');
    try {
      const ids = await t.dataSource.transaction(async (em) => {
        const outbox = new OutboxService(new Clock());
        const recorded: string[] = [];
        for (const roles of [['expert'], ['applicant'], ['expert', 'applicant']]) {
          recorded.push(
            await outbox.publish(em, {
              type: 'user.roles_changed',
              aggregateType: 'user',
              aggregateId: issuer.userId,
              data: { userId: issuer.userId, organizationId: issuer.organizationId, roles },
            }),
          );
        }
        return recorded;
      });
      const processed = async (id: string) =>
        (
          await t.dataSource.query<Array<{ n: number }>>(
            `SELECT count(*)::int AS n FROM processed_events WHERE event_id = $1`,
            [id],
          )
        )[0].n;
      for (const id of ids) await waitFor(async () => (await processed(id)) > 0, { what: `event ${id}` });
      // One call carried the three jobs (the relay claims rows committed together in one batch).
      const batches = bulk.mock.calls.map(([, jobs]) => jobs.map((job) => job.options.jobId).sort());
      expect(batches.filter((batch) => ids.some((id) => batch.includes(id)))).toEqual([[...ids].sort()]);
      for (const id of ids) expect(await processed(id)).toBe(1);
    } finally {
      bulk.mockRestore();
    }
  });

  it("keeps BullMQ's keys in one slot and the app's keys (rate limits, lockouts) on the cluster", async () => {
    const config = t.environment.config;
    const prefix = bullPrefix(config);
    expect(prefix).toBe(`{${t.environment.redisPrefix}}:bull`);
    const byNode = await Promise.all(cluster.ports.map((port) => keysOn(port, `${prefix}:*`)));
    // Every queue's keys, on one master only (one hash tag, one slot).
    expect(byNode.filter((keys) => keys.length > 0)).toHaveLength(1);
    const bullKeys = byNode.flat();
    expect(bullKeys.some((key) => key.startsWith(`${prefix}:events:`))).toBe(true);
    expect(bullKeys.some((key) => key.startsWith(`${prefix}:deadlines:`))).toBe(true);

    // A failed sign-in counts in Redis (a Lua script on one key), as do the rate limits of every request.
    await expect(t.get(AuthService).login(issuer.email, 'not the password')).rejects.toThrow();
    const appKeys = (
      await Promise.all(cluster.ports.map((port) => keysOn(port, `${t.environment.redisPrefix}:*`)))
    ).flat();
    expect(appKeys.some((key) => key.includes(':login-failures:'))).toBe(true);
    expect(appKeys.some((key) => key.includes(':rate-limit:'))).toBe(true);
  });

  it('a REDIS_PREFIX with its own hash tag is used as it is, by the app and by BullMQ', async () => {
    const config = parseConfig({ ...t.environment.env, REDIS_PREFIX: 'tagged:{jb}' });
    expect(bullPrefix(config)).toBe('tagged:{jb}:bull');
    const redis = createRedis(config);
    const connection = bullConnection(config);
    const queue = new Queue('tagged', { connection, prefix: bullPrefix(config) });
    const seen: unknown[] = [];
    const consumer = new Worker('tagged', async (job) => void seen.push(job.data), {
      connection,
      prefix: bullPrefix(config),
    });
    try {
      await redis.set('probe', '1');
      await queue.add('probe', { n: 1 });
      await waitFor(async () => seen.length === 1, { what: 'the job on the tagged prefix' });
      const keys = (await Promise.all(cluster.ports.map((port) => keysOn(port, 'tagged:{jb}:*')))).filter(
        (found) => found.length > 0,
      );
      expect(keys).toHaveLength(1);
      expect(keys[0]).toEqual(expect.arrayContaining(['tagged:{jb}:probe']));
    } finally {
      await consumer.close();
      await queue.close();
      redis.disconnect();
      if (typeof (connection as Redis).disconnect === 'function') (connection as Redis).disconnect();
    }
  });
});

/** One master watched by one Sentinel: the app client and BullMQ find the master through it. */
describe('through Redis Sentinel (REDIS_MODE=sentinel)', () => {
  it('connects the app client and BullMQ to the master the sentinel names', async () => {
    const sentinel = await startRedisSentinel('jiebang-master');
    const config = parseConfig({
      DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
      JWT_ACCESS_SECRET: 'k'.repeat(32),
      REDIS_MODE: 'sentinel',
      REDIS_SENTINELS: sentinel.sentinel,
      REDIS_SENTINEL_NAME: 'jiebang-master',
      REDIS_PREFIX: 'sentinel_test',
    });
    const redis = createRedis(config);
    const connection = bullConnection(config);
    const queue = new Queue('probe', { connection, prefix: bullPrefix(config) });
    const seen: unknown[] = [];
    const consumer = new Worker('probe', async (job) => void seen.push(job.data), {
      connection,
      prefix: bullPrefix(config),
    });
    const master = connectRedis({ REDIS_URL: `redis://127.0.0.1:${sentinel.masterPort}` });
    try {
      await checkRedisTarget(config, 5_000);
      await redis.set('probe', 'via sentinel');
      expect(await master.get('sentinel_test:probe')).toBe('via sentinel');
      await queue.add('probe', { n: 1 });
      await waitFor(async () => seen.length === 1, { what: 'the job through the sentinel' });
      expect(await master.exists('sentinel_test:bull:probe:meta')).toBe(1);
    } finally {
      await consumer.close();
      await queue.close();
      redis.disconnect();
      master.disconnect();
      await sentinel.stop();
    }
  });
});
