import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/infra/database/data-source.options';
import { migrateWithLock } from '../../src/infra/database/migrate';
import { JobName, QueueName, RUN_DEADLINE_JOB_OPTIONS } from '../../src/infra/queue/queue.constants';
import { deadlineJobId } from '../../src/infra/scheduler/deadline-job';
import { BENCH_DEADLINE_KIND } from './deadlines-worker';
import { loadAverage, recordGoal } from './goals';
import { deleteRedisPrefix, freshBenchDatabase } from './resources';

/**
 * Deadlines coming due at once (issue 17, ADR 0053): BENCH_DEADLINES pending deadlines (default
 * 100,000) due at the same instant, each with its delayed BullMQ job (as DeadlineScheduler adds
 * them), drained by the real worker (a child process: src/worker.ts's WorkerModule plus a handler
 * whose effect is one INSERT), timed from the first claim to the last effect; beside it a bare
 * BullMQ Worker with a no-op processor on as many jobs (addBulk), same concurrency, same Redis.
 * After the drain every deadline must be done with exactly one effect, else the run is broken.
 * The worker's RSS is sampled every 100 ms during the drain.
 */
const COUNT = Number(process.env.BENCH_DEADLINES ?? 100_000);
const DB = 'jiebang_bench_deadlines';
/** The worker's WORKER_CONCURRENCY (its default); the bare worker gets the same. */
const CONCURRENCY = Number(process.env.BENCH_DEADLINES_CONCURRENCY ?? 5);
const CHUNK = 5_000;
const ROOT = join(__dirname, '..', '..', '..');

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

export async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function jobOf(entityId: string, dueAt: Date, delay: number) {
  const data = { entityType: 'bench', entityId, kind: BENCH_DEADLINE_KIND, dueAt: dueAt.toISOString() };
  return {
    name: JobName.RunDeadline,
    data,
    opts: { ...RUN_DEADLINE_JOB_OPTIONS, jobId: deadlineJobId({ ...data, dueAt }), delay },
  };
}

/** A bare BullMQ Worker, no-op processor, on COUNT waiting jobs: jobs per second, first pick to last completion. */
async function bareWorker(redisUrl: string, prefix: string): Promise<{ rate: number; ms: number }> {
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue(QueueName.Deadlines, { connection, prefix });
  const dueAt = new Date();
  for (let i = 0; i < COUNT; i += CHUNK) {
    const ids = Array.from({ length: Math.min(CHUNK, COUNT - i) }, (_, j) => `raw-${i + j}`);
    await queue.addBulk(ids.map((id) => jobOf(id, dueAt, 0)));
  }
  let first = 0;
  let completed = 0;
  let done = (): void => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const worker = new Worker(
    QueueName.Deadlines,
    async () => {
      first ||= performance.now();
    },
    { connection, prefix, concurrency: CONCURRENCY },
  );
  worker.on('completed', () => {
    if (++completed === COUNT) done();
  });
  await finished;
  const ms = performance.now() - first;
  await worker.close();
  await queue.close();
  return { rate: (COUNT / ms) * 1000, ms };
}

/**
 * The bench's worker process (deadlines-worker.ts: WorkerModule plus the bench's handlers) on a
 * database and Redis prefix; `ready` resolves when it has started, `stop` sends SIGTERM and waits.
 */
