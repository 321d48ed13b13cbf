import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { ChallengeStatus } from '../../src/modules/call/challenges/challenge-status';
import {
  challengeListStatement,
  ChallengeVisibility,
} from '../../src/modules/call/challenges/challenge-reads.repository';
import {
  CHALLENGE_SORTS,
  ListChallengesQueryDto,
} from '../../src/modules/call/challenges/dto/list-challenges.query';
import { ChallengeEntity } from '../../src/modules/call/challenges/entities/challenge.entity';
import { createProgram, DAY } from '../support/challenges';
import { Actor, createAdmin, registerOrg } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * Search and listing on 100,000 challenges (ADR 0018): the Chinese search finds exactly what it should
 * through its indexes, every filter and sort is index-backed, and keyset pages stay exact while
 * challenges are being inserted.
 */

const ROWS = 100_000;
const HOUR = 60 * 60 * 1000;
/** The TestClock's start: the seed's times are relative to it. */
const START = new Date('2027-03-01T02:00:00.000Z');

/**
 * One statement: $1 main program, $2 paging program (i % 67 = 0, ≈ 1,500 rows), $3 filters program
 * (i % 211 = 1, ≈ 470 rows), $4 issuer organization, $5 creator, $6 the clock, $7 rows. Titles and
 * summaries combine a vocabulary of technical words by hashes of i; none contains 超导 (the planted
 * rows do), some contain near misses (高温合金, 超声检测, 导热膜, SiC-MOS, 1000吨). Times are whole
 * hours, so sort keys tie often and the id decides. About 10% are drafts or pending review.
 */
