import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/infra/database/data-source.options';
import { migrateWithLock } from '../../src/infra/database/migrate';
import { OUTBOX_CHANNEL } from '../../src/infra/events/outbox.service';
import { spawnBenchWorker, rssMb, until } from './deadlines';
import { BENCH_EVENT_TYPE } from './deadlines-worker';
import { loadAverage } from './goals';
import { deleteRedisPrefix, freshBenchDatabase } from './resources';

/**
 * Events through the outbox (docs/operations.md "Capacity"): BENCH_EVENTS outbox events (default
 * 20,000) committed at once, relayed and dispatched by BENCH_EVENTS_WORKERS real worker processes
 * (deadlines-worker.ts: WorkerModule plus a handler whose effect is one INSERT in the handler's
 * transaction), timed from the events' commit to the last `delivered_at`. Every event must be
 * delivered with exactly one effect, else the run is broken. A measurement for the capacity model,
 * not a goal: it prints events/s, per worker process, and the workers' RSS.
 */
const COUNT = Number(process.env.BENCH_EVENTS ?? 20_000);
const WORKERS = Number(process.env.BENCH_EVENTS_WORKERS ?? 1);
const DB = 'jiebang_bench_events';

export async function eventCases(adminUrl: string, redisUrl: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const url = await freshBenchDatabase(admin, adminUrl, DB);
  const prefix = `bench_events_${process.pid}`;
  const ds = await new DataSource(
    dataSourceOptions({ DATABASE_URL: url, DATABASE_POOL_MAX: 2, DATABASE_STATEMENT_TIMEOUT_MS: 120_000 }),
  ).initialize();
  await migrateWithLock(ds);
  await ds.query(
    `CREATE TABLE bench_event_effects (event_id uuid NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  );
  const workers = Array.from({ length: WORKERS }, () => spawnBenchWorker(url, redisUrl, prefix));
  try {
    await Promise.all(workers.map((w) => w.ready));
    console.log(`\n## Events: ${COUNT} committed at once, ${WORKERS} worker process(es) (${loadAverage()})`);
    await ds.transaction(async (em) => {
      await em.query(
        `INSERT INTO outbox_events (type, aggregate_type, aggregate_id, data, occurred_at)
         SELECT $2, 'bench', g::text, '{}', now() FROM generate_series(1, $1::int) g`,
        [COUNT, BENCH_EVENT_TYPE],
      );
      await em.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
    });
    let peakRss = 0;
    const sampler = setInterval(() => {
      for (const w of workers) peakRss = Math.max(peakRss, rssMb(w.child.pid!));
    }, 100);
    try {
      await until(
        async () =>
          (
            await ds.query<Array<{ n: number }>>(
              `SELECT count(*)::int AS n FROM outbox_events WHERE delivered_at IS NOT NULL`,
            )
          )[0].n >= COUNT,
        'every event delivered',
        30 * 60_000,
      );
    } finally {
      clearInterval(sampler);
    }
    const [check] = await ds.query<
      Array<{ effects: number; distinct_effects: number; committed: Date; relayed: Date; last: Date }>
    >(
      `SELECT (SELECT count(*)::int FROM bench_event_effects) AS effects,
              (SELECT count(DISTINCT event_id)::int FROM bench_event_effects) AS distinct_effects,
              (SELECT min(occurred_at) FROM outbox_events) AS committed,
              (SELECT max(published_at) FROM outbox_events) AS relayed,
              (SELECT max(delivered_at) FROM outbox_events) AS last`,
    );
    if (check.effects !== COUNT || check.distinct_effects !== COUNT) {
      throw new Error(
        `events broken: ${check.effects} effects (${check.distinct_effects} distinct) for ${COUNT} events`,
      );
    }
    const ms = check.last.getTime() - check.committed.getTime();
    const rate = (COUNT / Math.max(1, ms)) * 1000;
    console.log(
      `${WORKERS} worker(s): ${ms} ms from the commit to the last delivery, ${rate.toFixed(0)} events/s ` +
        `(${(rate / WORKERS).toFixed(0)} per worker), each effect once; every job enqueued by the relay ` +
        `${check.relayed.getTime() - check.committed.getTime()} ms after the commit; peak worker RSS ${peakRss.toFixed(0)} MB (${loadAverage()})`,
    );
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await ds.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await admin.end();
    await deleteRedisPrefix(redisUrl, prefix);
  }
}
