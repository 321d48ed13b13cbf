import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource, QueryRunner } from 'typeorm';
import { AuditEventEntity } from '../../src/common/audit/audit-event.entity';
import { IdempotencyService, requestHash } from '../../src/common/idempotency/idempotency.service';
import { paginate } from '../../src/common/pagination/pagination';
import { Clock } from '../../src/infra/clock/clock';
import { dataSourceOptions } from '../../src/infra/database/data-source.options';
import { migrateWithLock } from '../../src/infra/database/migrate';
import {
  challengeListStatement,
  likeContains,
  Params,
} from '../../src/modules/call/challenges/challenge-reads.repository';
import { ListChallengesQueryDto } from '../../src/modules/call/challenges/dto/list-challenges.query';
import { loadAverage, printGoals, recordGoal, selected } from './goals';
import { freshBenchDatabase } from './resources';
import { statsCases } from './stats';
import { fixedCases } from './fixed';
import { httpCases, multiWordSearchMix } from './http';
import { CHALLENGES, NOW, seedChallenges } from './seed-challenges';
import { submissionCases } from './submissions';
import { deadlineCases } from './deadlines';
import { eventCases } from './events';
import { matchingCases } from './matching';

/**
 * `npm run bench`: each measurement beside its baseline, in the same run on the same data, so
 * the ratio means something on any machine. Uses the local PostgreSQL (BENCH_DATABASE_ADMIN_URL).
 */
const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
// Per run unless BENCH_DB names one: two benches at once never drop each other's database.
const DB = process.env.BENCH_DB ?? `jiebang_bench_${process.pid}`;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

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

/**
 * The SQL and parameters `GET /challenges` sends for a query (challengeListStatement, ADR 0051),
 * with `extra` conditions added first.
 */
function listingSql(
  query: Partial<ListChallengesQueryDto>,
  extra?: (params: Params) => string[],
): [string, unknown[]] {
  const dto = Object.assign(new ListChallengesQueryDto(), { limit: 20, ...query });
  const statement = challengeListStatement(dto, { scope: 'public' }, NOW, extra);
  return [statement.text, statement.values];
}

/** The scan nodes of a plan, e.g. "Bitmap Index Scan on ix_challenges_search_trgm". */
async function scans(runner: QueryRunner, [sql, params]: [string, unknown[]]): Promise<string> {
  const rows: Array<{ 'QUERY PLAN': string }> = await runner.query(`EXPLAIN ${sql}`, params);
  return rows
    .map(
      (r) =>
        /((?:Bitmap Index|Bitmap Heap|Index Only|Index|Seq) Scan(?: Backward)?(?: using| on) \S+)/.exec(
          r['QUERY PLAN'],
        )?.[1],
    )
    .filter(Boolean)
    .join(' ← ');
}

/** Runs `fn` with `index` gone, in a transaction that is rolled back: the index is back after. */
async function withoutIndex<T>(runner: QueryRunner, index: string, fn: () => Promise<T>): Promise<T> {
  await runner.startTransaction();
  try {
    await runner.query(`DROP INDEX "${index}"`);
    return await fn();
  } finally {
    await runner.rollbackTransaction();
  }
}

