import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Injectable, Module } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../../src/common/audit/audit.service';
import { startPrivateRedis, RunningRedis } from '../../src/infra/embedded/private-redis';
import { OnDomainEvent } from '../../src/infra/events/domain-event-handler';
import type { DeliveredEvent } from '../../src/infra/events/domain-event-handler';
import { OutboxRelay } from '../../src/infra/events/outbox.relay';
import { OutboxService } from '../../src/infra/events/outbox.service';
import { JobQueue } from '../../src/infra/queue/job-queue.service';
import { bullConnection, bullPrefix } from '../../src/infra/queue/queue.connection';
import { JOB_OPTIONS, JOB_QUEUE, JobName } from '../../src/infra/queue/queue.constants';
import { OnDeadline } from '../../src/infra/scheduler/deadline-handler';
import type { DueDeadline } from '../../src/infra/scheduler/deadline-handler';
import { deadlineJobId, DeadlineSpec } from '../../src/infra/scheduler/deadline-job';
import { DeadlineDispatcher } from '../../src/infra/scheduler/deadline.dispatcher';
import { DeadlineReconciler } from '../../src/infra/scheduler/deadline.reconciler';
import { DeadlineScheduler } from '../../src/infra/scheduler/deadline.scheduler';
import { CHALLENGE_DEADLINES, CHALLENGE_EVENTS } from '../../src/modules/call/challenges/challenge-events';
import { createProgram, DAY, promoteDeadline, publishChallenge } from '../support/challenges';
import { createAdmin, registerOrg } from '../support/factories';
import { freePort } from '../support/dist-process';
import { createTestApp, TestApp } from '../support/test-app';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';

const KIND = 'test.recovery';
const EVENT = 'test.recovery_event';
const HOUR = 3600_000;

/** While `down`, the probe's effects fail as they would with the database unreachable. */
const outage = { down: false };

/** A deadline kind and an event type whose effect is one audit row per run; both fail during an outage. */
@Injectable()
class RecoveryProbe {
  constructor(private readonly audit: AuditService) {}

  @OnDeadline(KIND)
  async tick(deadline: DueDeadline, em: EntityManager): Promise<void> {
    if (outage.down) throw new Error('connect ECONNREFUSED (database down)');
    await this.audit.record(em, {
      actor: { kind: 'system' },
      action: KIND,
      objectType: deadline.entityType,
      objectId: deadline.entityId,
    });
  }

  @OnDomainEvent(EVENT)
  async onEvent(event: DeliveredEvent, em: EntityManager): Promise<void> {
    if (outage.down) throw new Error('connect ECONNREFUSED (database down)');
    await this.audit.record(em, {
      actor: { kind: 'system' },
      action: EVENT,
      objectType: 'event',
      objectId: event.id,
    });
  }
}

@Module({ providers: [RecoveryProbe] })
class RecoveryProbeModule {}

