import { Injectable } from '@nestjs/common';
import { ReadReplicas } from '../../../infra/database/read-replicas';
import { DataSource, EntityManager } from 'typeorm';
import { PUBLIC_NEED_STATUSES } from '../../transfer/needs/needs-status';
import type { FunnelRow, FunnelStepName } from './transfer-funnel';

/** The filters of GET /stats/transfer, validated: dates are Asia/Shanghai calendar days, inclusive. */
export interface TransferScope {
  industryChainCode?: string;
  regionCode?: string;
  from?: string;
  to?: string;
}

/** The SQL conditions and parameters of a scope over one table's chain, region and time columns. */
function where(
  scope: TransferScope,
  columns: { chain: string; region: string | null; at: string },
  params: unknown[] = [],
): { sql: string; params: unknown[] } {
  const conditions: string[] = [];
  const add = (value: unknown) => `$${params.push(value)}`;
  if (scope.industryChainCode !== undefined)
    conditions.push(`${columns.chain} = ${add(scope.industryChainCode)}`);
  if (scope.regionCode !== undefined && columns.region)
    conditions.push(`${columns.region} = ${add(scope.regionCode)}`);
  if (scope.from !== undefined)
    conditions.push(`${columns.at} >= (${add(scope.from)}::date)::timestamp AT TIME ZONE 'Asia/Shanghai'`);
  if (scope.to !== undefined)
    conditions.push(`${columns.at} < (${add(scope.to)}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'`);
  return { sql: conditions.length ? conditions.join(' AND ') : 'TRUE', params };
}

const DAYS = (later: string, earlier: string) => `extract(epoch FROM (${later} - ${earlier})) / 86400`;

/**
 * The funnel (ADR 0062) in one statement: the needs filed in the scope are the roots; each later
 * object joins its predecessor once (a contract linked to a root need and to a result of the chain
 * is kept once, through its result), carrying the root's chain and region and the days since the
 * predecessor event; then counts, medians and means per step for everything, per chain, per region.
 */
const FUNNEL_SQL = (scopeSql: string) => `
  WITH root AS (
    -- root: the needs of the scope; in_<step>: the objects of each later step, once each
    SELECT n.id, n.industry_chain_code AS chain, n.region_code AS region, n.created_at, n.refined_at
    FROM needs n WHERE ${scopeSql}
  ), in_listed AS (
    SELECT c.id, r.chain, r.region, c.published_at, ${DAYS('c.published_at', 'r.refined_at')} AS days
    FROM challenges c JOIN root r ON c.need_id = r.id
    WHERE c.published_at IS NOT NULL
  ), in_projects AS (
    SELECT p.id, l.chain, l.region, p.created_at, ${DAYS('p.created_at', 'l.published_at')} AS days
    FROM projects p JOIN in_listed l ON p.challenge_id = l.id
  ), in_results AS (
    SELECT x.id, p.chain, p.region, x.published_at, ${DAYS('x.published_at', 'p.created_at')} AS days
    FROM results x JOIN in_projects p ON x.project_id = p.id
    WHERE x.status = 'published'
  ), in_contracts AS (
    SELECT DISTINCT ON (id) id, chain, region, days FROM (
      SELECT tc.id, x.chain, x.region, ${DAYS('tc.registered_at', 'x.published_at')} AS days, 0 AS preference
      FROM technology_contracts tc JOIN in_results x ON tc.result_id = x.id
      WHERE tc.status = 'registered'
      UNION ALL
      SELECT tc.id, r.chain, r.region, ${DAYS('tc.registered_at', 'r.refined_at')} AS days, 1 AS preference
      FROM technology_contracts tc JOIN root r ON tc.need_id = r.id
      WHERE tc.status = 'registered'
    ) linked ORDER BY id, preference
  ), events AS (
    SELECT 'filed' AS step, chain, region, NULL::double precision AS days FROM root
    UNION ALL SELECT 'refined', chain, region, ${DAYS('refined_at', 'created_at')} FROM root WHERE refined_at IS NOT NULL
    UNION ALL SELECT 'listed', chain, region, days FROM in_listed
    UNION ALL SELECT 'projects', chain, region, days FROM in_projects
    UNION ALL SELECT 'results', chain, region, days FROM in_results
    UNION ALL SELECT 'contracts', chain, region, days FROM in_contracts
  )
  SELECT step, grouping(chain) AS g_chain, grouping(region) AS g_region, chain, region,
         count(*)::int AS count,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median, avg(days)::double precision AS mean
  FROM events
  GROUP BY GROUPING SETS ((step), (step, chain), (step, region))`;

interface FunnelSqlRow {
  step: FunnelStepName;
  g_chain: number;
  g_region: number;
  chain: string | null;
  region: string | null;
  count: number;
  median: number | null;
  mean: number | null;
}

