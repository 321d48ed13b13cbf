import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { startPrivateRedis, RunningRedis } from '../../src/infra/embedded/private-redis';
import { bullPrefix } from '../../src/infra/queue/queue.connection';
import { JOB_QUEUE, JobName } from '../../src/infra/queue/queue.constants';
import { webhookJobId } from '../../src/modules/outreach/webhooks/webhook-jobs';
import { DistProcess, freePort, startDist, stopDist, waitFor200 } from '../support/dist-process';
import { createTestEnvironment, TestEnvironment } from '../support/test-app';
import { waitFor } from '../support/workers';

/** The grace the processes get in these tests; SHUTDOWN_GRACE_MS. */
const GRACE_MS = 3_000;
/**
 * How long after the signal the process must be gone. Generous on purpose (a busy machine delays
 * signals and exits); "within the grace" itself is the exit code: the process exits with 1 when its
 * own watchdog fires at SHUTDOWN_GRACE_MS, with 0 only when the shutdown finished in time.
 */
const EXIT_BOUND_MS = GRACE_MS + 12_000;

/** SIGTERM; resolves with how it exited and how long it took. SIGKILL (a failure) after 60 s. */
async function terminate(
  process: DistProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; elapsedMs: number }> {
  const started = performance.now();
  process.child.kill('SIGTERM');
  const killer = setTimeout(() => process.child.kill('SIGKILL'), 60_000);
  const { code, signal } = await process.exited;
  clearTimeout(killer);
  return { code, signal, elapsedMs: performance.now() - started };
}

interface Outcome {
  path: string;
  sentAt: number;
  doneAt: number;
  status?: number;
  connection?: string;
  error?: string;
  reusedSocket: boolean;
}

function get(port: number, path: string, agent: http.Agent): Promise<Outcome> {
  const sentAt = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: Omit<Outcome, 'path' | 'sentAt' | 'doneAt'>): void => {
      if (settled) return;
      settled = true;
      resolve({ path, sentAt, doneAt: performance.now(), ...outcome });
    };
    const request = http.get({ host: '127.0.0.1', port, path, agent }, (response) => {
      response.resume();
      response.on('end', () =>
        settle({
          status: response.statusCode,
          connection: response.headers.connection,
          reusedSocket: request.reusedSocket,
        }),
      );
      response.on('error', (error: NodeJS.ErrnoException) =>
        settle({ error: error.code ?? error.message, reusedSocket: request.reusedSocket }),
      );
    });
    request.setTimeout(30_000, () => request.destroy(new Error('no answer within 30 s')));
    request.on('error', (error: NodeJS.ErrnoException) =>
      settle({ error: error.code ?? error.message, reusedSocket: request.reusedSocket }),
    );
  });
}