const SEED_SQL = `
INSERT INTO challenges (
  program_id, code, title, category_code, industry_chain_code, issuer_organization_id, region_code,
  background, public_summary, expected_outcomes, total_fen, fiscal_fen, cofunding_fen,
  duration_months, opens_at, closes_at, eligibility, selection_mode, team_count, status,
  search_text, submitted_at, published_at, created_by, created_at, updated_at)
SELECT
  CASE WHEN i % 67 = 0 THEN $2::uuid WHEN i % 211 = 1 THEN $3::uuid ELSE $1::uuid END,
  CASE WHEN s.published THEN 'JB-2026-' || lpad(i::text, 6, '0') END,
  x.title, x.category, x.chain, $4::uuid, x.region,
  '我省产业链亟需突破的共性技术。', x.summary, '[]'::jsonb, x.fiscal + x.cofunding, x.fiscal, x.cofunding,
  24, t.closes_at - interval '30 days', t.closes_at,
  '{"allowedOrganizationTypes":[],"regionCodes":[],"consortiumAllowed":false,"leaderConcurrencyLimit":null}'::jsonb,
  'single', 1, s.status::challenge_status,
  x.title || E'\\n' || x.summary || E'\\n' || x.indicator1 || E'\\n' || x.indicator2,
  CASE WHEN s.published THEN t.published_at - interval '1 day' END,
  CASE WHEN s.published THEN t.published_at END,
  $5::uuid, t.published_at - interval '2 days', t.published_at
FROM generate_series(1, $7::int) AS g(i)
CROSS JOIN LATERAL (
  SELECT
    ARRAY['石墨烯','碳纤维','稀土永磁','锂电池','氢燃料电池','光伏组件','芯片','传感器','激光器','陶瓷基',
          '钙钛矿','铜箔','钨合金','钛合金','航空发动机','涡轮叶片','复合材料','热障涂层','催化剂','分离膜',
          '半导体','量子点','显示面板','工业机器人','数控机床','精密轴承','减速器','永磁电机','储能','风电',
          '中药','疫苗','单克隆抗体','医疗器械','北斗导航','工业软件','高温合金','超声检测','导热膜',
          'SiC-MOS器件'] AS a,
    ARRAY['制备','工艺','设计','集成','优化','检测','装备','系统','平台','应用示范','产业化','国产化','可靠性',
          '寿命评估','回收利用'] AS b,
    ARRAY['年产1000吨级','成本降低30%','良率提升','能耗下降','替代进口','寿命翻倍','效率提升','精度达到微米级'] AS c,
    abs(hashint4(i)) AS h1, abs(hashint4(i + 1000003)) AS h2, abs(hashint4(i + 2000003)) AS h3,
    abs(hashint4(i + 3000017)) AS h4, abs(hashint4(i + 4000037)) AS h5, abs(hashint4(i + 5000011)) AS h6
) AS v
CROSS JOIN LATERAL (
  SELECT
    '面向' || v.a[1 + v.h1 % 40] || '的' || v.a[1 + v.h2 % 40] || v.b[1 + v.h3 % 15] || '关键技术' AS title,
    '研究' || v.a[1 + v.h4 % 40] || '与' || v.a[1 + v.h5 % 40] || '的' || v.b[1 + v.h6 % 15] || '，'
      || v.c[1 + v.h1 % 8] || '。' AS summary,
    v.a[1 + v.h3 % 40] || '性能' AS indicator1,
    v.b[1 + v.h5 % 15] || '指标' AS indicator2,
    CASE WHEN v.h2 % 3 = 0 THEN 'enterprise_demand' ELSE 'key_technology' END AS category,
    (ARRAY['new_materials','rare_earths','aviation','electronic_information','new_energy','biomedicine'])[1 + v.h4 % 6] AS chain,
    (ARRAY['360100','360102','360200','360400','361000','110000','440300'])[1 + v.h5 % 7] AS region,
    (1 + v.h3 % 50) * 1000000::bigint AS fiscal,
    (v.h6 % 4) * 500000::bigint AS cofunding
) AS x
CROSS JOIN LATERAL (
  SELECT
    $6::timestamptz - (v.h2 % 8760) * interval '1 hour' AS published_at,
    $6::timestamptz + ((v.h4 % 4320) - 1440) * interval '1 hour' AS closes_at
) AS t
CROSS JOIN LATERAL (
  SELECT st.status, st.status NOT IN ('draft', 'pending_review') AS published FROM (
    SELECT CASE v.h6 % 20
      WHEN 0 THEN 'draft' WHEN 1 THEN 'pending_review' WHEN 2 THEN 'awarded'
      WHEN 3 THEN 'cancelled' WHEN 4 THEN 'under_review'
      ELSE CASE
        -- 5: the close job has not run yet; 6: nor the open job.
        WHEN t.closes_at <= $6::timestamptz THEN CASE WHEN v.h6 % 20 = 5 THEN 'open' ELSE 'closed' END
        WHEN t.closes_at - interval '30 days' <= $6::timestamptz
          THEN CASE WHEN v.h6 % 20 = 6 THEN 'published' ELSE 'open' END
        ELSE 'published'
      END
    END AS status
  ) AS st
) AS s`;

interface Summary {
  id: string;
  programId: string;
  status: ChallengeStatus;
  regionCode: string;
  totalFen: number;
  closesAt: string;
  publishedAt: string;
}

interface Truth {
  id: string;
  status: ChallengeStatus;
  opens_at: Date;
  closes_at: Date;
  region_code: string;
  total_fen: string;
}

/** The status by the clock, as DOMAIN.md defines it (the test's own reading, not the code's). */
function byClock(r: Truth, now: Date): ChallengeStatus {
  if (r.status !== 'published' && r.status !== 'open') return r.status;
  if (now >= r.closes_at) return 'closed';
  if (now >= r.opens_at) return 'open';
  return 'published';
}

/** The same instant written with the +08:00 offset, as a client in China sends it. */
function beijing(date: Date): string {
  return new Date(date.getTime() + 8 * HOUR).toISOString().replace('Z', '+08:00');
}

const sorted = (ids: Iterable<string>) => [...ids].sort();

