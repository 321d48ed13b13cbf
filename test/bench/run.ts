import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AuditEventEntity } from '../../src/common/audit/audit-event.entity';
import { IdempotencyService, requestHash } from '../../src/common/idempotency/idempotency.service';
import { paginate } from '../../src/common/pagination/pagination';
import { Clock } from '../../src/infra/clock/clock';
import { dataSourceOptions } from '../../src/infra/database/data-source.options';
import { migrateWithLock } from '../../src/infra/database/migrate';

/**
 * `npm run bench`: each measurement beside its baseline, in the same run on the same data, so
 * the ratio means something on any machine. Uses the local PostgreSQL (BENCH_DATABASE_ADMIN_URL).
 */
const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const DB = 'jiebang_bench';

interface Result {
  name: string;
  iterations: number;
  p50: number;
  p95: number;
  heapDeltaMb: number;
}

async function measure(
  name: string,
  iterations: number,
  fn: (i: number) => Promise<unknown>,
): Promise<Result> {
  for (let i = 0; i < Math.min(20, iterations); i++) await fn(i); // warm-up
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await fn(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return {
    name,
    iterations,
    p50: times[Math.floor(times.length / 2)],
    p95: times[Math.floor(times.length * 0.95)],
    heapDeltaMb: (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024,
  };
}

function report(title: string, baseline: Result, candidate: Result): void {
  console.log(`\n## ${title}`);
  console.table(
    [baseline, candidate].map((r) => ({
      case: r.name,
      iterations: r.iterations,
      'p50 ms': r.p50.toFixed(3),
      'p95 ms': r.p95.toFixed(3),
      'heap Δ MB': r.heapDeltaMb.toFixed(1),
    })),
  );
  console.log(
    `ratio p50 ${candidate.name} / ${baseline.name}: ${(candidate.p50 / baseline.p50).toFixed(2)}x`,
  );
}

async function main(): Promise<void> {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.query(
    `CREATE DATABASE ${DB} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`,
  );
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DB}`;
  const dataSource = await new DataSource(
    dataSourceOptions({
      DATABASE_URL: url.toString(),
      DATABASE_POOL_MAX: 4,
      DATABASE_STATEMENT_TIMEOUT_MS: 120_000,
    }),
  ).initialize();
  try {
    await migrateWithLock(dataSource);
    await dataSource.query(
      `INSERT INTO audit_events (occurred_at, actor_type, action, object_type, object_id)
       SELECT now() - (g || ' seconds')::interval, 'system', 'bench.row', 'bench', g::text
       FROM generate_series(1, $1) g`,
      [ROWS],
    );
    await dataSource.query('ANALYZE audit_events');
    const repo = dataSource.getRepository(AuditEventEntity);
    const columns = [
      {
        expression: 'a.occurred_at',
        value: (e: AuditEventEntity) => e.occurredAt,
        cast: 'timestamptz' as const,
      },
      { expression: 'a.id', value: (e: AuditEventEntity) => e.id, cast: 'uuid' as const },
    ];

    // Deep pages: the last pages of the table, where OFFSET has to walk every earlier row.
    const deep = ROWS - 1000;
    const offset = await measure(`OFFSET ${deep}`, 30, () =>
      repo
        .createQueryBuilder('a')
        .orderBy('a.occurred_at', 'DESC')
        .addOrderBy('a.id', 'DESC')
        .skip(deep)
        .take(20)
        .getMany(),
    );
    const [pivot] = await repo
      .createQueryBuilder('a')
      .orderBy('a.occurred_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .skip(deep)
      .take(1)
      .getMany();
    const cursor = Buffer.from(JSON.stringify([pivot.occurredAt.toISOString(), pivot.id])).toString(
      'base64url',
    );
    const keyset = await measure('keyset cursor', 30, () =>
      paginate(repo.createQueryBuilder('a'), columns, { limit: 20, cursor }),
    );
    report(`Deep page of ${ROWS} audit events: keyset vs OFFSET`, offset, keyset);

    // Idempotency-Key: the two extra round trips (claim, complete) against a request's own work.
    const clock = new Clock();
    const idempotency = new IdempotencyService(dataSource, clock);
    const body = { amountFen: 123_45, milestoneId: randomUUID() };
    const work = () => dataSource.query('SELECT 1');
    const plain = await measure('action without key', 500, work);
    const keyed = await measure('action with Idempotency-Key', 500, async (i) => {
      const key = `bench-${i}-${randomUUID()}`;
      const hash = requestHash('POST', '/api/v1/payments/x/confirm', body);
      await idempotency.claim('bench', key, hash);
      await work();
      await idempotency.complete('bench', key, 200, body, {});
    });
    report('Idempotency-Key overhead on a POST action', plain, keyed);
  } finally {
    await dataSource.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