describe('recovery after Redis is replaced by an empty one (docs/adr/0037)', () => {
  let redis: RunningRedis;
  let port: number;
  const redisDir = mkdtempSync(join(tmpdir(), 'jiebang-recovery-redis-'));
  let t: TestApp;
  let worker: TestWorker;

  const startRedis = () =>
    startPrivateRedis({ bin: 'redis-server', port, dir: redisDir, log: () => undefined });
  /** SIGKILL, then an empty redis-server on the same port: every queue and delayed job is gone. */
  const replaceRedis = async () => {
    if (redis.pid) process.kill(redis.pid, 'SIGKILL');
    await redis.stop();
    redis = await waitFor(() => startRedis().catch(() => null), { timeoutMs: 20_000, what: 'a new Redis' });
  };
  const count = async (sql: string, params: unknown[]) =>
    (
      await t.dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM (${sql}) AS q`, params)
    )[0].n;
  const runs = (entityId: string) =>
    count(`SELECT 1 FROM audit_events WHERE action = $1 AND object_id = $2`, [KIND, entityId]);
  const effects = (eventId: string) =>
    count(`SELECT 1 FROM audit_events WHERE action = $1 AND object_id = $2`, [EVENT, eventId]);
  const deadlineStatus = async (d: DeadlineSpec) =>
    (
      await t.dataSource.query<Array<{ status: string }>>(
        `SELECT status FROM deadlines WHERE entity_type = $1 AND entity_id = $2 AND kind = $3`,
        [d.entityType, d.entityId, d.kind],
      )
    )[0]?.status;
  const delivered = async (eventId: string) =>
    (
      await t.dataSource.query<Array<{ delivered_at: Date | null }>>(
        `SELECT delivered_at FROM outbox_events WHERE id = $1`,
        [eventId],
      )
    )[0].delivered_at !== null;
  const emit = () =>
    t.dataSource.transaction((em) =>
      t.get(OutboxService).publish(em, {
        type: EVENT,
        aggregateType: 'test',
        aggregateId: randomUUID(),
        data: { probe: true },
      }),
    );
  const spec = (dueAt: Date): DeadlineSpec => ({
    entityType: 'test',
    entityId: randomUUID(),
    kind: KIND,
    dueAt,
  });
  const schedule = (deadlines: DeadlineSpec[]) =>
    t.dataSource.transaction(async (em) => {
      for (const d of deadlines) await worker.get(DeadlineScheduler).schedule(em, d);
    });
  /** The opened and closed events of a challenge, with when they were recorded. */
  const listEvents = (challengeId: string) =>
    t.dataSource.query<Array<{ type: string; occurred_at: Date }>>(
      `SELECT type, occurred_at FROM outbox_events WHERE aggregate_id = $1 AND type = ANY($2)
       ORDER BY occurred_at`,
      [challengeId, [CHALLENGE_EVENTS.opened, CHALLENGE_EVENTS.closed]],
    );
  /** A pending deadline row with no job (as written by a process whose enqueue never happened). */
  const insertPending = (d: DeadlineSpec) =>
    t.dataSource.query(
      `INSERT INTO deadlines (entity_type, entity_id, kind, due_at, status, version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'pending', 1, $5, $5)`,
      [d.entityType, d.entityId, d.kind, d.dueAt, t.clock.now()],
    );
  /** Makes a job fail for good in the current Redis: one attempt, during an outage (its retries used up). */
  const failForGood = async (name: JobName, data: object, jobId: string) => {
    const connection = bullConnection(t.environment.config);
    const prefix = bullPrefix(t.environment.config);
    const queue = new Queue(JOB_QUEUE[name], { connection, prefix });
    try {
      outage.down = true;
      await queue.add(name, data, { ...JOB_OPTIONS[name], attempts: 1, jobId });
      await waitFor(async () => (await queue.getJob(jobId))?.isFailed(), { what: `job ${jobId} to fail` });
    } finally {
      outage.down = false;
      await queue.close();
    }
  };

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis();
    t = await createTestApp({ env: { REDIS_URL: redis.url, RATE_LIMIT_PER_MINUTE: '100000' } });
    worker = await startTestWorker(t.environment, t.clock, { imports: [RecoveryProbeModule] });
  });

  afterAll(async () => {
    outage.down = false;
    await worker?.close();
    await t?.close();
    await redis?.stop();
  });

  it('fires every pending deadline and dispatches every event once, in order, after Redis lost everything', async () => {
    const admin = await createAdmin(t);
    const issuer = await registerOrg(t, { role: 'issuer' });
    const programId = await createProgram(t, admin);
    const start = t.clock.now().getTime();
    // Challenges opening in a day and closing in thirty: one opens before Redis is lost, the others do not.
    const lists = [];
    for (let i = 0; i < 4; i++) lists.push((await publishChallenge(t, issuer, admin, programId)).id);
    const [openedBefore, closedFirst, ...bothLate] = lists;

    const deadlines = Array.from({ length: 8 }, (_, i) => spec(new Date(start + HOUR + i * 1000)));
    const notYetDue = spec(new Date(start + 90 * DAY));
    await schedule([...deadlines, notYetDue]);

    // One challenge opens on time, with Redis still there.
    t.clock.set(new Date(start + DAY + 1000));
    const open = await t.dataSource.query<Array<{ opens_at: Date }>>(
      `SELECT opens_at FROM challenges WHERE id = $1`,
      [openedBefore],
    );
    expect(await promoteDeadline(worker.get(JobQueue), openedBefore, 'open', open[0].opens_at)).toBe(true);
    await waitFor(async () => (await listEvents(openedBefore)).length === 1, { what: 'the on-time opening' });

    // Events relayed but still retrying (their effect fails for now) when Redis goes.
    outage.down = true;
    const retrying = [await emit(), await emit(), await emit()];
    for (const id of retrying) {
      await waitFor(
        async () =>
          ((await worker.get(JobQueue).getJob(JobName.DeliverDomainEvent, id))?.attemptsMade ?? 0) >= 1,
        { what: `event ${id} to have failed once` },
      );
    }

    await replaceRedis();
    // Written while the queues are empty: relayed once the relay gets through.
    const afterLoss = [await emit(), await emit()];
    outage.down = false;
    await waitFor(() => worker.get(JobQueue).ready(JobName.RunDeadline, 1000), {
      what: 'the worker to reconnect',
    });

    // A failed job whose row is still pending, in the new Redis: used up its retries during an outage.
    const revived = spec(new Date(start + 2 * HOUR));
    await insertPending(revived);
    await failForGood(
      JobName.RunDeadline,
      { ...revived, dueAt: revived.dueAt.toISOString() },
      deadlineJobId(revived),
    );
    // Likewise an event relayed (stamped published) whose job failed for good (stamped by raw SQL on
    // purpose: the relay's run is simulated, so that the job's failure is the test's own).
    const revivedEvent = await t.dataSource.transaction(async (em) => {
      const id = await t.get(OutboxService).publish(em, {
        type: EVENT,
        aggregateType: 'test',
        aggregateId: randomUUID(),
        data: { probe: true },
      });
      await em.query(`UPDATE outbox_events SET published_at = $2 WHERE id = $1`, [id, t.clock.now()]);
      return id;
    });
    await failForGood(JobName.DeliverDomainEvent, { eventId: revivedEvent, type: EVENT }, revivedEvent);

    // Everything is overdue now: both deadlines of every challenge that did not open, the test deadlines.
    t.clock.set(new Date(start + 31 * DAY));
    // The late close of one challenge runs before its late open (the bug: challenge.opened was lost).
    const closeOf = async (id: string): Promise<DeadlineSpec> => {
      const [row] = await t.dataSource.query<Array<{ due_at: Date }>>(
        `SELECT due_at FROM deadlines WHERE entity_id = $1 AND kind = $2`,
        [id, CHALLENGE_DEADLINES.close],
      );
      return { entityType: 'challenge', entityId: id, kind: CHALLENGE_DEADLINES.close, dueAt: row.due_at };
    };
    expect(await worker.get(DeadlineDispatcher).run(await closeOf(closedFirst))).toBe('ran');

    const reconciler = worker.get(DeadlineReconciler);
    const relay = worker.get(OutboxRelay);
    // 8 test deadlines, the revived one, the open of the challenge closed first, both deadlines of the
    // two others and the close of the one opened on time (and the challenges' closing reminders).
    expect(await reconciler.sweepOverdue()).toBeGreaterThanOrEqual(8 + 1 + 1 + 4 + 1);
    // The three events that were retrying, and the one failed for good.
    expect(await relay.sweepUndelivered()).toBeGreaterThanOrEqual(retrying.length + 1);

    for (const d of [...deadlines, revived]) {
      await waitFor(async () => (await deadlineStatus(d)) === 'done', { what: `deadline ${d.entityId}` });
    }
    for (const id of [...retrying, ...afterLoss, revivedEvent]) {
      await waitFor(() => delivered(id), { what: `event ${id} to be delivered` });
    }
    for (const id of lists) {
      await waitFor(
        async () =>
          (await count(`SELECT 1 FROM deadlines WHERE entity_id = $1 AND status = 'pending'`, [id])) === 0,
        { what: `the deadlines of list ${id}` },
      );
    }

    // A second sweep finds nothing to do, and nothing runs twice.
    expect(await reconciler.sweepOverdue()).toBe(0);
    expect(await relay.sweepUndelivered()).toBe(0);
    for (const d of [...deadlines, revived]) expect(await runs(d.entityId)).toBe(1);
    for (const id of [...retrying, ...afterLoss, revivedEvent]) expect(await effects(id)).toBe(1);
    expect(await deadlineStatus(notYetDue)).toBe('pending');
    expect(await runs(notYetDue.entityId)).toBe(0);

    // Every challenge opened before it closed (the events record opensAt and closesAt, not when a late job
    // ran), once each: the one opened on time, the one whose close ran first, and those whose open and
    // close were both overdue.
    for (const id of [openedBefore, closedFirst, ...bothLate]) {
      const events = await listEvents(id);
      expect({ id, types: events.map((e) => e.type).sort() }).toEqual({
        id,
        types: [CHALLENGE_EVENTS.closed, CHALLENGE_EVENTS.opened],
      });
      const at = (type: string) => events.find((e) => e.type === type)!.occurred_at.getTime();
      expect(at(CHALLENGE_EVENTS.opened)).toBeLessThan(at(CHALLENGE_EVENTS.closed));
      const [{ status }] = await t.dataSource.query<Array<{ status: string }>>(
        `SELECT status FROM challenges WHERE id = $1`,
        [id],
      );
      expect(status).toBe('closed');
    }
  });

  it('adds the new job of a moved deadline even when removing the old one hangs', async () => {
    const jobs = worker.get(JobQueue);
    const far = spec(new Date(t.clock.now().getTime() + 30 * DAY));
    await schedule([far]);
    expect(await (await jobs.getJob(JobName.RunDeadline, deadlineJobId(far)))?.getState()).toBe('delayed');

    const moved = { ...far, dueAt: new Date(far.dueAt.getTime() + DAY) };
    const remove = jest.spyOn(jobs, 'remove').mockImplementation(() => new Promise<boolean>(() => undefined));
    try {
      await schedule([moved]);
    } finally {
      remove.mockRestore();
    }
    expect(await (await jobs.getJob(JobName.RunDeadline, deadlineJobId(moved)))?.getState()).toBe('delayed');
    // The old job stayed (its removal hung): when it fires it finds the row moved and does nothing.
    expect(await worker.get(DeadlineDispatcher).run(far)).not.toBe('ran');
    expect(await runs(far.entityId)).toBe(0);
  });

  it('skips a sweep while Redis is down instead of piling up calls', async () => {
    if (redis.pid) process.kill(redis.pid, 'SIGKILL');
    await redis.stop();
    const overdue = spec(new Date(t.clock.now().getTime() - HOUR));
    await insertPending(overdue);
    await waitFor(async () => !(await worker.get(JobQueue).ready(JobName.RunDeadline, 500)), {
      what: 'the worker to see Redis down',
    });
    expect(await worker.get(DeadlineReconciler).sweepOverdue()).toBe(0);
    redis = await waitFor(() => startRedis().catch(() => null), { timeoutMs: 20_000, what: 'a new Redis' });
    await waitFor(() => worker.get(JobQueue).ready(JobName.RunDeadline, 1000), {
      what: 'the worker to reconnect',
    });
    expect(await worker.get(DeadlineReconciler).sweepOverdue()).toBeGreaterThanOrEqual(1);
    await waitFor(async () => (await deadlineStatus(overdue)) === 'done', { what: 'the swept deadline' });
    expect(await runs(overdue.entityId)).toBe(1);
  });
});
