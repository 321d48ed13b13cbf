import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { Clock } from '../../src/infra/clock/clock';
import { dataSourceOptions } from '../../src/infra/database/data-source.options';
import { EventDispatcher } from '../../src/infra/events/event-dispatcher';
import { OutboxRelay } from '../../src/infra/events/outbox.relay';
import { OutboxService } from '../../src/infra/events/outbox.service';
import { Metrics } from '../../src/infra/metrics/metrics';
import { JobQueue } from '../../src/infra/queue/job-queue.service';
import { bullConnection, bullPrefix } from '../../src/infra/queue/queue.connection';
import { connectRedis } from '../../src/infra/redis/redis-client';
import { JOB_OPTIONS, JobName, QueueName } from '../../src/infra/queue/queue.constants';
import { insertOrganization, insertUser } from '../support/identity-rows';
import { createTestEnvironment, TestEnvironment } from '../support/test-app';
import { TestClock } from '../support/test-clock';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';

const HANDLER = 'NotificationEventsHandler.notify';

/** Runs commit-and-die.ts; resolves with the event id once the child has killed itself. */
function commitAndDie(env: Record<string, string>): Promise<{ eventId: string; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        join(__dirname, '..', 'support', 'processes', 'commit-and-die.ts'),
      ],
      { cwd: join(__dirname, '..', '..'), env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'pipe' },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return reject(new Error(`child exited ${code ?? signal} without an event id: ${err}`));
      resolve({ eventId: (JSON.parse(line) as { eventId: string }).eventId, signal });
    });
  });
}

