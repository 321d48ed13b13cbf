import { DataSource } from 'typeorm';

/** How many challenges the bench seeds (BENCH_CHALLENGES): 100,000 by default, as issue 17 measures. */
export const CHALLENGES = Number(process.env.BENCH_CHALLENGES ?? 100_000);

/** The clock of the challenge cases: the seed's times are relative to it. */
export const NOW = new Date('2027-03-01T02:00:00.000Z');

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
 * `count` challenges (BENCH_CHALLENGES, default 100,000) in one statement. The secondary indexes are dropped first and rebuilt from
 * their own definitions after (faster than as many GIN insertions), then VACUUM ANALYZE, so the
 * GIN indexes have no pending list and the planner has statistics.
 */
export async function seedChallenges(
  dataSource: DataSource,
  count = CHALLENGES,
  /** The time the seed's times are relative to (the search cases' clock; the HTTP bench's real now). */
  now: Date = NOW,
): Promise<void> {
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
  await dataSource.query(CHALLENGE_SEED_SQL, [program.id, org.id, user.id, now, count]);
  for (const { indexdef } of indexes) await dataSource.query(indexdef);
  await dataSource.query('VACUUM ANALYZE challenges');
}
