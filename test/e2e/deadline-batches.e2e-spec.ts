import { randomUUID } from 'node:crypto';
import { Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { dataSourceOptions } from '../../src/infra/database/data-source.options';
import { JobQueue } from '../../src/infra/queue/job-queue.service';
import { JobName, RUN_DEADLINE_JOB_OPTIONS } from '../../src/infra/queue/queue.constants';
import { OnDeadline } from '../../src/infra/scheduler/deadline-handler';
import type { DueDeadline } from '../../src/infra/scheduler/deadline-handler';
import { deadlineJobId, DeadlineSpec } from '../../src/infra/scheduler/deadline-job';
import { DeadlineDrainer, DEADLINE_RETRY_BASE_S } from '../../src/infra/scheduler/deadline.drainer';
import { DeadlineScheduler } from '../../src/infra/scheduler/deadline.scheduler';
import { createTestEnvironment, TestEnvironment } from '../support/test-app';
import { TestClock } from '../support/test-clock';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';

const KIND = 'test.batch';
const MINUTE = 60_000;

/** What the handlers do, set by each test. */
const behaviour = {
  /** Entity ids whose handler writes its effect, then throws. */
  failing: new Set<string>(),
  /** While set, every handler waits for it after writing its effect (a batch held open). */
  hold: null as Promise<void> | null,
  /** Called when a handler starts waiting on `hold`. */
  holding: () => undefined as void,
};

/** A test-only kind whose effect is one row of test_effects per run, written in the deadline's transaction. */
@Injectable()
class BatchHandler {
  @OnDeadline(KIND)
  async run(deadline: DueDeadline, em: EntityManager): Promise<void> {
    await em.query(`INSERT INTO test_effects (entity_id) VALUES ($1)`, [deadline.entityId]);
    if (behaviour.failing.has(deadline.entityId)) throw new Error(`handler of ${deadline.entityId} fails`);
    if (behaviour.hold) {
      behaviour.holding();
      await behaviour.hold;
    }
  }
}

@Module({ providers: [BatchHandler] })
class BatchDeadlinesModule {}

describe('deadlines drained in batches', () => {
  let environment: TestEnvironment;
  const clock = new TestClock();
  let workers: TestWorker[] = [];
  let db: DataSource;

  const spec = (dueAt: Date): DeadlineSpec => ({
    entityType: 'challenge',
    entityId: randomUUID(),
    kind: KIND,
    dueAt,
  });
  /** Pending rows written directly (no jobs): what a worker finds after an outage. */
  const insertPending = async (deadlines: DeadlineSpec[]): Promise<void> => {
    await db.query(
      `INSERT INTO deadlines (entity_type, entity_id, kind, due_at, status, version, created_at, updated_at)
       SELECT 'challenge', e, $2, d, 'pending', 1, $3, $3
       FROM unnest($1::text[], $4::timestamptz[]) AS x(e, d)`,
      [deadlines.map((d) => d.entityId), KIND, clock.now(), deadlines.map((d) => d.dueAt)],
    );
  };
  const effectCounts = async (deadlines: DeadlineSpec[]): Promise<number[]> => {
    const rows = await db.query<Array<{ entity_id: string; n: number }>>(
      `SELECT entity_id, count(*)::int AS n FROM test_effects WHERE entity_id = ANY($1) GROUP BY entity_id`,
      [deadlines.map((d) => d.entityId)],
    );
    const byId = new Map(rows.map((r) => [r.entity_id, r.n]));
    return deadlines.map((d) => byId.get(d.entityId) ?? 0);
  };
  const rowOf = async (deadline: DeadlineSpec) => {
    const [row] = await db.query<
      Array<{ status: string; attempts: number; retry_at: Date | null; last_error: string | null }>
    >(`SELECT status, attempts, retry_at, last_error FROM deadlines WHERE entity_id = $1 AND kind = $2`, [
      deadline.entityId,
      KIND,
    ]);
    return row;
  };
  const pendingCount = async (deadlines: DeadlineSpec[]): Promise<number> => {
    const [row] = await db.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM deadlines WHERE entity_id = ANY($1) AND status = 'pending'`,
      [deadlines.map((d) => d.entityId)],
    );
    return row.n;
  };

  beforeAll(async () => {
    environment = await createTestEnvironment();
    db = await new DataSource({ ...dataSourceOptions(environment.config), entities: [] }).initialize();
    await db.query(`CREATE TABLE test_effects (entity_id text NOT NULL)`);
    const start = () => startTestWorker(environment, clock, { imports: [BatchDeadlinesModule] });
    workers = [await start(), await start()];
  });

  afterEach(() => {
    behaviour.failing.clear();
    behaviour.hold = null;
  });

  afterAll(async () => {
    for (const worker of workers) await worker.close();
    await db?.destroy();
    await environment?.drop();
  });

  it('fires each of 500 due deadlines once when two workers drain them at the same time', async () => {
    const due = Array.from({ length: 500 }, (_, i) => spec(new Date(clock.now().getTime() - MINUTE - i)));
    await insertPending(due);
    const [a, b] = await Promise.all(workers.map((w) => w.get(DeadlineDrainer).drain({ batchSize: 25 })));
    // Disjoint, and together every one of them.
    const ran = [...a.ran, ...b.ran];
    expect(new Set(ran).size).toBe(ran.length);
    expect(new Set(ran)).toEqual(new Set(due.map(deadlineJobId)));
    expect(a.failed.concat(b.failed)).toEqual([]);
    expect(await effectCounts(due)).toEqual(due.map(() => 1));
    expect(await pendingCount(due)).toBe(0);
    // A drain after that finds nothing.
    expect((await workers[0].get(DeadlineDrainer).drain()).ran).toEqual([]);
  });

  it('fires each of 500 deadlines once through their jobs on two workers, a job draining many', async () => {
    const dueAt = new Date(clock.now().getTime() - MINUTE);
    const due = Array.from({ length: 500 }, () => spec(dueAt));
    await insertPending(due);
    const queue = workers[0].get(JobQueue).queueOf(JobName.RunDeadline);
    await queue.addBulk(
      due.map((d) => ({
        name: JobName.RunDeadline,
        data: { ...d, dueAt: d.dueAt.toISOString() },
        opts: { ...RUN_DEADLINE_JOB_OPTIONS, jobId: deadlineJobId(d) },
      })),
    );
    await waitFor(async () => (await pendingCount(due)) === 0, { what: 'every deadline to be done' });
    await waitFor(async () => (await queue.getJobCounts('waiting', 'active')).waiting === 0, {
      what: 'the jobs to be taken',
    });
    await waitFor(async () => (await queue.getJobCounts('active')).active === 0, {
      what: 'the jobs to finish',
    });
    expect(await effectCounts(due)).toEqual(due.map(() => 1));
    const results = await Promise.all(
      due.map(async (d) => (await queue.getJob(deadlineJobId(d)))?.returnvalue),
    );
    // Most jobs found their deadline run by another job's batch. Every job answered ran or skipped;
    // which jobs ran is a race (the two workers' first jobs may each run the other's row), so the
    // test does not ask that one did: the effects above say each deadline ran exactly once.
    expect(results.filter((r) => r === 'ran').length).toBeLessThan(due.length);
    expect(results.filter((r) => r !== 'ran' && r !== 'skipped')).toEqual([]);
  });

  it('runs with a job the deadlines due at its time, not those due before or after', async () => {
    const now = clock.now().getTime();
    const [before, early, sameTime, later] = [
      spec(new Date(now - 3 * MINUTE)),
      spec(new Date(now - 2 * MINUTE)),
      spec(new Date(now - 2 * MINUTE)),
      spec(new Date(now - MINUTE)),
    ];
    const all = [before, early, sameTime, later];
    await insertPending(all);
    const jobs = workers[0].get(JobQueue);
    await jobs.add(
      JobName.RunDeadline,
      { ...early, dueAt: early.dueAt.toISOString() },
      { jobId: deadlineJobId(early) },
    );
    await waitFor(async () => (await jobs.getJob(JobName.RunDeadline, deadlineJobId(early)))?.isCompleted(), {
      what: 'its job',
    });
    expect(await effectCounts(all)).toEqual([0, 1, 1, 0]);
    expect((await rowOf(before)).status).toBe('pending');
    expect((await rowOf(later)).status).toBe('pending');
    // Overdue ones are the sweep's (every RECOVERY_SWEEP_INTERVAL_MS): it drains them in batches.
    expect((await workers[0].get(DeadlineDrainer).drain()).ran).toHaveLength(2);
    expect(await effectCounts(all)).toEqual([1, 1, 1, 1]);
  });

  it('isolates a failing row: the others of its batch run once, it backs off and runs once when fixed', async () => {
    const due = Array.from({ length: 30 }, (_, i) => spec(new Date(clock.now().getTime() - MINUTE + i)));
    const bad = due[13];
    behaviour.failing.add(bad.entityId);
    await insertPending(due);
    const drainer = workers[0].get(DeadlineDrainer);

    const first = await drainer.drain({ batchSize: 10 });
    expect(first.failed).toEqual([deadlineJobId(bad)]);
    expect(first.ran).toHaveLength(29);
    // Its effect was rolled back with its savepoint; the others' committed once.
    expect(await effectCounts(due)).toEqual(due.map((d) => (d === bad ? 0 : 1)));
    const failed = await rowOf(bad);
    expect(failed).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: `handler of ${bad.entityId} fails`,
    });
    expect(failed.retry_at?.getTime()).toBe(clock.now().getTime() + DEADLINE_RETRY_BASE_S * 1000);

    // Not tried before its retry time; then again, failing, with a doubled backoff.
    expect((await drainer.drain()).failed).toEqual([]);
    clock.advance(DEADLINE_RETRY_BASE_S * 1000);
    expect((await drainer.drain()).failed).toEqual([deadlineJobId(bad)]);
    const again = await rowOf(bad);
    expect(again.attempts).toBe(2);
    expect(again.retry_at?.getTime()).toBe(clock.now().getTime() + 2 * DEADLINE_RETRY_BASE_S * 1000);

    behaviour.failing.clear();
    clock.advance(2 * DEADLINE_RETRY_BASE_S * 1000);
    expect((await drainer.drain()).ran).toEqual([deadlineJobId(bad)]);
    expect(await effectCounts(due)).toEqual(due.map(() => 1));
    expect(await rowOf(bad)).toMatchObject({ status: 'done' });
  });

  it('claims again a batch whose transaction never committed (its connection died mid-batch)', async () => {
    const due = Array.from({ length: 40 }, (_, i) => spec(new Date(clock.now().getTime() - MINUTE + i)));
    await insertPending(due);
    let release = (): void => undefined;
    behaviour.hold = new Promise<void>((resolve) => (release = resolve));
    const started = new Promise<void>((resolve) => (behaviour.holding = resolve));
    const drainer = workers[0].get(DeadlineDrainer);
    const dying = drainer.drain({ batchSize: 40 });
    await started;
    // The first effect is written, the batch is open: its backend is killed (as with a killed worker).
    const killed = await db.query<Array<{ pg_terminate_backend: boolean }>>(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()
         AND state LIKE 'idle in transaction%' AND query LIKE 'INSERT INTO test_effects%'`,
    );
    expect(killed).toEqual([{ pg_terminate_backend: true }]);
    behaviour.hold = null;
    release();
    // The batch fails; whatever that drain then ran again on a new connection, nothing written in
    // the dead transaction stays, and another drain takes what is left: each effect once.
    await dying.catch(() => undefined);
    await workers[1].get(DeadlineDrainer).drain();
    expect(await pendingCount(due)).toBe(0);
    expect(await effectCounts(due)).toEqual(due.map(() => 1));
  });

  it('schedules through the scheduler and has each effect once, its jobs completing after the first drained them', async () => {
    const dueAt = new Date(clock.now().getTime() - MINUTE);
    const due = Array.from({ length: 60 }, () => spec(dueAt));
    const worker = workers[0];
    await worker.get(DataSource).transaction(async (em) => {
      for (const d of due) await worker.get(DeadlineScheduler).schedule(em, d);
    });
    await waitFor(async () => (await pendingCount(due)) === 0, { what: 'the scheduled deadlines' });
    const jobs = worker.get(JobQueue);
    await waitFor(
      async () => {
        const states = await Promise.all(
          due.map(async (d) => (await jobs.getJob(JobName.RunDeadline, deadlineJobId(d)))?.getState()),
        );
        return states.every((s) => s === 'completed');
      },
      { what: 'every job to complete' },
    );
    expect(await effectCounts(due)).toEqual(due.map(() => 1));
  });
});
