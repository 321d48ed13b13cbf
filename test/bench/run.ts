import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import Redis from 'ioredis';
import { Client } from 'pg';
import { DataSource, QueryRunner, SelectQueryBuilder } from 'typeorm';
import { AuditEventEntity } from '../../src/common/audit/audit-event.entity';
import { IdempotencyService, requestHash } from '../../src/common/idempotency/idempotency.service';
import { paginate } from '../../src/common/pagination/pagination';
import { Clock } from '../../src/infra/clock/clock';
import { dataSourceOptions } from '../../src/infra/database/data-source.options';
import { migrateWithLock } from '../../src/infra/database/migrate';
import { ChallengesRepository, likeContains } from '../../src/modules/call/challenges/challenges.repository';
import { ListChallengesQueryDto } from '../../src/modules/call/challenges/dto/list-challenges.query';
import { ChallengeEntity } from '../../src/modules/call/challenges/entities/challenge.entity';
import { ApiModule } from '../../src/api.module';
import { configureApp } from '../../src/app.setup';
import type { Principal } from '../../src/common/auth/principal';
import { parseConfig } from '../../src/infra/config/config';
import { ApplicationsService } from '../../src/modules/call/applications/applications.service';
import { AuthService } from '../../src/modules/platform/auth/auth.service';
import {
  CREDIT_CODE_ALPHABET,
  creditCodeCheckChar,
} from '../../src/modules/platform/organizations/credit-code';
import { TeamsService } from '../../src/modules/call/teams/teams.service';
import { UsersService } from '../../src/modules/platform/users/users.service';
import { MfaEnrolmentService } from '../../src/modules/platform/auth/mfa/mfa-enrolment.service';
import { totpCode } from '../../src/modules/platform/auth/mfa/totp';
import { loadAverage, printGoals, selected } from './goals';
import { statsCases } from './stats';
import { createHttpAdapter } from '../../src/infra/http/http-adapter';

/**
 * `npm run bench`: each measurement beside its baseline, in the same run on the same data, so
 * the ratio means something on any machine. Uses the local PostgreSQL (BENCH_DATABASE_ADMIN_URL).
 */
const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const CHALLENGES = Number(process.env.BENCH_CHALLENGES ?? 100_000);
const DB = 'jiebang_bench';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const BURST = Number(process.env.BENCH_BURST ?? 200);

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

/** The clock of the challenge cases: the seed's times are relative to it. */
const NOW = new Date('2027-03-01T02:00:00.000Z');

/**
 * $1 program, $2 organization, $3 user, $4 now, $5 rows. Titles and summaries combine technical
 * words by hashes of i; 高温超导 is in the title of one row in 14,000, 超导 (without 高温) in one
 * in 9,000; 芯片 in about one in ten. Whole hours, so sort keys tie.
 */