/** Live reads of the public transfer figures (GET /stats/transfer, ADR 0062): GROUP BY in PostgreSQL. */
@Injectable()
export class TransferStatsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly replicas: ReadReplicas,
  ) {}

  /**
   * Runs `fn` in one read-only REPEATABLE READ transaction: every figure is from one snapshot.
   * On a read replica within its staleness bound when there is one (ADR 0065).
   */
  snapshot<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.replicas.snapshot(fn);
  }

  async chainExists(code: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(`SELECT 1 FROM industry_chains WHERE code = $1`, [
      code,
    ]);
    return rows.length > 0;
  }

  async funnel(em: EntityManager, scope: TransferScope): Promise<FunnelRow[]> {
    const filter = where(scope, {
      chain: 'n.industry_chain_code',
      region: 'n.region_code',
      at: 'n.created_at',
    });
    const rows = await em.query<FunnelSqlRow[]>(FUNNEL_SQL(filter.sql), filter.params);
    return rows.map((r) => {
      const grouping = r.g_chain === 0 ? 'chain' : r.g_region === 0 ? 'region' : 'all';
      return {
        step: r.step,
        grouping,
        key: grouping === 'chain' ? r.chain : grouping === 'region' ? r.region : null,
        count: r.count,
        median: r.median,
        mean: r.mean,
      };
    });
  }

  /** Public needs filed in the scope, by status, chain and region (no organization, nothing confidential). */
  async needs(em: EntityManager, scope: TransferScope): Promise<Grouped<'status' | 'chain' | 'region'>> {
    const filter = where(scope, { chain: 'industry_chain_code', region: 'region_code', at: 'created_at' }, [
      PUBLIC_NEED_STATUSES,
    ]);
    return grouped(
      em,
      { status: 'status::text', chain: 'industry_chain_code', region: 'region_code' },
      'count(*)::int AS count',
      `FROM needs WHERE status::text = ANY($1::text[]) AND ${filter.sql}`,
      filter.params,
    );
  }

  /** Published results (by publication; region: the holder organization's), by type, chain and verified TRL. */
  async results(em: EntityManager, scope: TransferScope): Promise<Grouped<'type' | 'chain' | 'trl'>> {
    const filter = where(scope, {
      chain: 'x.industry_chain_code',
      region: 'o.region_code',
      at: 'x.published_at',
    });
    return grouped(
      em,
      { type: 'x.type', chain: 'x.industry_chain_code', trl: `coalesce(x.verified_trl::text, 'none')` },
      'count(*)::int AS count',
      `FROM results x JOIN organizations o ON o.id = x.organization_id
       WHERE x.status = 'published' AND ${filter.sql}`,
      filter.params,
    );
  }

  /** Registered contracts (by registration): count and sums in fen, by type, chain and region. */
  async contracts(em: EntityManager, scope: TransferScope): Promise<Grouped<'type' | 'chain' | 'region'>> {
    const filter = where(scope, { chain: 'industry_chain_code', region: 'region_code', at: 'registered_at' });
    return grouped(
      em,
      { type: 'type', chain: 'industry_chain_code', region: 'region_code' },
      `count(*)::int AS count, coalesce(sum(contract_amount_fen), 0)::text AS contract_fen,
       coalesce(sum(technology_transaction_amount_fen), 0)::text AS transaction_fen`,
      `FROM technology_contracts WHERE status = 'registered' AND ${filter.sql}`,
      filter.params,
    );
  }
}

/** A grouped figure: the key, the count, and for contracts the sums in fen (text: bigint). */
export interface GroupRow {
  key: string;
  count: number;
  contract_fen?: string;
  transaction_fen?: string;
}

/** The rows of every grouping (by key name, ordered by key) and of the whole scope (key 'all'). */
export interface Grouped<K extends string> {
  by: Record<K, GroupRow[]>;
  total: GroupRow;
}

const figure = (r: GroupRow, key: string): GroupRow => ({
  key,
  count: r.count,
  contract_fen: r.contract_fen,
  transaction_fen: r.transaction_fen,
});

/** One statement: GROUPING SETS of each key expression and of everything; `grouping()` tells them apart. */
async function grouped<K extends string>(
  em: EntityManager,
  keys: Record<K, string>,
  figures: string,
  fromWhere: string,
  params: unknown[],
): Promise<Grouped<K>> {
  const names = Object.keys(keys) as K[];
  const exprs = names.map((n) => keys[n]);
  const rows = await em.query<Array<GroupRow & { g: number; k: string[] }>>(
    `SELECT grouping(${exprs.join(', ')})::int AS g, ARRAY[${exprs.map((e) => `${e}::text`).join(', ')}] AS k, ${figures}
     ${fromWhere}
     GROUP BY GROUPING SETS ((), ${exprs.map((e) => `(${e})`).join(', ')})`,
    params,
  );
  const by = {} as Record<K, GroupRow[]>;
  const all = (1 << names.length) - 1;
  names.forEach((name, i) => {
    // grouping() sets bit (n - 1 - i) for each expression not grouped: the row of key i has only its bit clear.
    const mask = all & ~(1 << (names.length - 1 - i));
    by[name] = rows
      .filter((r) => r.g === mask)
      .map((r) => figure(r, r.k[i]))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  });
  // The empty grouping set answers one row even when nothing matches (count 0, sums coalesced).
  const total = rows.find((r) => r.g === all) ?? { key: 'all', count: 0 };
  return { by, total: figure(total, 'all') };
}