describe('challenge search and listing on 100,000 challenges', () => {
  let t: TestApp;
  let issuer: Actor;
  const programs = { main: '', paging: '', filters: '' };
  /** Planted rows, by name. */
  const planted: Record<string, string> = {};
  let codeSeq = 0;

  /** A valid published challenge; `indicatorNames` go into search_text like the service's searchTextOf. */
  function row(
    overrides: QueryDeepPartialEntity<ChallengeEntity> & { indicatorNames?: string[] } = {},
  ): QueryDeepPartialEntity<ChallengeEntity> {
    const { indicatorNames = ['临界电流'], ...fields } = overrides;
    const status = (fields.status as ChallengeStatus | undefined) ?? 'open';
    const unpublished = status === 'draft' || status === 'pending_review';
    const closesAt = (fields.closesAt as Date | undefined) ?? new Date(START.getTime() + 20 * DAY);
    const publishedAt = unpublished
      ? null
      : ((fields.publishedAt as Date | undefined) ?? new Date(START.getTime() - 10 * DAY));
    const r = {
      programId: programs.main,
      code: unpublished ? null : `JB-2027-T${String(++codeSeq).padStart(6, '0')}`,
      title: '面向新材料的储能系统关键技术',
      categoryCode: 'key_technology',
      industryChainCode: 'new_materials',
      issuerOrganizationId: issuer.organizationId,
      regionCode: '360100',
      background: '背景。',
      publicSummary: '研究储能系统的集成，效率提升。',
      expectedOutcomes: [],
      fiscalFen: 10_000_000,
      cofundingFen: 0,
      durationMonths: 24,
      opensAt: new Date(closesAt.getTime() - 30 * DAY),
      eligibility: {
        allowedOrganizationTypes: [],
        regionCodes: [],
        consortiumAllowed: false,
        leaderConcurrencyLimit: null,
      },
      selectionMode: 'single' as const,
      teamCount: 1,
      statusReason: null,
      submittedAt: publishedAt,
      createdBy: issuer.userId,
      createdAt: START,
      updatedAt: START,
      ...fields,
      status,
      closesAt,
      publishedAt,
    };
    return {
      ...r,
      totalFen: (r.fiscalFen as number) + (r.cofundingFen as number),
      searchText: [r.title, r.publicSummary, ...indicatorNames].join('\n'),
    };
  }

  async function insert(...rows: QueryDeepPartialEntity<ChallengeEntity>[]): Promise<string[]> {
    const result = await t.dataSource.getRepository(ChallengeEntity).insert(rows);
    return result.identifiers.map((i) => i.id as string);
  }

  async function page(
    query: Record<string, string | number>,
    cursor: string | null,
  ): Promise<{ items: Summary[]; nextCursor: string | null }> {
    const res = await t.http.get('/api/v1/challenges').query(cursor ? { ...query, cursor } : query);
    if (res.status !== 200) throw new Error(`GET /challenges: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** Every page of a listing, in order; fails on a repeated id. */
  async function collect(query: Record<string, string | number>): Promise<Summary[]> {
    const items: Summary[] = [];
    let cursor: string | null = null;
    do {
      const result = await page({ limit: 100, ...query }, cursor);
      items.push(...result.items);
      cursor = result.nextCursor;
    } while (cursor);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    return items;
  }
  const idsOf = async (query: Record<string, string | number>) =>
    sorted((await collect(query)).map((i) => i.id));

  /** Public challenges whose search_text contains every term, found without LIKE or an index. */
  async function containing(...terms: string[]): Promise<string[]> {
    const conditions = terms.map((_, i) => `strpos(lower(search_text), lower($${i + 1})) > 0`).join(' AND ');
    const rows: Array<{ id: string }> = await t.dataSource.query(
      `SELECT id FROM challenges WHERE published_at IS NOT NULL AND ${conditions}`,
      terms,
    );
    return sorted(rows.map((r) => r.id));
  }

  /** EXPLAIN of exactly the SQL `list` runs: the statement challengeListStatement builds (ADR 0051). */
  async function plan(
    query: Partial<ListChallengesQueryDto>,
    visibility: ChallengeVisibility = { scope: 'public' },
  ): Promise<string> {
    const dto = Object.assign(new ListChallengesQueryDto(), query);
    const statement = challengeListStatement(dto, visibility, t.clock.now());
    const rows: Array<{ 'QUERY PLAN': string }> = await t.dataSource.query(
      `EXPLAIN ${statement.text}`,
      statement.values,
    );
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  /**
   * 100,000 rows in one INSERT … SELECT, on a connection of its own (no statement timeout). The
   * secondary indexes are dropped first and rebuilt after from their own definitions
   * (pg_get_indexdef, so exactly the migration's), two at a time: a bulk build is several times
   * faster than 100,000 GIN insertions.
   */
  async function seed(): Promise<void> {
    const connect = async () => {
      const client = new Client({ connectionString: t.environment.env.DATABASE_URL });
      await client.connect();
      await client.query(`SET statement_timeout = 0; SET maintenance_work_mem = '256MB'`);
      return client;
    };
    const [a, b] = await Promise.all([connect(), connect()]);
    try {
      const { rows: indexes } = await a.query<{ indexname: string; indexdef: string }>(
        `SELECT indexname, indexdef FROM pg_indexes
         WHERE schemaname = 'public' AND tablename = 'challenges'
           AND indexname NOT IN (SELECT conname FROM pg_constraint)`,
      );
      expect(indexes.map((i) => i.indexname)).toEqual(
        expect.arrayContaining(['ix_challenges_search_trgm', 'ix_challenges_search_bigrams']),
      );
      for (const { indexname } of indexes) await a.query(`DROP INDEX "${indexname}"`);
      await a.query(SEED_SQL, [
        programs.main,
        programs.paging,
        programs.filters,
        issuer.organizationId,
        issuer.userId,
        START,
        ROWS,
      ]);
      // The bigram index is the slowest build: one connection for it, the other for the rest.
      const [bigrams, others] = [
        indexes.filter((i) => i.indexname === 'ix_challenges_search_bigrams'),
        indexes.filter((i) => i.indexname !== 'ix_challenges_search_bigrams'),
      ];
      await Promise.all([
        (async () => {
          for (const i of bigrams) await a.query(i.indexdef);
        })(),
        (async () => {
          for (const i of others) await b.query(i.indexdef);
        })(),
      ]);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  }

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    const admin = await createAdmin(t);
    issuer = await registerOrg(t, { role: 'issuer', name: '江西某新材料集团' });
    programs.main = await createProgram(t, admin, { name: '江西省2027年揭榜挂帅（主）' });
    programs.paging = await createProgram(t, admin, { name: '分页' });
    programs.filters = await createProgram(t, admin, { name: '筛选' });
    await seed();

    // 高温超导 in the title, the summary only, or an indicator name only; drafts and confidential
    // details must not be found.
    const now = START.getTime();
    [
      planted.titleOpen,
      planted.titleClosed,
      planted.titlePublished,
      planted.summaryOnly,
      planted.summaryAwarded,
      planted.indicatorOnly,
      planted.draft,
      planted.pending,
      planted.confidentialOnly,
      planted.ybco,
      planted.percent,
      planted.underscore,
    ] = await insert(
      row({ title: '基于高温超导材料的低损耗电缆关键技术' }),
      row({
        title: '基于高温超导材料的故障限流器研制',
        status: 'closed',
        closesAt: new Date(now - 3 * DAY),
      }),
      row({ title: '基于高温超导材料的磁体系统', status: 'published', closesAt: new Date(now + 60 * DAY) }),
      row({ title: '低损耗输电电缆国产化', publicSummary: '研制基于高温超导材料的三相同轴电缆。' }),
      row({
        title: '大科学装置配套技术',
        publicSummary: '采用高温超导带材绕制磁体。',
        status: 'awarded',
        closesAt: new Date(now - 30 * DAY),
      }),
      row({ title: '大容量储能装置关键技术', indicatorNames: ['高温超导线圈临界电流', '储能密度'] }),
      row({ title: '基于高温超导材料的风电机组（草稿）', status: 'draft' }),
      row({ title: '基于高温超导材料的变压器', status: 'pending_review' }),
      row({ title: '面向电网的限流装置' }),
      row({ title: '第二代YBCO超导带材制备' }),
      row({ title: '国产化率100%的高纯氧化铝' }),
      row({ title: 'SiC_MOS驱动芯片研制' }),
    );
    await t.dataSource.query(
      `INSERT INTO challenge_confidential (challenge_id, details, updated_at) VALUES ($1, $2, $3)`,
      [planted.confidentialOnly, '保密：拟采用高温超导限流技术。', START],
    );
    await t.dataSource.query('ANALYZE challenges');
  }, 150_000);

  afterAll(async () => {
    await t?.close();
  });

  afterEach(() => t.clock.set(START));

  describe('Chinese search', () => {
    it('has trigrams of Chinese text (the database ctype is UTF-8)', async () => {
      const [{ trigrams }] = await t.dataSource.query(`SELECT show_trgm($1) AS trigrams`, ['高温超导']);
      expect(trigrams.length).toBeGreaterThan(0);
      const [{ ctype }] = await t.dataSource.query(
        `SELECT datctype AS ctype FROM pg_database WHERE datname = current_database()`,
      );
      expect(ctype).toMatch(/utf-?8/i);
    });

    it('indexes distinct lower-case character pairs, none across whitespace (jb_bigrams)', async () => {
      const cases: Array<[string, string[]]> = [
        ['', []],
        ['超', []],
        ['超导', ['超导']],
        ['Ab c超导超导', ['ab', 'c超', '导超', '超导']],
        ['高温\n超导 带材', ['带材', '超导', '高温']],
      ];
      for (const [text, pairs] of cases) {
        const [{ bigrams }] = await t.dataSource.query(`SELECT jb_bigrams($1) AS bigrams`, [text]);
        expect([...(bigrams as string[])].sort()).toEqual([...pairs].sort());
      }
    });

    it('finds 高温超导 in titles, summaries and indicator names of published challenges, page by page', async () => {
      const expected = sorted([
        planted.titleOpen,
        planted.titleClosed,
        planted.titlePublished,
        planted.summaryOnly,
        planted.summaryAwarded,
        planted.indicatorOnly,
      ]);
      expect(await containing('高温超导')).toEqual(expected);
      const found = await collect({ q: '高温超导', limit: 2 });
      expect(sorted(found.map((i) => i.id))).toEqual(expected);
      // Not a draft, nor a challenge pending review, nor one that says it only in its confidential part.
      expect(found.map((i) => i.id)).not.toContain(planted.draft);
      expect(found.map((i) => i.id)).not.toContain(planted.pending);
      expect(found.map((i) => i.id)).not.toContain(planted.confidentialOnly);
      expect(JSON.stringify(found)).not.toContain('保密');
    });

    it('finds 2-character terms (超导), Latin text case-insensitively, and all words of a query', async () => {
      const superconducting = await containing('超导');
      expect(superconducting).toHaveLength(7);
      expect(await idsOf({ q: '超导' })).toEqual(superconducting);
      expect(await idsOf({ q: 'ybco' })).toEqual([planted.ybco]);
      const both = await containing('超导', '电缆');
      expect(both).toEqual(sorted([planted.titleOpen, planted.summaryOnly]));
      expect(await idsOf({ q: '超导 电缆' })).toEqual(both);
    });

    it('finds a 1-character term (no index of its own: found among the other filters)', async () => {
      const rows: Array<{ id: string }> = await t.dataSource.query(
        `SELECT id FROM challenges WHERE program_id = $1 AND published_at IS NOT NULL AND strpos(search_text, '锂') > 0`,
        [programs.filters],
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(await idsOf({ q: '锂', programId: programs.filters })).toEqual(sorted(rows.map((r) => r.id)));
    });

    it('matches % and _ literally', async () => {
      const [{ wild }] = await t.dataSource.query(
        `SELECT count(*)::int AS wild FROM challenges WHERE search_text LIKE '%100%%'`,
      );
      expect(wild).toBeGreaterThan(1000); // what an unescaped 100% would have found
      expect(await idsOf({ q: '100%' })).toEqual([planted.percent]);
      const [{ any }] = await t.dataSource.query(
        `SELECT count(*)::int AS any FROM challenges WHERE search_text LIKE '%SiC_MOS%'`,
      );
      expect(any).toBeGreaterThan(1000);
      expect(await idsOf({ q: 'SiC_MOS' })).toEqual([planted.underscore]);
    });

    it('answers 3+ characters from the trigram index and 2 from the bigram index', async () => {
      expect(await plan({ q: '高温超导' })).toMatch(/Bitmap Index Scan on ix_challenges_search_trgm/);
      expect(await plan({ q: '超导体' })).toMatch(/Bitmap Index Scan on ix_challenges_search_trgm/);
      expect(await plan({ q: '超导' })).toMatch(/Bitmap Index Scan on ix_challenges_search_bigrams/);
    });
  });

  describe('indexes', () => {
    const closesAt = new Date(START.getTime() + 10 * DAY).toISOString();
    const filters: Array<[string, Partial<ListChallengesQueryDto>]> = [
      ['status=open', { status: ['open'] }],
      ['status=closed', { status: ['closed'] }],
      ['status=published', { status: ['published'] }],
      ['status=open,published', { status: ['open', 'published'] }],
      ['status=awarded', { status: ['awarded'] }],
      ['category', { category: 'enterprise_demand' }],
      ['industryChain', { industryChain: 'aviation' }],
      ['programId', { programId: '' }],
      ['region=360000', { region: '360000' }],
      ['region=360100', { region: '360100' }],
      ['region=110000', { region: '110000' }],
      ['q 4 characters', { q: '高温超导' }],
      ['q 2 characters, rare', { q: '超导' }],
      ['q 2 characters, common', { q: '芯片' }],
      ['q 3 characters, common', { q: '石墨烯' }],
      ['q 1 character', { q: '锂' }],
      ['minTotalFen', { minTotalFen: 40_000_000 }],
      ['maxTotalFen', { maxTotalFen: 5_000_000 }],
      ['closesBefore', { closesBefore: closesAt }],
      ['closesAfter', { closesAfter: closesAt }],
    ];
    const sorts = ['-publishedAt', 'closesAt', '-totalFen'] as const;
    const cases = filters.flatMap(([name, query]) => sorts.map((sort) => [name, sort, query] as const));

    it.each(cases)('%s sorted by %s: no sequential scan', async (_name, sort, query) => {
      const q = query.programId === '' ? { ...query, programId: programs.paging } : query;
      const explained = await plan({ ...q, sort, limit: 20 });
      expect(explained).not.toMatch(/Seq Scan on challenges/);
    });

    it('bounds the closes_at index for open and published challenges, closing soonest first', async () => {
      // Both close in the future; said outside the OR of the two statuses, the planner starts the
      // index at now instead of skipping every closed challenge.
      const explained = await plan({ status: ['open', 'published'], sort: 'closesAt', limit: 20 });
      expect(explained).toMatch(/Index Cond: \(closes_at > /);
    });

    it.each(CHALLENGE_SORTS)(
      'sort %s reads its index in order, on the first page and after a cursor',
      async (sort) => {
        const first = await page({ sort, limit: 20 }, null);
        expect(first.nextCursor).not.toBeNull();
        for (const cursor of [undefined, first.nextCursor as string]) {
          const explained = await plan({ sort, limit: 20, cursor });
          expect(explained).not.toMatch(/Seq Scan on challenges/);
          expect(explained).not.toMatch(/Sort {2}\(cost/); // no sort step: the index gives the order
        }
      },
    );

    it.each(['all', 'organization'] as const)(
      'scope %s, by createdAt or closesAt, reads an index',
      async (scope) => {
        const visibility: ChallengeVisibility =
          scope === 'all' ? { scope } : { scope, organizationId: issuer.organizationId };
        for (const sort of ['-createdAt', 'closesAt'] as const) {
          const explained = await plan({ sort, limit: 20 }, visibility);
          expect(explained).not.toMatch(/Seq Scan on challenges/);
        }
      },
    );
  });

  describe('keyset pages under concurrent inserts', () => {
    const randomInt = (n: number) => Math.floor(Math.random() * n);
    /**
     * `ahead` rows sort after every existing row (they must be seen if committed before the last
     * page was asked for), `behind` rows before the first (never seen: inserted after the first
     * page), `middle` rows anywhere, tying with existing keys.
     */
    const walks = [
      {
        sort: '-publishedAt',
        key: (s: Summary) => Date.parse(s.publishedAt),
        ahead: (k: number) => ({ publishedAt: new Date(START.getTime() - 400 * DAY - k * 60_000) }),
        behind: (k: number) => ({ publishedAt: new Date(START.getTime() + DAY + k * 60_000) }),
        middle: () => ({ publishedAt: new Date(START.getTime() - randomInt(8760) * HOUR) }),
      },
      {
        sort: 'closesAt',
        key: (s: Summary) => Date.parse(s.closesAt),
        ahead: (k: number) => ({ closesAt: new Date(START.getTime() + 200 * DAY + k * 60_000) }),
        behind: (k: number) => ({ closesAt: new Date(START.getTime() - 100 * DAY - k * 60_000) }),
        middle: () => ({ closesAt: new Date(START.getTime() + (randomInt(4320) - 1440) * HOUR) }),
      },
      {
        sort: '-totalFen',
        key: (s: Summary) => s.totalFen,
        ahead: (k: number) => ({ fiscalFen: 900_000 - k * 100, cofundingFen: 0 }),
        behind: (k: number) => ({ fiscalFen: 80_000_000 + k * 100, cofundingFen: 0 }),
        middle: () => ({ fiscalFen: (1 + randomInt(50)) * 1_000_000, cofundingFen: randomInt(4) * 500_000 }),
      },
    ];

    it.each(walks)(
      'sort $sort returns every existing row exactly once, in order',
      async ({ sort, key, ahead, behind, middle }) => {
        const existingRows: Array<{ id: string }> = await t.dataSource.query(
          `SELECT id FROM challenges WHERE program_id = $1 AND published_at IS NOT NULL`,
          [programs.paging],
        );
        const existing = existingRows.map((r) => r.id);
        expect(existing.length).toBeGreaterThan(1000);
        const query = { sort, limit: 100, programId: programs.paging };
        const seen: Summary[] = [];

        let result = await page(query, null);
        seen.push(...result.items);

        const inserted: Array<{ kind: 'ahead' | 'behind' | 'middle'; id: string; committedAt: number }> = [];
        let stop = false;
        let batches = 0;
        /** Resolved by the inserter after each batch: the walk waits on it, not on a timer. */
        const signal: { batchDone?: () => void } = {};
        const inserter = (async () => {
          for (let k = 0; !stop; k++) {
            const ids = await insert(
              row({ programId: programs.paging, ...ahead(k) }),
              row({ programId: programs.paging, ...behind(k) }),
              row({ programId: programs.paging, ...middle() }),
            );
            const committedAt = performance.now();
            inserted.push(
              { kind: 'ahead', id: ids[0], committedAt },
              { kind: 'behind', id: ids[1], committedAt },
              { kind: 'middle', id: ids[2], committedAt },
            );
            batches++;
            signal.batchDone?.();
          }
        })();

        let lastAskedAt = 0;
        try {
          while (result.nextCursor) {
            // At least one batch lands between any two pages.
            const wanted = batches + 1;
            while (batches < wanted) await new Promise<void>((resolve) => (signal.batchDone = resolve));
            lastAskedAt = performance.now();
            result = await page(query, result.nextCursor);
            seen.push(...result.items);
          }
        } finally {
          stop = true;
          await inserter;
        }

        const ids = seen.map((s) => s.id);
        expect(new Set(ids).size).toBe(ids.length);
        const seenIds = new Set(ids);
        expect(existing.filter((id) => !seenIds.has(id))).toEqual([]);
        expect(seen.every((s) => s.programId === programs.paging)).toBe(true);

        // In order by (key, id), across pages too.
        const descending = sort.startsWith('-');
        for (let i = 1; i < seen.length; i++) {
          const [a, b] = [seen[i - 1], seen[i]];
          const order = key(a) === key(b) ? (a.id < b.id ? -1 : 1) : key(a) < key(b) ? -1 : 1;
          expect(descending ? -order : order).toBe(-1);
        }

        expect(batches).toBeGreaterThanOrEqual(10);
        const aheadBeforeLast = inserted.filter((r) => r.kind === 'ahead' && r.committedAt < lastAskedAt);
        expect(aheadBeforeLast.length).toBeGreaterThan(0);
        expect(aheadBeforeLast.filter((r) => !seenIds.has(r.id))).toEqual([]);
        expect(inserted.filter((r) => r.kind === 'behind' && seenIds.has(r.id))).toEqual([]);
      },
    );
  });

  describe('filters', () => {
    let truth: Truth[];
    beforeAll(async () => {
      // Stored statuses that the clock has overtaken (the jobs have not run), to the millisecond.
      const now = START.getTime();
      await insert(
        row({ programId: programs.filters, status: 'published', closesAt: new Date(now - HOUR) }),
        row({ programId: programs.filters, status: 'open', closesAt: new Date(now - 1) }),
        row({
          programId: programs.filters,
          status: 'published',
          opensAt: new Date(now - 1),
          closesAt: new Date(now + DAY),
        }),
        row({ programId: programs.filters, status: 'open', closesAt: new Date(now + 1) }),
        row({ programId: programs.filters, status: 'published', closesAt: new Date(now + 40 * DAY) }),
      );
      truth = await t.dataSource.query(
        `SELECT id, status, opens_at, closes_at, region_code, total_fen FROM challenges
         WHERE program_id = $1 AND published_at IS NOT NULL`,
        [programs.filters],
      );
      expect(truth.length).toBeGreaterThan(300);
    });

    const expectIds = async (query: Record<string, string | number>, predicate: (r: Truth) => boolean) => {
      const expected = sorted(truth.filter(predicate).map((r) => r.id));
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(truth.length);
      expect(await idsOf({ programId: programs.filters, ...query })).toEqual(expected);
    };

    it('region: a province matches its cities and districts, a city its districts', async () => {
      const regions = new Set(truth.map((r) => r.region_code));
      expect([...regions].sort()).toEqual([
        '110000',
        '360100',
        '360102',
        '360200',
        '360400',
        '361000',
        '440300',
      ]);
      await expectIds({ region: '360000' }, (r) => r.region_code.startsWith('36'));
      await expectIds({ region: '360100' }, (r) => ['360100', '360102'].includes(r.region_code));
      await expectIds({ region: '360102' }, (r) => r.region_code === '360102');
      await expectIds({ region: '110000' }, (r) => r.region_code === '110000');
    });

    it('minTotalFen and maxTotalFen are inclusive', async () => {
      const totals = [...new Set(truth.map((r) => Number(r.total_fen)))].sort((a, b) => a - b);
      const x = totals[Math.floor(totals.length / 2)];
      expect(truth.filter((r) => Number(r.total_fen) === x).length).toBeGreaterThan(0);
      await expectIds({ minTotalFen: x }, (r) => Number(r.total_fen) >= x);
      await expectIds({ maxTotalFen: x }, (r) => Number(r.total_fen) <= x);
      await expectIds({ minTotalFen: x, maxTotalFen: x }, (r) => Number(r.total_fen) === x);
    });

    it('closesBefore is exclusive, closesAfter inclusive; offsets are honoured', async () => {
      const times = truth.map((r) => r.closes_at.getTime()).sort((a, b) => a - b);
      const at = new Date(times[Math.floor(times.length / 2)]);
      expect(truth.filter((r) => r.closes_at.getTime() === at.getTime()).length).toBeGreaterThan(0);
      await expectIds({ closesBefore: beijing(at) }, (r) => r.closes_at < at);
      await expectIds({ closesAfter: beijing(at) }, (r) => r.closes_at >= at);
      const later = new Date(at.getTime() + 7 * DAY);
      await expectIds(
        { closesAfter: beijing(at), closesBefore: later.toISOString() },
        (r) => r.closes_at >= at && r.closes_at < later,
      );
    });

    it('status is by the clock: a published challenge past closesAt is closed, one past opensAt is open', async () => {
      for (const moment of [START, new Date(START.getTime() + 45 * DAY)]) {
        t.clock.set(moment);
        for (const status of ['open', 'closed', 'published', 'awarded'] as const) {
          await expectIds({ status }, (r) => byClock(r, moment) === status);
        }
        await expectIds({ status: 'open,published' }, (r) =>
          ['open', 'published'].includes(byClock(r, moment)),
        );
        const listed = await collect({ programId: programs.filters });
        const byId = new Map(truth.map((r) => [r.id, r]));
        expect(listed.filter((s) => s.status !== byClock(byId.get(s.id) as Truth, moment))).toEqual([]);
      }
    });
  });
});