const CHALLENGE_SEED_SQL = `
INSERT INTO challenges (
  program_id, code, title, category_code, industry_chain_code, issuer_organization_id, region_code,
  background, public_summary, expected_outcomes, total_fen, fiscal_fen, cofunding_fen,
  duration_months, opens_at, closes_at, eligibility, selection_mode, team_count, status,
  search_text, submitted_at, published_at, created_by, created_at, updated_at)
SELECT
  $1::uuid, CASE WHEN v.h6 % 20 > 1 THEN 'JB-2026-' || lpad(i::text, 6, '0') END,
  x.title, CASE WHEN v.h2 % 3 = 0 THEN 'enterprise_demand' ELSE 'key_technology' END,
  (ARRAY['new_materials','rare_earths','aviation','electronic_information','new_energy','biomedicine'])[1 + v.h4 % 6],
  $2::uuid, (ARRAY['360100','360102','360200','360400','361000','110000','440300'])[1 + v.h5 % 7],
  '背景。', x.summary, '[]'::jsonb, x.fiscal + x.cofunding, x.fiscal, x.cofunding,
  24, t.closes_at - interval '30 days', t.closes_at,
  '{"allowedOrganizationTypes":[],"regionCodes":[],"consortiumAllowed":false,"leaderConcurrencyLimit":null}'::jsonb,
  'single', 1,
  (CASE
    WHEN v.h6 % 20 = 0 THEN 'draft' WHEN v.h6 % 20 = 1 THEN 'pending_review' WHEN v.h6 % 20 = 2 THEN 'awarded'
    WHEN t.closes_at <= $4::timestamptz THEN 'closed'
    WHEN t.closes_at - interval '30 days' <= $4::timestamptz THEN 'open' ELSE 'published'
  END)::challenge_status,
  x.title || E'\n' || x.summary || E'\n' || v.a[1 + v.h3 % 40] || '性能' || E'\n' || v.b[1 + v.h5 % 15] || '指标',
  CASE WHEN v.h6 % 20 > 1 THEN t.published_at - interval '1 day' END,
  CASE WHEN v.h6 % 20 > 1 THEN t.published_at END,
  $3::uuid, t.published_at - interval '2 days', t.published_at
FROM generate_series(1, $5::int) AS g(i)
CROSS JOIN LATERAL (
  SELECT
    ARRAY['石墨烯','碳纤维','稀土永磁','锂电池','氢燃料电池','光伏组件','芯片','传感器','激光器','陶瓷基',
          '钙钛矿','铜箔','钨合金','钛合金','航空发动机','涡轮叶片','复合材料','热障涂层','催化剂','分离膜',
          '半导体','量子点','显示面板','工业机器人','数控机床','精密轴承','减速器','永磁电机','储能','风电',
          '中药','疫苗','单克隆抗体','医疗器械','北斗导航','工业软件','高温合金','超声检测','导热膜',
          'SiC-MOS器件'] AS a,
    ARRAY['制备','工艺','设计','集成','优化','检测','装备','系统','平台','应用示范','产业化','国产化','可靠性',
          '寿命评估','回收利用'] AS b,
    abs(hashint4(i)) AS h1, abs(hashint4(i + 1000003)) AS h2, abs(hashint4(i + 2000003)) AS h3,
    abs(hashint4(i + 3000017)) AS h4, abs(hashint4(i + 4000037)) AS h5, abs(hashint4(i + 5000011)) AS h6
) AS v
CROSS JOIN LATERAL (
  SELECT
    CASE
      WHEN i % 14000 = 7 THEN '基于高温超导材料的低损耗电缆关键技术'
      WHEN i % 9000 = 5 THEN '第二代YBCO超导带材制备'
      ELSE '面向' || v.a[1 + v.h1 % 40] || '的' || v.a[1 + v.h2 % 40] || v.b[1 + v.h3 % 15] || '关键技术'
    END AS title,
    '研究' || v.a[1 + v.h4 % 40] || '与' || v.a[1 + v.h5 % 40] || '的' || v.b[1 + v.h6 % 15] || '，效率提升。' AS summary,
    (1 + v.h3 % 50) * 1000000::bigint AS fiscal,
    (v.h6 % 4) * 500000::bigint AS cofunding
) AS x
CROSS JOIN LATERAL (
  SELECT
    $4::timestamptz - (v.h2 % 8760) * interval '1 hour' AS published_at,
    $4::timestamptz + ((v.h4 % 4320) - 1440) * interval '1 hour' AS closes_at
) AS t`;

/**
 * CHALLENGES challenges in one statement. The secondary indexes are dropped first and rebuilt from
 * their own definitions after (faster than as many GIN insertions), then VACUUM ANALYZE, so the
 * GIN indexes have no pending list and the planner has statistics.
 */
