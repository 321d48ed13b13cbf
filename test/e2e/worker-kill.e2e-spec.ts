import { mkdtempSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startPrivateRedis, RunningRedis } from '../../src/infra/embedded/private-redis';
import { OutboxService } from '../../src/infra/events/outbox.service';
import { Actor, createAdmin, registerOrg } from '../support/factories';
import { DistProcess, freePort, startDist } from '../support/dist-process';
import { createTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/workers';

/** Small so the test is quick; the documented bound is their sum (docs/adr/0037). */
const LOCK_MS = 3_000;
const STALLED_MS = 1_000;
const SWEEP_MS = 1_000;
/** Generous slack over the bound for a busy 2-core machine; the default lock alone is 30 s. */
const SLACK_MS = 15_000;
const BURST = 40;

/** A webhook receiver that answers 200 slowly, so a burst keeps several attempts in flight. */
class SlowReceiver {
  readonly ids: string[] = [];
  inFlight = 0;
  private server!: Server;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.inFlight++;
      req.resume();
      req.on('end', () => {
        this.ids.push(String(req.headers['webhook-id']));
        setTimeout(() => {
          this.inFlight--;
          res.writeHead(200).end('ok');
        }, 250);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe('a worker killed with SIGKILL mid-burst of webhook deliveries (docs/adr/0037)', () => {
  const receiver = new SlowReceiver();
  let redis: RunningRedis;
  let t: TestApp;
  let admin: Actor;
  const workers: DistProcess[] = [];

  const startWorker = () => {
    const worker = startDist('worker', {
      ...t.environment.env,
      LOG_LEVEL: 'info',
      WORKER_LOCK_DURATION_MS: String(LOCK_MS),
      WORKER_STALLED_INTERVAL_MS: String(STALLED_MS),
      RECOVERY_SWEEP_INTERVAL_MS: String(SWEEP_MS),
      RECOVERY_GRACE_MS: '500',
    });
    workers.push(worker);
    return worker;
  };
  const statuses = async () =>
    t.dataSource.query<Array<{ status: string; n: number }>>(
      `SELECT status, count(*)::int AS n FROM webhook_deliveries GROUP BY status`,
    );
  const countOf = async (status: string) => (await statuses()).find((s) => s.status === status)?.n ?? 0;

  beforeAll(async () => {
    await receiver.start();
    redis = await startPrivateRedis({
      bin: 'redis-server',
      port: await freePort(),
      dir: mkdtempSync(join(tmpdir(), 'jiebang-kill-redis-')),
      log: () => undefined,
    });
    t = await createTestApp({
      env: {
        REDIS_URL: redis.url,
        WEBHOOK_ALLOW_HTTP: 'true',
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
    admin = await createAdmin(t);
  });

  afterAll(async () => {
    for (const worker of workers) {
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
      await worker.exited;
    }
    await t?.close();
    await redis?.stop();
    await receiver.stop();
  });

  it('delivers every webhook exactly once as a success after the new worker starts, none left pending', async () => {
    const issuer = await registerOrg(t, { role: 'issuer' });
    const res = await t.http
      .post('/api/v1/webhooks')
      .set(admin.headers)
      .send({ url: `http://127.0.0.1:${receiver.port}/hook`, eventTypes: ['challenge.closed'] });
    expect(res.status).toBe(201);

    const first = startWorker();
    await t.dataSource.transaction(async (em) => {
      for (let i = 0; i < BURST; i++) {
        await t.get(OutboxService).publish(em, {
          type: 'challenge.closed',
          aggregateType: 'challenge',
          aggregateId: randomUUID(),
          data: {
            challengeId: randomUUID(),
            title: `榜单 ${i}`,
            issuerOrganizationId: issuer.organizationId,
          },
        });
      }
    });

    // Mid-burst: some delivered, some attempts in flight at the receiver.
    await waitFor(async () => receiver.ids.length >= 5 && receiver.inFlight > 0, {
      timeoutMs: 60_000,
      intervalMs: 5,
      what: `the burst to be under way (worker output: ${first.output().slice(-2000)})`,
    });
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const left = (await countOf('pending')) + BURST - (await statuses()).reduce((n, s) => n + s.n, 0);
    expect(left).toBeGreaterThan(0);

    const second = startWorker();
    // The bound runs from the moment the new worker has reconciled (it logs the pending deliveries).
    await waitFor(async () => second.output().includes('pending webhook deliveries'), {
      timeoutMs: 60_000,
      what: `the new worker to start (output: ${second.output().slice(-2000)})`,
    });
    await waitFor(async () => (await countOf('succeeded')) === BURST, {
      timeoutMs: LOCK_MS + STALLED_MS + SWEEP_MS + SLACK_MS,
      what: `every delivery to succeed (now ${JSON.stringify(await statuses())})`,
    });

    expect(await countOf('pending')).toBe(0);
    expect(await countOf('failed')).toBe(0);
    const perDelivery = await t.dataSource.query<Array<{ id: string; successes: number }>>(
      `SELECT d.id, count(a.*) FILTER (WHERE a.outcome = 'succeeded')::int AS successes
       FROM webhook_deliveries d LEFT JOIN webhook_delivery_attempts a ON a.delivery_id = d.id
       GROUP BY d.id`,
    );
    expect(perDelivery).toHaveLength(BURST);
    expect(perDelivery.filter((d) => d.successes !== 1)).toEqual([]);
    // The receiver saw every delivery (a send cut short by the kill may arrive twice, same webhook-id).
    expect(new Set(receiver.ids)).toEqual(new Set(perDelivery.map((d) => d.id)));
  });
});