describe('outbox relay and event dispatch', () => {
  let environment: TestEnvironment;
  let db: DataSource;
  const clock = new TestClock();
  const workers: TestWorker[] = [];

  const startWorkers = async (n: number) => {
    workers.push(
      ...(await Promise.all(Array.from({ length: n }, () => startTestWorker(environment, clock)))),
    );
  };
  const stopWorkers = async () => {
    for (const worker of workers.splice(0)) await worker.close();
  };
  const outboxRow = async (id: string) => {
    const [row] = await db.query<Array<{ published_at: Date | null }>>(
      `SELECT published_at FROM outbox_events WHERE id = $1`,
      [id],
    );
    return row;
  };
  const count = async (sql: string, params: unknown[]) =>
    (await db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM (${sql}) AS q`, params))[0].n;
  const processed = (eventId: string) =>
    count(`SELECT 1 FROM processed_events WHERE event_id = $1`, [eventId]);
  const notifications = (eventId: string) =>
    count(`SELECT 1 FROM notifications WHERE event_id = $1`, [eventId]);
  /** The notification handler's runs of user.roles_changed, by outcome, summed over the running workers. */
  const handlings = async () => {
    const values = (
      await Promise.all(workers.map(async (w) => (await w.get(Metrics).eventHandlings.get()).values))
    )
      .flat()
      .filter((v) => v.labels.type === 'user.roles_changed' && v.labels.handler === HANDLER);
    const of = (outcome: string) =>
      values.filter((v) => v.labels.outcome === outcome).reduce((total, v) => total + v.value, 0);
    return { handled: of('handled'), already: of('already') };
  };
  const jobState = async (eventId: string) =>
    (await workers[0].get(JobQueue).getJob(JobName.DeliverDomainEvent, eventId))?.getState();
  const delivered = (eventId: string) =>
    waitFor(
      async () =>
        (await outboxRow(eventId)).published_at !== null &&
        (await jobState(eventId)) === 'completed' &&
        (await processed(eventId)) > 0,
      { what: `event ${eventId} to be relayed and handled` },
    );
  const publish = (userId: string, organizationId: string, occurredAt?: Date) =>
    db.transaction((em) =>
      new OutboxService(new Clock()).publish(em, {
        type: 'user.roles_changed',
        aggregateType: 'user',
        aggregateId: userId,
        data: { userId, organizationId, roles: ['expert'] },
        occurredAt,
      }),
    );

  beforeAll(async () => {
    environment = await createTestEnvironment();
    db = await new DataSource(dataSourceOptions(environment.config)).initialize();
  });

  afterAll(async () => {
    await stopWorkers();
    await db?.destroy();
    await environment?.drop();
  });

  it('relays an event whose writer died right after commit, and two workers handle it exactly once', async () => {
    const organizationId = await insertOrganization(db);
    const userId = await insertUser(db, organizationId);
    const { eventId, signal } = await commitAndDie({
      ...environment.env,
      USER_ID: userId,
      ORGANIZATION_ID: organizationId,
      ROLES: 'expert,applicant',
    });
    expect(signal).toBe('SIGKILL');
    // The change and the event committed together; nothing has relayed it yet.
    const [user] = await db.query<Array<{ roles: string[] }>>(`SELECT roles FROM users WHERE id = $1`, [
      userId,
    ]);
    expect(user.roles).toEqual(['expert', 'applicant']);
    expect((await outboxRow(eventId)).published_at).toBeNull();

    await startWorkers(2);
    await delivered(eventId);

    expect(await processed(eventId)).toBe(1);
    const rows = await db.query<Array<{ user_id: string; kind: string; title: string; body: string }>>(
      `SELECT user_id, kind, title, body FROM notifications WHERE event_id = $1`,
      [eventId],
    );
    expect(rows).toEqual([
      {
        user_id: userId,
        kind: 'user.roles_changed',
        title: '账号角色已变更',
        body: '您的账号角色已变更为：评审专家、揭榜单位',
      },
    ]);
    const [handled] = await db.query<Array<{ handler: string }>>(
      `SELECT handler FROM processed_events WHERE event_id = $1`,
      [eventId],
    );
    expect(handled.handler).toBe(HANDLER);
  });

  it('skips a handler that already had its effect when the event is delivered again', async () => {
    const organizationId = await insertOrganization(db);
    const userId = await insertUser(db, organizationId);
    const eventId = await publish(userId, organizationId);
    await delivered(eventId);
    const before = await handlings();
    await workers[1].get(EventDispatcher).dispatch(eventId);
    await workers[0].get(EventDispatcher).dispatch(eventId);
    expect(await processed(eventId)).toBe(1);
    expect(await notifications(eventId)).toBe(1);
    // The workers' metrics count both runs as `already`, none as handled again.
    const after = await handlings();
    expect({ handled: after.handled - before.handled, already: after.already - before.already }).toEqual({
      handled: 0,
      already: 2,
    });
  });

  it('does not deliver twice an event a crashed relay enqueued without stamping published_at', async () => {
    await stopWorkers();
    const organizationId = await insertOrganization(db);
    const userId = await insertUser(db, organizationId);
    const eventId = await publish(userId, organizationId);
    // Enqueued by a relay that then died before its UPDATE committed.
    const queue = new Queue(QueueName.Events, {
      connection: bullConnection(environment.config),
      prefix: bullPrefix(environment.config),
    });
    try {
      await queue.add(
        JobName.DeliverDomainEvent,
        { eventId, type: 'user.roles_changed' },
        { ...JOB_OPTIONS[JobName.DeliverDomainEvent], jobId: eventId },
      );
    } finally {
      await queue.close();
    }
    expect((await outboxRow(eventId)).published_at).toBeNull();

    await startWorkers(2);
    await delivered(eventId);
    expect(await processed(eventId)).toBe(1);
    expect(await notifications(eventId)).toBe(1);
  });

  it('re-sends, once, a relayed event whose job Redis lost before it was handled', async () => {
    await stopWorkers();
    const organizationId = await insertOrganization(db);
    const userId = await insertUser(db, organizationId);
    const eventId = await publish(userId, organizationId);
    // Relayed ten minutes ago, then Redis lost its data: stamped published, never delivered, no job
    // (raw SQL on purpose: a crash no API can cause).
    await db.query(`UPDATE outbox_events SET published_at = $2 WHERE id = $1`, [
      eventId,
      new Date(clock.now().getTime() - 10 * 60_000),
    ]);
    await startWorkers(1);
    expect(await jobState(eventId)).toBeUndefined();

    expect(await workers[0].get(OutboxRelay).sweepUndelivered()).toBe(1);
    await waitFor(
      async () =>
        (await db.query(`SELECT delivered_at FROM outbox_events WHERE id = $1`, [eventId]))[0]
          .delivered_at !== null,
      { what: `event ${eventId} to be delivered` },
    );
    expect(await processed(eventId)).toBe(1);
    expect(await notifications(eventId)).toBe(1);
    expect(await workers[0].get(OutboxRelay).sweepUndelivered()).toBe(0);
  });

  it('leaves the events unpublished when they cannot be enqueued (Redis down), for a later pass', async () => {
    await stopWorkers();
    const organizationId = await insertOrganization(db);
    const userId = await insertUser(db, organizationId);
    const eventId = await publish(userId, organizationId);
    const down = { addBulk: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) };
    const relay = new OutboxRelay(db, environment.config, down as unknown as JobQueue, clock);
    await expect(relay.relayBatch()).rejects.toThrow('ECONNREFUSED');
    expect((await outboxRow(eventId)).published_at).toBeNull();

    await startWorkers(1);
    await delivered(eventId);
    expect(await notifications(eventId)).toBe(1);
  });

  it('relays a batch with one addBulk in occurred_at order; relayed again after a crash, no second job', async () => {
    await stopWorkers();
    const organizationId = await insertOrganization(db);
    const userId = await insertUser(db, organizationId);
    // Recorded out of order: the relay enqueues by occurred_at.
    const start = Date.now() - 60_000;
    const third = await publish(userId, organizationId, new Date(start + 2_000));
    const first = await publish(userId, organizationId, new Date(start));
    const second = await publish(userId, organizationId, new Date(start + 1_000));
    const ids = [first, second, third];

    // The worker's JobQueue on queues of its own, with no worker consuming them yet.
    const [events, deadlines, outbound] = [QueueName.Events, QueueName.Deadlines, QueueName.Outbound].map(
      (name) =>
        new Queue(name, {
          connection: bullConnection(environment.config),
          prefix: bullPrefix(environment.config),
        }),
    );
    try {
      const jobs = new JobQueue(events, deadlines, outbound, environment.config);
      const bulk = jest.spyOn(events, 'addBulk');
      const single = jest.spyOn(events, 'add');
      const relay = new OutboxRelay(db, environment.config, jobs, clock);

      // The relay dies after Redis took the batch and before published_at committed.
      const addBulk = jobs.addBulk.bind(jobs);
      jest.spyOn(jobs, 'addBulk').mockImplementationOnce(async (name, batch) => {
        await addBulk(name, batch);
        throw new Error('killed between addBulk and the published_at update');
      });
      await expect(relay.relayBatch()).rejects.toThrow('killed between addBulk');
      for (const id of ids) expect((await outboxRow(id)).published_at).toBeNull();

      // The next pass relays the same rows again, and stamps them.
      expect(await relay.relayBatch()).toBe(3);
      for (const id of ids) expect((await outboxRow(id)).published_at).not.toBeNull();

      // Each pass: one addBulk of the whole batch, oldest first, with the options `add` gives; no add.
      expect(single).not.toHaveBeenCalled();
      expect(bulk).toHaveBeenCalledTimes(2);
      for (const [batch] of bulk.mock.calls) {
        expect(batch.map((job) => job.opts?.jobId)).toEqual(ids);
        for (const job of batch) {
          expect(job).toMatchObject({
            name: JobName.DeliverDomainEvent,
            data: { eventId: job.opts?.jobId, type: 'user.roles_changed' },
            opts: { ...JOB_OPTIONS[JobName.DeliverDomainEvent], jobId: job.data.eventId, delay: 0 },
          });
        }
      }

      // BullMQ ignored the second add of each id: each job waits once, and a `duplicated` event says so.
      const redis = connectRedis(environment.config);
      try {
        const waiting = await redis.lrange(events.keys.wait, 0, -1);
        expect(waiting.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
        const duplicated = (await redis.xrange(events.keys.events, '-', '+'))
          .map(([, fields]) => fields)
          .filter((fields) => fields[fields.indexOf('event') + 1] === 'duplicated')
          .map((fields) => fields[fields.indexOf('jobId') + 1]);
        expect(duplicated.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
      } finally {
        redis.disconnect();
      }
    } finally {
      await Promise.all([events, deadlines, outbound].map((queue) => queue.close()));
    }

    // Two workers handle each event once.
    await startWorkers(2);
    for (const id of ids) await delivered(id);
    for (const id of ids) {
      expect(await processed(id)).toBe(1);
      expect(await notifications(id)).toBe(1);
    }
  });

  it('fails an event job permanently when the event does not exist', async () => {
    const missing = randomUUID();
    await workers[0]
      .get(JobQueue)
      .add(JobName.DeliverDomainEvent, { eventId: missing, type: 'user.roles_changed' }, { jobId: missing });
    await waitFor(async () => (await jobState(missing)) === 'failed', { what: 'the job to fail' });
    const job = await workers[0].get(JobQueue).getJob(JobName.DeliverDomainEvent, missing);
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toMatch(/does not exist/);
  });

  it('runs as its own process (src/worker.ts) and exits cleanly on SIGTERM', async () => {
    await stopWorkers();
    const organizationId = await insertOrganization(db);
    const userId = await insertUser(db, organizationId);
    const eventId = await publish(userId, organizationId);
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(__dirname, '..', '..', 'src', 'worker.ts')],
      {
        cwd: join(__dirname, '..', '..'),
        env: { PATH: process.env.PATH ?? '', ...environment.env },
        stdio: 'pipe',
      },
    );
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(async () => (await processed(eventId)) === 1 && (await outboxRow(eventId)).published_at, {
        timeoutMs: 120_000,
        what: 'the worker process to deliver the event',
      });
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`${(error as Error).message}; worker stderr: ${err}`);
    }
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      exited,
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve('still running'), 60_000);
      }),
    ]);
    clearTimeout(timer);
    if (code === 'still running') child.kill('SIGKILL');
    expect(code).not.toBe('still running');
    expect(err).toBe('');
    expect(await notifications(eventId)).toBe(1);
  });
});