async function seedChallenges(dataSource: DataSource): Promise<void> {
  const [org] = await dataSource.query<Array<{ id: string }>>(
    `INSERT INTO organizations (name, type, region_code, created_at, updated_at)
     VALUES ('基准测试单位', 'enterprise', '360100', $1, $1) RETURNING id`,
    [NOW],
  );
  const [user] = await dataSource.query<Array<{ id: string }>>(
    `INSERT INTO users (organization_id, email, display_name, password_hash, roles, created_at, updated_at)
     VALUES ($1, 'bench@example.cn', 'bench', 'x', '{issuer}', $2, $2) RETURNING id`,
    [org.id, NOW],
  );
  const [program] = await dataSource.query<Array<{ id: string }>>(
    `INSERT INTO programs (name, year, settings, rubric, created_at, updated_at)
     VALUES ('基准', 2027, '{}', '{}', $1, $1) RETURNING id`,
    [NOW],
  );
  const indexes = await dataSource.query<Array<{ indexname: string; indexdef: string }>>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'challenges'
       AND indexname NOT IN (SELECT conname FROM pg_constraint)`,
  );
  for (const { indexname } of indexes) await dataSource.query(`DROP INDEX "${indexname}"`);
  await dataSource.query(CHALLENGE_SEED_SQL, [program.id, org.id, user.id, NOW, CHALLENGES]);
  for (const { indexdef } of indexes) await dataSource.query(indexdef);
  await dataSource.query('VACUUM ANALYZE challenges');
}

/**
 * The SQL and parameters `ChallengesRepository.list` runs for a query (its query builder, paginated
 * by `paginate`), with `extra` conditions added to the builder first.
 */
async function listingSql(
  repo: ChallengesRepository,
  query: Partial<ListChallengesQueryDto>,
  extra: (qb: SelectQueryBuilder<ChallengeEntity>) => unknown = () => undefined,
): Promise<[string, unknown[]]> {
  const dto = Object.assign(new ListChallengesQueryDto(), { limit: 20, ...query });
  const { qb, columns, direction } = repo.listQuery(dto, { scope: 'public' }, NOW);
  extra(qb);
  let captured: [string, unknown[]] | undefined;
  qb.getMany = async () => {
    captured = qb.getQueryAndParameters();
    return [];
  };
  await paginate(qb, columns, dto, direction);
  if (!captured) throw new Error('paginate ran no query');
  return captured;
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
  const repo = new ChallengesRepository(dataSource);
  const runner = dataSource.createQueryRunner();
  try {
    type Sql = [string, unknown[]];
    const run = (q: Sql) => () => runner.query(q[0], q[1]) as Promise<Array<{ c_id: string }>>;
    /** Both answer the same rows in the same order (else the comparison is meaningless); how many. */
    const same = async (a: Sql | Array<{ c_id: string }>, b: Sql): Promise<number> => {
      const ids = (rows: Array<{ c_id: string }>) => rows.map((r) => r.c_id).join();
      const x = typeof a[0] === 'string' ? await run(a as Sql)() : (a as Array<{ c_id: string }>);
      if (ids(x) !== ids(await run(b)())) throw new Error('the cases answer differently');
      return x.length;
    };

    // 4 characters: the pg_trgm GIN index against the same query with the index gone.
    const trgm = await listingSql(repo, { q: '高温超导' });
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
    const bigram = await listingSql(repo, { q: '超导' });
    const ilike = await listingSql(repo, {}, (qb) =>
      qb.andWhere('c.search_text ILIKE :bare', { bare: likeContains('超导') }),
    );
    const bigrams = await measure('q=超导, bigram GIN', 300, run(bigram));
    const ilikeOnly = await measure('q=超导, ILIKE only', 20, run(ilike));
    report(`Search of ${CHALLENGES} challenges, 2 characters (超导)`, ilikeOnly, bigrams);
    console.log(
      `plans: bigram: ${await scans(runner, bigram)}; ILIKE: ${await scans(runner, ilike)}; rows: ${await same(bigram, ilike)}`,
    );

    // A common 2-character word: the planner reads publishedAt in order and stops at 21 matches.
    const common = await listingSql(repo, { q: '芯片' });
    const commonIlike = await listingSql(repo, {}, (qb) =>
      qb.andWhere('c.search_text ILIKE :bare', { bare: likeContains('芯片') }),
    );
    report(
      `Search of ${CHALLENGES} challenges, a common 2-character word (芯片, ≈ 10%)`,
      await measure('q=芯片, ILIKE only', 100, run(commonIlike)),
      await measure('q=芯片, as listed', 100, run(common)),
    );
    console.log(`plan: ${await scans(runner, common)}; rows: ${await same(common, commonIlike)}`);

    // "Still open for applications, closing soonest": the status OR alone skips every closed challenge on the
    // closes_at index; the closes_at > now the repository adds bounds it.
    const soonest = await listingSql(repo, { status: ['open', 'published'], sort: 'closesAt' });
    const orOnly = await listingSql(repo, { sort: 'closesAt' }, (qb) =>
      qb.andWhere(
        `((c.status IN ('published', 'open') AND c.opens_at <= :now AND c.closes_at > :now)
          OR (c.status = 'published' AND c.opens_at > :now))`,
        { now: NOW },
      ),
    );
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
  } finally {
    await runner.release();
  }
}

/** A fresh, valid unified social credit code (GB 32100-2015). */
function creditCode(): string {
  let body = '91360100';
  for (let i = 0; i < 9; i++) body += CREDIT_CODE_ALPHABET[randomInt(CREDIT_CODE_ALPHABET.length)];
  return body + creditCodeCheckChar(body);
}

/** What the setup reads of an answer: the resource's id, and a challenge's indicators. */
interface Resource {
  id: string;
  indicators?: Array<{ id: string; name: string }>;
}

interface Answer {
  status: number;
  body: unknown;
}

/** One JSON request to the API under test. */
async function call(
  base: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function expectStatus(answer: Promise<Answer>, status: number, what: string): Promise<Resource> {
  const res = await answer;
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Resource;
}

interface Spread {
  case: string;
  requests: number;
  'p50 ms': string;
  'p95 ms': string;
  'max ms': string;
  'wall ms': string;
  'per second': string;
}

function spread(name: string, times: number[], wallMs: number): Spread & { p50: number; p95: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const p50 = sorted[Math.floor(sorted.length / 2)];
  const p95 = sorted[Math.floor(sorted.length * 0.95)];
  return {
    case: name,
    requests: sorted.length,
    'p50 ms': p50.toFixed(1),
    'p95 ms': p95.toFixed(1),
    'max ms': sorted[sorted.length - 1].toFixed(1),
    'wall ms': wallMs.toFixed(0),
    'per second': ((sorted.length / wallMs) * 1000).toFixed(1),
    p50,
    p95,
  };
}

/**
 * POST /applications/{id}/submit under a burst, the load of the deadline race (well before
 * closesAt here, so every one is accepted): BURST submissions of distinct pledged applications, each by its
 * own team and leader, sent at once over HTTP to the API in this process (production settings,
 * its default pool of 10 connections), against the same number sent one at a time. Each request's
 * latency is from its own sending to its answer; the third row is what the deadline sees, from
 * sending to the application's submittedAt (stamped just before its COMMIT).
 */
async function submissionCases(databaseUrl: string): Promise<void> {
  const suffix = randomBytes(4).toString('hex');
  const redisPrefix = `bench_${suffix}`;
  const storageDir = join(tmpdir(), `jiebang-bench-files-${suffix}`);
  const config = parseConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    JWT_ACCESS_SECRET: randomBytes(32).toString('hex'),
    MIGRATE_ON_START: 'false',
    RATE_LIMIT_PER_MINUTE: '1000000',
    STORAGE_DIR: storageDir,
  });
  const app = await NestFactory.create(ApiModule.forRoot(config), createHttpAdapter(config), {
    bodyParser: false,
    logger: false,
  });
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  try {
    const password = 'bench-password-1234';
    const users = app.get(UsersService);
    const auth = app.get(AuthService);
    const adminUser = await users.ensureFirstAdmin(`admin.${suffix}@example.cn`, password);
    // Administrators sign in with a second factor (ADR 0044): enrolling answers a session that passed it.
    const enrolment = app.get(MfaEnrolmentService);
    const principal = {
      kind: 'user' as const,
      userId: adminUser.id,
      organizationId: adminUser.organizationId,
      roles: adminUser.roles,
    };
    const { secret } = await enrolment.start(principal);
    const confirmed = await enrolment.confirm(principal, totpCode(secret, app.get(Clock).now()));
    const admin = confirmed.tokens;
    const org = (role: 'issuer' | 'applicant', creditCode: string) =>
      auth.register({
        organizationName: `基准${role === 'issuer' ? '发榜' : '揭榜'}单位 ${suffix}`,
        organizationType: role === 'issuer' ? 'enterprise' : 'university',
        creditCode,
        regionCode: '360100',
        role,
        email: `${role}.${suffix}@example.cn`,
        password,
        displayName: role,
      });
    const issuer = await org('issuer', creditCode());
    const applicant = await org('applicant', creditCode());

    const program = await expectStatus(
      call(base, 'POST', '/api/v1/programs', admin.accessToken, { name: '基准揭榜挂帅', year: 2027 }),
      201,
      'program',
    );
    const now = Date.now();
    const draft = await expectStatus(
      call(base, 'POST', '/api/v1/challenges', issuer.tokens.accessToken, {
        programId: program.id,
        title: '基于高温超导材料的低损耗电缆关键技术',
        category: 'key_technology',
        industryChain: 'new_materials',
        background: '我省电网企业亟需低损耗输电技术。',
        publicSummary: '研制高温超导电缆样机，临界电流与交流损耗达到国际先进水平。',
        indicators: [
          { name: '临界电流', targetValue: '≥ 500', unit: 'A', verificationMethod: '第三方检测' },
          { name: '交流损耗', targetValue: '≤ 1.0', unit: 'W/m', verificationMethod: '现场测试' },
        ],
        expectedOutcomes: [{ kind: 'prototype', description: '10 米电缆样机 1 套' }],
        totalFen: 500_000_000,
        fiscalFen: 300_000_000,
        cofundingFen: 200_000_000,
        durationMonths: 24,
        opensAt: new Date(now - 60 * 60 * 1000).toISOString(),
        closesAt: new Date(now + 24 * 60 * 60 * 1000).toISOString(),
        eligibility: { allowedOrganizationTypes: ['university'] },
        selectionMode: 'single',
      }),
      201,
      'challenge',
    );
    await expectStatus(
      call(base, 'POST', `/api/v1/challenges/${draft.id}/submit`, issuer.tokens.accessToken),
      200,
      'challenge submit',
    );
    const list = await expectStatus(
      call(base, 'POST', `/api/v1/challenges/${draft.id}/approve`, admin.accessToken),
      200,
      'challenge approve',
    );

    // Pledged drafts, each by its own team and leader: the leaders by SQL (a copy of the
    // applicant's password hash), the rest through the services, eight at a time.
    const warmUp = 20;
    const count = warmUp + 2 * BURST;
    const dataSource = app.get(DataSource);
    const leaders = await dataSource.query<Array<{ id: string }>>(
      `INSERT INTO users (organization_id, email, display_name, password_hash, roles, created_at, updated_at)
       SELECT $1, 'leader.' || $2 || '.' || g || '@example.cn', '挂帅者 ' || g,
              (SELECT password_hash FROM users WHERE id = $3), ARRAY['applicant'], now(), now()
       FROM generate_series(1, $4::int) AS g ORDER BY g
       RETURNING id`,
      [applicant.organization.id, suffix, applicant.user.id, count],
    );
    const owner: Principal = {
      kind: 'user',
      userId: applicant.user.id,
      organizationId: applicant.organization.id,
      roles: ['applicant'],
    };
    const teams = app.get(TeamsService);
    const applications = app.get(ApplicationsService);
    const indicators = list.indicators ?? [];
    const prepare = async (leaderUserId: string, i: number): Promise<string> => {
      const team = await teams.create(owner, {
        name: `基准团队 ${i}`,
        leaderUserId,
        members: [{ name: '李工', title: '工程师', role: '技术骨干', organizationId: owner.organizationId }],
      });
      const bid = await applications.create(owner, list.id, {
        teamId: team.id,
        technicalPlan: '采用第二代高温超导带材，分三阶段完成电缆样机研制与挂网试验。',
        requestedFiscalFen: 100_000_000,
        indicatorCommitments: indicators.map((x) => ({ indicatorId: x.id, committedValue: `优于${x.name}` })),
        milestones: [
          { title: '完成材料制备', deliverables: '带材样品与检测报告', dueMonth: 6, sharePercent: 40 },
          { title: '完成样机与挂网', deliverables: '电缆样机与试验报告', dueMonth: 24, sharePercent: 60 },
        ],
      });
      const leader: Principal = { ...owner, userId: leaderUserId };
      await applications.pledge(leader, bid.id, bid.version);
      return bid.id;
    };
    const ids: string[] = [];
    for (let i = 0; i < leaders.length; i += 8) {
      ids.push(...(await Promise.all(leaders.slice(i, i + 8).map((l, j) => prepare(l.id, i + j)))));
    }

    const token = applicant.tokens.accessToken;
    const submit = async (id: string): Promise<number> => {
      const start = performance.now();
      await expectStatus(call(base, 'POST', `/api/v1/applications/${id}/submit`, token), 200, 'submit');
      return performance.now() - start;
    };
    for (const id of ids.slice(0, warmUp)) await submit(id);

    const sequentialStart = performance.now();
    const sequential: number[] = [];
    for (const id of ids.slice(warmUp, warmUp + BURST)) sequential.push(await submit(id));
    const sequentialWall = performance.now() - sequentialStart;

    const burstStart = performance.now();
    const burstIds = ids.slice(warmUp + BURST);
    const sentAt = Date.now();
    const burst = await Promise.all(burstIds.map(submit));
    const burstWall = performance.now() - burstStart;

    const [{ n }] = await dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM applications WHERE challenge_id = $1 AND status = 'submitted'`,
      [list.id],
    );
    if (n !== count) throw new Error(`${n} submitted applications, expected ${count}`);
    // What the deadline sees: from sending to the time the application was stamped, just before its COMMIT.
    const stamped = await dataSource.query<Array<{ ms: number }>>(
      `SELECT (extract(epoch FROM submitted_at) * 1000)::float8 - $2 AS ms
       FROM applications WHERE id = ANY($1::uuid[])`,
      [burstIds, sentAt],
    );

    const one = spread('one at a time', sequential, sequentialWall);
    const all = spread(`${BURST} at once`, burst, burstWall);
    const commit = spread(
      `${BURST} at once, to submittedAt`,
      stamped.map((r) => r.ms),
      burstWall,
    );
    console.log(
      `\n## Submission latency under a burst: ${BURST} distinct applications, POST /applications/{id}/submit`,
    );
    console.table([one, all, commit].map(({ p50: _p50, p95: _p95, ...row }) => row));
    console.log(
      `ratio ${all.case} / ${one.case}: p50 ${(all.p50 / one.p50).toFixed(2)}x, p95 ${(all.p95 / one.p95).toFixed(2)}x; ` +
        `throughput ${(sequentialWall / burstWall).toFixed(2)}x`,
    );
  } finally {
    await app.close();
    await deleteRedisPrefix(redisPrefix);
    await rm(storageDir, { recursive: true, force: true });
  }
}

async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
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

    if (selected('submissions')) await submissionCases(url.toString());

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