describe('API shutdown with 64 keep-alive clients hammering', () => {
  let environment: TestEnvironment;
  let api: DistProcess | undefined;

  beforeAll(async () => {
    environment = await createTestEnvironment({
      env: { SHUTDOWN_GRACE_MS: String(GRACE_MS), RATE_LIMIT_PER_MINUTE: '10000000', LOG_LEVEL: 'warn' },
    });
  });

  afterAll(async () => {
    await stopDist(api);
    await environment?.drop();
  });

  it('exits by itself within the grace, answering every request sent before the signal and closing keep-alive sockets', async () => {
    const port = await freePort();
    api = startDist('main', { ...environment.env, PORT: String(port) });
    await waitFor200(`http://127.0.0.1:${port}/health/ready`, api);

    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const outcomes: Outcome[] = [];
    const paths = ['/health/live', '/api/v1/challenges?limit=5'];
    const client = async (index: number): Promise<void> => {
      for (let n = index; ; n++) {
        const outcome = await get(port, paths[n % paths.length], agent);
        outcomes.push(outcome);
        // Before the signal an error fails the test below; after it, a refused connection ends the client.
        if (outcome.error) return;
      }
    };
    const clients = Array.from({ length: 64 }, (_, i) => client(i));
    await waitFor(async () => outcomes.length >= 640, { timeoutMs: 60_000, what: '640 answers' });

    const signalAt = performance.now();
    const exit = await terminate(api);
    await Promise.all(clients);
    agent.destroy();
    const failure = `\n${api.output().slice(-4000)}`;

    expect({ code: exit.code, signal: exit.signal, failure: exit.code === 0 ? '' : failure }).toEqual({
      code: 0,
      signal: null,
      failure: '',
    });
    expect(exit.elapsedMs).toBeLessThan(EXIT_BOUND_MS);

    const before = outcomes.filter((o) => o.sentAt < signalAt);
    const after = outcomes.filter((o) => o.sentAt >= signalAt);
    expect(before.length).toBeGreaterThanOrEqual(640);
    // Every request sent before the signal was answered, and answered 200: no 5xx, no reset.
    expect(before.filter((o) => o.status !== 200)).toEqual([]);
    expect(outcomes.filter((o) => o.status !== undefined && o.status >= 500)).toEqual([]);
    // The draining server told its keep-alive clients: at least one answer said Connection: close, and
    // every answer to a request sent once a client had seen that said so too.
    const closes = outcomes.filter((o) => o.connection === 'close');
    expect(closes.length).toBeGreaterThan(0);
    const drainingSeenAt = Math.min(...closes.map((o) => o.doneAt));
    expect(
      outcomes.filter((o) => o.sentAt > drainingSeenAt && o.status !== undefined && o.connection !== 'close'),
    ).toEqual([]);
    // After the signal a request is answered, or its connection refused (the listener is closed) or
    // reset (sent as the server closed the socket, or to a process that had exited): never left hanging.
    expect(
      after.filter(
        (o) => o.error && !['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'socket hang up'].includes(o.error),
      ),
    ).toEqual([]);
    expect(after.filter((o) => o.error === 'ECONNREFUSED').length).toBeGreaterThan(0);
  }, 150_000);
});

/** A webhook receiver: hangs on every request until told to answer 204. */
class Receiver {
  readonly requests: Array<{ webhookId: string; answered: number | null }> = [];
  private answer = false;
  private readonly server = http.createServer((request, response) => {
    const record = { webhookId: String(request.headers['webhook-id']), answered: null as number | null };
    this.requests.push(record);
    request.resume();
    if (!this.answer) return; // never answers: the worker's attempt hangs
    request.on('end', () => {
      record.answered = 204;
      response.writeHead(204).end();
    });
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as { port: number };
    return `http://127.0.0.1:${port}/hook`;
  }

  /** From now on, answer 204 (true) or hang (false). */
  answering(answer: boolean): void {
    this.answer = answer;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A subscription of an enabled admin, and one pending delivery due now: the worker sends it at start. */
async function insertPendingDelivery(db: Client, url: string): Promise<string> {
  const organizationId = randomUUID();
  const userId = randomUUID();
  const subscriptionId = randomUUID();
  const deliveryId = randomUUID();
  const now = new Date();
  await db.query(
    `INSERT INTO organizations (id, name, type, region_code, created_at, updated_at)
     VALUES ($1, $2, 'enterprise', '110000', $3, $3)`,
    [organizationId, `单位 ${organizationId.slice(0, 8)}`, now],
  );
  await db.query(
    `INSERT INTO users (id, organization_id, email, display_name, password_hash, roles, enabled, created_at, updated_at)
     VALUES ($1, $2, $3, '管理员', 'x', '{admin}', true, $4, $4)`,
    [userId, organizationId, `${userId}@example.cn`, now],
  );
  await db.query(
    `INSERT INTO webhook_subscriptions (id, owner_user_id, url, event_types, secret, created_at, updated_at)
     VALUES ($1, $2, $3, '{challenge.opened}', $4, $5, $5)`,
    [subscriptionId, userId, url, `whsec_${Buffer.alloc(32, 7).toString('base64')}`, now],
  );
  await db.query(
    `INSERT INTO webhook_deliveries (id, subscription_id, event_id, event_type, body, status, chain,
       chain_attempts, next_attempt_at, created_at, updated_at)
     VALUES ($1, $2, $3, 'challenge.opened', '{"type":"challenge.opened"}', 'pending', 0, 0, $4, $4, $4)`,
    [deliveryId, subscriptionId, randomUUID(), now],
  );
  return deliveryId;
}

describe('worker shutdown', () => {
  let environment: TestEnvironment;
  let db: Client;
  let worker: DistProcess | undefined;
  let receiver: Receiver;
  let url: string;

  beforeAll(async () => {
    receiver = new Receiver();
    url = await receiver.listen();
    environment = await createTestEnvironment({
      env: {
        SHUTDOWN_GRACE_MS: String(GRACE_MS),
        WEBHOOK_ALLOW_HTTP: 'true',
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
        // Far beyond the grace: only the shutdown can end the hanging attempt.
        WEBHOOK_TIMEOUT_MS: '60000',
        LOG_LEVEL: 'warn',
      },
    });
    db = new Client({ connectionString: environment.env.DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await stopDist(worker);
    await db?.end();
    await receiver?.close();
    await environment?.drop();
  });

  it('exits within its grace while a webhook attempt hangs, and after a restart delivers it exactly once', async () => {
    const deliveryId = await insertPendingDelivery(db, url);
    worker = startDist('worker', environment.env);
    await waitFor(async () => receiver.requests.length === 1, {
      timeoutMs: 60_000,
      what: 'the first attempt',
    });

    const exit = await terminate(worker);
    expect({ code: exit.code, signal: exit.signal, output: exit.code === 0 ? '' : worker.output() }).toEqual({
      code: 0,
      signal: null,
      output: '',
    });
    expect(exit.elapsedMs).toBeLessThan(EXIT_BOUND_MS);

    // The attempt that was cut short recorded nothing, and its job was handed back, not left active.
    const [row] = (
      await db.query(`SELECT status, chain_attempts FROM webhook_deliveries WHERE id = $1`, [deliveryId])
    ).rows;
    expect(row).toEqual({ status: 'pending', chain_attempts: 0 });
    const queue = new Queue(JOB_QUEUE[JobName.DeliverWebhook], {
      connection: { url: environment.env.REDIS_URL },
      prefix: bullPrefix(environment.config),
    });
    try {
      const job = await queue.getJob(webhookJobId({ deliveryId, chain: 0, attempt: 1 }));
      expect(await job?.getState()).toBe('waiting');
    } finally {
      await queue.close();
    }

    receiver.answering(true);
    worker = startDist('worker', environment.env);
    const delivered = await waitFor(
      async () => {
        const { rows } = await db.query(
          `SELECT status, chain_attempts FROM webhook_deliveries WHERE id = $1`,
          [deliveryId],
        );
        return rows[0].status === 'succeeded' ? rows[0] : null;
      },
      { timeoutMs: 60_000, what: 'the delivery to succeed after the restart' },
    );
    expect(delivered).toEqual({ status: 'succeeded', chain_attempts: 1 });
    const restarted = await terminate(worker);
    expect(restarted.code).toBe(0);

    // The receiver saw the same message twice (the hung attempt and the retry) and answered it once.
    expect(receiver.requests).toEqual([
      { webhookId: deliveryId, answered: null },
      { webhookId: deliveryId, answered: 204 },
    ]);
    const attempts = (
      await db.query(
        `SELECT attempt_number, chain_attempt, outcome FROM webhook_delivery_attempts WHERE delivery_id = $1`,
        [deliveryId],
      )
    ).rows;
    expect(attempts).toEqual([{ attempt_number: 1, chain_attempt: 1, outcome: 'succeeded' }]);
  }, 180_000);

  it('exits within its grace when Redis has gone away under it, mid-attempt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jiebang-shutdown-redis-'));
    let redis: RunningRedis | undefined;
    try {
      redis = await startPrivateRedis({
        bin: 'redis-server',
        port: await freePort(),
        dir,
        log: () => undefined,
      });
      receiver.answering(false);
      const seen = receiver.requests.length;
      const deliveryId = await insertPendingDelivery(db, url);
      worker = startDist('worker', { ...environment.env, REDIS_URL: redis.url });
      await waitFor(async () => receiver.requests.length > seen, { timeoutMs: 60_000, what: 'an attempt' });
      expect(receiver.requests[seen].webhookId).toBe(deliveryId);

      process.kill(redis.pid as number, 'SIGKILL');
      const exit = await terminate(worker);
      expect({
        code: exit.code,
        signal: exit.signal,
        output: exit.code === 0 ? '' : worker.output(),
      }).toEqual({
        code: 0,
        signal: null,
        output: '',
      });
      expect(exit.elapsedMs).toBeLessThan(EXIT_BOUND_MS);
    } finally {
      if (redis?.pid) {
        try {
          process.kill(redis.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