export function spawnBenchWorker(
  url: string,
  redisUrl: string,
  prefix: string,
): { child: ChildProcess; ready: Promise<void>; stop: () => Promise<void> } {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'test', 'bench', 'deadlines-worker.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TZ: 'UTC',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: url,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      JWT_ACCESS_SECRET: randomBytes(32).toString('hex'),
      STORAGE_DIR: join(ROOT, '.data', 'bench-deadlines-files'),
      MIGRATE_ON_START: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the bench worker exited (${code}):\n${output}`)));
  });
  ready.catch(() => undefined);
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    await new Promise((resolve) => {
      if (child.exitCode !== null) resolve(undefined);
      child.once('exit', resolve);
      setTimeout(resolve, 15_000).unref();
    });
  };
  return { child, ready, stop };
}

export async function deadlineCases(adminUrl: string, redisUrl: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const url = await freshBenchDatabase(admin, adminUrl, DB);
  const prefix = `bench_deadlines_${process.pid}`;
  const ds = await new DataSource(
    dataSourceOptions({
      DATABASE_URL: url,
      DATABASE_POOL_MAX: 2,
      DATABASE_STATEMENT_TIMEOUT_MS: 120_000,
    }),
  ).initialize();
  const worker = spawnBenchWorker(url, redisUrl, prefix);
  const child = worker.child;
  try {
    await migrateWithLock(ds);
    await ds.query(
      `CREATE TABLE bench_effects (entity_id text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`,
    );

    console.log(`\n## Deadlines: ${COUNT} due at once (${loadAverage()})`);
    const raw = await bareWorker(redisUrl, `${prefix}_raw:bull`);
    console.log(
      `bare BullMQ worker, no-op, concurrency ${CONCURRENCY}: ${raw.ms.toFixed(0)} ms, ${raw.rate.toFixed(0)} jobs/s`,
    );

    await worker.ready;
    const idleRss = rssMb(child.pid!);

    // Due a little after seeding: their delayed jobs fire together, as a province's closing time would.
    const lead = Math.max(10_000, COUNT * 0.6);
    const dueAt = new Date(Date.now() + lead);
    const seedStart = performance.now();
    await ds.query(
      `INSERT INTO deadlines (entity_type, entity_id, kind, due_at, status, version, created_at, updated_at)
       SELECT 'bench', 'd' || g, $2, $3, 'pending', 1, now(), now() FROM generate_series(1, $1::int) g`,
      [COUNT, BENCH_DEADLINE_KIND, dueAt],
    );
    const queue = new Queue(QueueName.Deadlines, {
      connection: { url: redisUrl, maxRetriesPerRequest: null },
      prefix: `${prefix}:bull`,
    });
    for (let i = 0; i < COUNT; i += CHUNK) {
      const ids = Array.from({ length: Math.min(CHUNK, COUNT - i) }, (_, j) => `d${i + j + 1}`);
      const delay = Math.max(0, dueAt.getTime() - Date.now());
      await queue.addBulk(ids.map((id) => jobOf(id, dueAt, delay)));
    }
    const seedMs = performance.now() - seedStart;
    console.log(
      `seeded ${COUNT} deadlines and their delayed jobs in ${seedMs.toFixed(0)} ms (due after ${lead} ms)`,
    );

    let peakRss = idleRss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rssMb(child.pid!));
    }, 100);
    const effects = async () =>
      (await ds.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM bench_effects`))[0].n;
    let drainRss = 0;
    try {
      await until(async () => (await effects()) >= COUNT, 'every effect', 30 * 60_000);
      drainRss = Math.max(peakRss, rssMb(child.pid!));
      const drainedAt = performance.now();
      // The jobs of the deadlines a batch ran complete afterwards, without effect.
      await until(
        async () => {
          const c = await queue.getJobCounts('waiting', 'active', 'delayed');
          return c.waiting + c.active + c.delayed === 0;
        },
        'the queue to be empty',
        30 * 60_000,
      );
      console.log(
        `queue empty ${(performance.now() - drainedAt).toFixed(0)} ms after the last effect was seen`,
      );
    } finally {
      clearInterval(sampler);
      await queue.close();
    }

    const [check] = await ds.query<
      Array<{
        effects: number;
        distinct_effects: number;
        pending: number;
        first_claim: Date;
        last_effect: Date;
      }>
    >(
      `SELECT (SELECT count(*)::int FROM bench_effects) AS effects,
              (SELECT count(DISTINCT entity_id)::int FROM bench_effects) AS distinct_effects,
              (SELECT count(*)::int FROM deadlines WHERE status <> 'done') AS pending,
              (SELECT min(updated_at) FROM deadlines) AS first_claim,
              (SELECT max(at) FROM bench_effects) AS last_effect`,
    );
    if (check.effects !== COUNT || check.distinct_effects !== COUNT || check.pending !== 0) {
      throw new Error(
        `deadlines broken: ${check.effects} effects (${check.distinct_effects} distinct) for ${COUNT} deadlines, ${check.pending} not done`,
      );
    }
    const drainMs = check.last_effect.getTime() - check.first_claim.getTime();
    const ours = (COUNT / Math.max(1, drainMs)) * 1000;
    console.log(
      `worker: ${drainMs} ms from the first claim to the last effect, ${ours.toFixed(0)} deadlines/s; ` +
        `RSS idle ${idleRss.toFixed(0)} MB, peak ${drainRss.toFixed(0)} MB during the drain, ${peakRss.toFixed(0)} MB until the queue was empty`,
    );
    const ratio = ours / raw.rate;
    recordGoal({
      goal: `deadlines: ${COUNT} due at once, drained vs a bare BullMQ no-op worker`,
      ours: `${ours.toFixed(0)} deadlines/s`,
      baseline: `${raw.rate.toFixed(0)} jobs/s no-op`,
      ratio,
      target: '≥ 0.5',
      met: ratio >= 0.5,
      note: `each effect once (${check.effects}); ${drainMs} ms vs ${raw.ms.toFixed(0)} ms`,
    });
    recordGoal({
      goal: 'worker RSS during the drain',
      ours: `${drainRss.toFixed(0)} MB peak`,
      baseline: `${idleRss.toFixed(0)} MB idle`,
      ratio: null,
      target: '≤ 200 MB',
      met: drainRss <= 200,
      note: `${peakRss.toFixed(0)} MB peak until the queue was empty`,
    });
  } finally {
    await worker.stop();
    await ds.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await admin.end();
    await deleteRedisPrefix(redisUrl, prefix);
    await deleteRedisPrefix(redisUrl, `${prefix}_raw`);
  }
}
