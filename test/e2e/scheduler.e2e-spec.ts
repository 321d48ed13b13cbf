import { randomUUID } from 'node:crypto';
import { Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../../src/common/audit/audit.service';
import { dataSourceOptions } from '../../src/infra/database/data-source.options';
import { JobQueue } from '../../src/infra/queue/job-queue.service';
import { JobName } from '../../src/infra/queue/queue.constants';
import { OnDeadline } from '../../src/infra/scheduler/deadline-handler';
import type { DueDeadline } from '../../src/infra/scheduler/deadline-handler';
import { deadlineJobId, DeadlineSpec } from '../../src/infra/scheduler/deadline-job';
import { DeadlineDispatcher } from '../../src/infra/scheduler/deadline.dispatcher';
import { DeadlineScheduler } from '../../src/infra/scheduler/deadline.scheduler';
import { DeadlineReconciler } from '../../src/infra/scheduler/deadline.reconciler';
import { createTestEnvironment, deleteRedisPrefix, TestEnvironment } from '../support/test-app';
import { TestClock } from '../support/test-clock';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';

const KIND = 'test.tick';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A test-only deadline kind whose effect is one audit event per run. */
@Injectable()
class TickHandler {
  constructor(private readonly audit: AuditService) {}

  @OnDeadline(KIND)
  async tick(deadline: DueDeadline, em: EntityManager): Promise<void> {
    await this.audit.record(em, {
      actor: { kind: 'system' },
      action: KIND,
      objectType: deadline.entityType,
      objectId: deadline.entityId,
      after: { dueAt: deadline.dueAt.toISOString() },
    });
  }
}

@Module({ providers: [TickHandler] })
class TestDeadlinesModule {}

describe('deadline scheduler', () => {
  let environment: TestEnvironment;
  const clock = new TestClock();
  let workers: TestWorker[] = [];
  /** The worker's: schedule() needs its after-commit hooks. */
  let dataSource: DataSource;
  /** The test's own, for assertions; it outlives the workers. */
  let db: DataSource;
  let scheduler: DeadlineScheduler;
  let jobs: JobQueue;

  const start = () => startTestWorker(environment, clock, { imports: [TestDeadlinesModule] });
  const spec = (dueAt: Date, entityId: string = randomUUID()): DeadlineSpec => ({
    entityType: 'challenge',
    entityId,
    kind: KIND,
    dueAt,
  });
  const schedule = (deadline: DeadlineSpec) =>
    dataSource.transaction((em) => scheduler.schedule(em, deadline));
  const cancel = (deadline: DeadlineSpec) =>
    dataSource.transaction((em) =>
      scheduler.cancel(em, deadline.entityType, deadline.entityId, deadline.kind),
    );
  const runs = async (entityId: string): Promise<number> => {
    const [row] = await db.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = $1 AND object_id = $2`,
      [KIND, entityId],
    );
    return row.n;
  };
  const row = async (entityId: string) => {
    const [found] = await db.query<Array<{ status: string; due_at: Date; version: number }>>(
      `SELECT status, due_at, version FROM deadlines WHERE entity_id = $1 AND kind = $2`,
      [entityId, KIND],
    );
    return found;
  };
  const stateOf = async (jobId: string) => (await jobs.getJob(JobName.RunDeadline, jobId))?.getState();
  const settled = (jobId: string) =>
    waitFor(async () => ['completed', 'failed'].includes((await stateOf(jobId)) ?? ''), {
      what: `job ${jobId} to finish`,
    });
  const enqueueStale = (deadline: DeadlineSpec, suffix: string) =>
    jobs.add(
      JobName.RunDeadline,
      { ...deadline, dueAt: deadline.dueAt.toISOString() },
      { jobId: `${deadlineJobId(deadline)}|${suffix}` },
    );

  beforeAll(async () => {
    environment = await createTestEnvironment();
    db = await new DataSource({ ...dataSourceOptions(environment.config), entities: [] }).initialize();
    workers = [await start(), await start()];
    dataSource = workers[0].get(DataSource);
    scheduler = workers[0].get(DeadlineScheduler);
    jobs = workers[0].get(JobQueue);
  });

  afterAll(async () => {
    for (const worker of workers) await worker.close();
    await db?.destroy();
    await environment?.drop();
  });

  it('runs a deadline scheduled twice at the same time once, and a repeated run does nothing', async () => {
    const deadline = spec(new Date(clock.now().getTime() - MINUTE));
    await schedule(deadline);
    await schedule(deadline);
    await settled(deadlineJobId(deadline));
    await waitFor(async () => (await row(deadline.entityId)).status === 'done', { what: 'done' });
    expect(await runs(deadline.entityId)).toBe(1);
    expect(await row(deadline.entityId)).toMatchObject({ status: 'done', version: 2 });

    // A late duplicate (another job id, same deadline) and a direct second run change nothing.
    await enqueueStale(deadline, 'dup');
    await settled(`${deadlineJobId(deadline)}|dup`);
    expect(await workers[1].get(DeadlineDispatcher).run(deadline)).toBe('skipped');
    await schedule(deadline);
    expect(await runs(deadline.entityId)).toBe(1);
    expect((await row(deadline.entityId)).status).toBe('done');
  });

  it('waits for a far-future deadline, and a reschedule to now runs once and removes the old job', async () => {
    const far = spec(new Date(clock.now().getTime() + 30 * DAY));
    await schedule(far);
    expect(await stateOf(deadlineJobId(far))).toBe('delayed');
    const job = await jobs.getJob(JobName.RunDeadline, deadlineJobId(far));
    expect(job?.delay).toBe(30 * DAY);
    expect(await row(far.entityId)).toMatchObject({ status: 'pending', version: 1 });

    const now = { ...far, dueAt: new Date(clock.now().getTime() - 1000) };
    await schedule(now);
    await settled(deadlineJobId(now));
    expect(await stateOf(deadlineJobId(far))).toBeUndefined();
    expect(await runs(far.entityId)).toBe(1);
    const after = await row(far.entityId);
    expect(after).toMatchObject({ status: 'done', version: 3 });
    expect(after.due_at.getTime()).toBe(now.dueAt.getTime());
  });

  it('does not run a cancelled deadline', async () => {
    const far = spec(new Date(clock.now().getTime() + 30 * DAY));
    await schedule(far);
    await cancel(far);
    expect(await stateOf(deadlineJobId(far))).toBeUndefined();
    expect((await row(far.entityId)).status).toBe('cancelled');

    // Scheduled and cancelled in one transaction, due now: its job may even start; it does nothing.
    const due = spec(new Date(clock.now().getTime() - MINUTE));
    await dataSource.transaction(async (em) => {
      await scheduler.schedule(em, due);
      await scheduler.cancel(em, due.entityType, due.entityId, due.kind);
    });
    await waitFor(async () => [undefined, 'completed'].includes(await stateOf(deadlineJobId(due))), {
      what: 'the cancelled job to be gone',
    });
    // A stale job left for the cancelled deadline does nothing either.
    await enqueueStale(due, 'stale');
    await settled(`${deadlineJobId(due)}|stale`);
    expect(await runs(due.entityId)).toBe(0);
    expect((await row(due.entityId)).status).toBe('cancelled');
  });

  it('has the effect of each of N due deadlines exactly once with two workers and duplicate jobs', async () => {
    const due = new Date(clock.now().getTime() - MINUTE);
    const deadlines = Array.from({ length: 25 }, () => spec(due));
    await Promise.all(deadlines.map((d) => enqueueStale(d, 'early')));
    await dataSource.transaction(async (em) => {
      for (const d of deadlines) await scheduler.schedule(em, d);
    });
    await Promise.all(deadlines.map((d) => enqueueStale(d, 'dup')));
    for (const d of deadlines) {
      await settled(deadlineJobId(d));
      await settled(`${deadlineJobId(d)}|dup`);
      await settled(`${deadlineJobId(d)}|early`);
    }
    const counts = await Promise.all(deadlines.map((d) => runs(d.entityId)));
    expect(counts).toEqual(deadlines.map(() => 1));
    const statuses = await Promise.all(deadlines.map(async (d) => (await row(d.entityId)).status));
    expect(new Set(statuses)).toEqual(new Set(['done']));
  });

  it('does nothing when the deadline was rescheduled after the job was made', async () => {
    const far = spec(new Date(clock.now().getTime() + 30 * DAY));
    await schedule(far);
    const old = { ...far, dueAt: new Date(clock.now().getTime() - MINUTE) };
    await enqueueStale(old, 'old');
    await settled(`${deadlineJobId(old)}|old`);
    expect(await runs(far.entityId)).toBe(0);
    expect(await row(far.entityId)).toMatchObject({ status: 'pending', version: 1 });
    // Nor does a run before the due time by the injected clock.
    expect(await workers[0].get(DeadlineDispatcher).run(far)).toBe('not-due');
    expect(await runs(far.entityId)).toBe(0);
  });

  it('re-enqueues every pending deadline at worker start after the queue keys were deleted', async () => {
    const far = spec(new Date(clock.now().getTime() + 30 * DAY));
    await schedule(far);
    const due = [
      spec(new Date(clock.now().getTime() - MINUTE)),
      spec(new Date(clock.now().getTime() - 2 * MINUTE)),
    ];
    for (const worker of workers.splice(0)) await worker.close();

    // Written while no worker ran, and Redis lost everything.
    for (const d of due) {
      await db.query(
        `INSERT INTO deadlines (entity_type, entity_id, kind, due_at, status, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'pending', 1, $5, $5)`,
        [d.entityType, d.entityId, d.kind, d.dueAt, clock.now()],
      );
    }
    await deleteRedisPrefix(`${environment.redisPrefix}:bull`);

    workers.push(await start());
    dataSource = workers[0].get(DataSource);
    jobs = workers[0].get(JobQueue);
    for (const d of due) {
      await waitFor(async () => (await row(d.entityId)).status === 'done', { what: 'reconciled deadline' });
      expect(await runs(d.entityId)).toBe(1);
    }
    expect(await stateOf(deadlineJobId(far))).toBe('delayed');
    expect((await row(far.entityId)).status).toBe('pending');
  });

  it('recreates, within a running worker, the missing job of an overdue deadline (and only that)', async () => {
    const lost = spec(new Date(clock.now().getTime() - 10 * MINUTE));
    const notYetLate = spec(new Date(clock.now().getTime() - environment.config.RECOVERY_GRACE_MS / 2));
    for (const d of [lost, notYetLate]) {
      await db.query(
        `INSERT INTO deadlines (entity_type, entity_id, kind, due_at, status, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'pending', 1, $5, $5)`,
        [d.entityType, d.entityId, d.kind, d.dueAt, clock.now()],
      );
    }
    const reconciler = workers[0].get(DeadlineReconciler);
    expect(await reconciler.sweepOverdue()).toBe(1);
    await waitFor(async () => (await row(lost.entityId)).status === 'done', { what: 'swept deadline' });
    expect(await runs(lost.entityId)).toBe(1);
    expect(await stateOf(deadlineJobId(notYetLate))).toBeUndefined();
    // The job exists now (completed): a second sweep adds nothing.
    expect(await reconciler.sweepOverdue()).toBe(0);
  });
});