/** Chinese search and the listing on CHALLENGES challenges (ADR 0018). */
async function challengeCases(dataSource: DataSource): Promise<void> {
  await seedChallenges(dataSource);
  const runner = dataSource.createQueryRunner();
  try {
    type Sql = [string, unknown[]];
    const run = (q: Sql) => () => runner.query(q[0], q[1]) as Promise<Array<{ id: string }>>;
    /** Both answer the same rows in the same order (else the comparison is meaningless); how many. */
    const same = async (a: Sql | Array<{ id: string }>, b: Sql): Promise<number> => {
      const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id).join();
      const x = typeof a[0] === 'string' ? await run(a as Sql)() : (a as Array<{ id: string }>);
      if (ids(x) !== ids(await run(b)())) throw new Error('the cases answer differently');
      return x.length;
    };

    // 4 characters: the pg_trgm GIN index against the same query with the index gone.
    const trgm = listingSql({ q: '高温超导' });
    const trgmPlan = await scans(runner, trgm);
    const indexed = await measure('q=高温超导, trigram GIN', 300, run(trgm));
    const without = await withoutIndex(runner, 'ix_challenges_search_trgm', async () => ({
      result: await measure('q=高温超导, no index', 20, run(trgm)),
      plan: await scans(runner, trgm),
      rows: await run(trgm)(),
    }));
    report(`Search of ${CHALLENGES} challenges, 4 characters (ILIKE '%高温超导%')`, without.result, indexed);
    console.log(
      `plans: trigram: ${trgmPlan}; no index: ${without.plan}; rows: ${await same(without.rows, trgm)}`,
    );

    // 2 characters: pg_trgm has no trigram in them; the bigram GIN against ILIKE alone.
    const bigram = listingSql({ q: '超导' });
    const ilike = listingSql({}, (p) => [`c.search_text ILIKE ${p.add(likeContains('超导'))}`]);
    const bigrams = await measure('q=超导, bigram GIN', 300, run(bigram));
    const ilikeOnly = await measure('q=超导, ILIKE only', 20, run(ilike));
    report(`Search of ${CHALLENGES} challenges, 2 characters (超导)`, ilikeOnly, bigrams);
    console.log(
      `plans: bigram: ${await scans(runner, bigram)}; ILIKE: ${await scans(runner, ilike)}; rows: ${await same(bigram, ilike)}`,
    );

    // A common 2-character word: the planner reads publishedAt in order and stops at 21 matches.
    const common = listingSql({ q: '芯片' });
    const commonIlike = listingSql({}, (p) => [`c.search_text ILIKE ${p.add(likeContains('芯片'))}`]);
    report(
      `Search of ${CHALLENGES} challenges, a common 2-character word (芯片, ≈ 10%)`,
      await measure('q=芯片, ILIKE only', 100, run(commonIlike)),
      await measure('q=芯片, as listed', 100, run(common)),
    );
    console.log(`plan: ${await scans(runner, common)}; rows: ${await same(common, commonIlike)}`);

    // "Still open for applications, closing soonest": the status OR alone skips every closed challenge on the
    // closes_at index; the closes_at > now the repository adds bounds it.
    const soonest = listingSql({ status: ['open', 'published'], sort: 'closesAt' });
    const orOnly = listingSql({ sort: 'closesAt' }, (p) => {
      const now = p.add(NOW);
      return [
        `((c.status IN ('published', 'open') AND c.opens_at <= ${now} AND c.closes_at > ${now})
          OR (c.status = 'published' AND c.opens_at > ${now}))`,
      ];
    });
    report(
      `status=open,published sort=closesAt on ${CHALLENGES} challenges`,
      await measure('status OR only', 100, run(orOnly)),
      await measure('status OR + closes_at > now', 100, run(soonest)),
    );
    console.log(`rows: ${await same(soonest, orOnly)}`);

    // jb_bigrams on a list of maximal text (title + summary ≈ 5,200 characters): the per-position
    // substr of the first version against the split-once version in the migration.
    await runner.query(`
      CREATE FUNCTION pg_temp.jb_bigrams_substr(value text) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT AS $$
        SELECT coalesce(array_agg(DISTINCT substr(lower(value), i, 2)), '{}')
        FROM generate_series(1, length(value) - 1) AS i
        WHERE substr(value, i, 2) !~ '\\s'
      $$`);
    const [{ text }] = (await runner.query(
      `SELECT left(string_agg(search_text, '' ORDER BY id), 5200) AS text FROM (SELECT id, search_text FROM challenges LIMIT 200) s`,
    )) as Array<{ text: string }>;
    const [{ equal }] = (await runner.query(
      `SELECT pg_temp.jb_bigrams_substr($1) = jb_bigrams($1) AS equal`,
      [text],
    )) as Array<{ equal: boolean }>;
    if (!equal) throw new Error('jb_bigrams versions differ');
    report(
      `jb_bigrams of ${text.length} characters (every INSERT, and UPDATE that is not HOT)`,
      await measure('substr per position', 5, () =>
        runner.query(`SELECT pg_temp.jb_bigrams_substr($1)`, [text]),
      ),
      await measure('split once (migration)', 50, () => runner.query(`SELECT jb_bigrams($1)`, [text])),
    );

    // Multi-word searches with 2-character terms: stored bigrams (ADR 0052) against recomputed ones.
    const mix = await multiWordSearchMix(dataSource, NOW);
    const line =
      `slowest ${mix.slowest.toFixed(1)} ms (q=${mix.slowestQuery}); with bigrams recomputed per row ` +
      `${mix.before.toFixed(1)} ms (q=${mix.beforeQuery})`;
    console.log(`\n## Multi-word search mix on ${CHALLENGES} challenges, EXPLAIN ANALYZE: ${line}`);
    // The http part records the same goal on its own database; alone, the search part records it.
    if (!selected('http')) {
      recordGoal({
        goal: 'multi-word search mix, slowest EXPLAIN ANALYZE',
        ours: `${mix.slowest.toFixed(1)} ms (q=${mix.slowestQuery})`,
        baseline: `${mix.before.toFixed(1)} ms with bigrams recomputed per row`,
        ratio: null,
        target: '≤ 20 ms',
        met: mix.slowest <= 20,
      });
    }
  } finally {
    await runner.release();
  }
}

async function main(): Promise<void> {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const url = await freshBenchDatabase(admin, ADMIN_URL, DB);
  const dataSource = await new DataSource(
    dataSourceOptions({
      DATABASE_URL: url,
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

    console.log(`# npm run bench (${loadAverage()})`);
    if (selected('pagination')) {
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
    }

    if (selected('search')) await challengeCases(dataSource);

    if (selected('stats')) await statsCases(ADMIN_URL);

    if (selected('submissions')) await submissionCases(ADMIN_URL);

    if (selected('fixed')) await fixedCases(url, REDIS_URL);
    if (selected('http')) await httpCases(ADMIN_URL);

    if (selected('deadlines')) await deadlineCases(ADMIN_URL, REDIS_URL);
    if (selected('events')) await eventCases(ADMIN_URL, REDIS_URL);

    if (selected('matching')) await matchingCases(ADMIN_URL);

    printGoals();
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
