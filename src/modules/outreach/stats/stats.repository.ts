import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { SUBMITTED_STATUSES } from '../../call/applications/application-status';
import type { StatsFigures, StatsSnapshot } from './stats-figures';
import type { ApplicationCountsRow, GroupRow, StatsScope, TermRow } from './stats-overview';
import { APPLICATIONS_CLOSED_STATUSES } from './stats-rules';

/** One refresh at a time across every API and worker process (pg_advisory_xact_lock). */
const REFRESH_LOCK = 'jiebang:stats-snapshot-refresh';

/** The freshness stamp of the stored snapshot, without its figures. */
export interface SnapshotStamp {
  version: string;
  computedAt: Date;
}

/**
 * The aggregate queries of the statistics (ADR 0032), each one pass over the published challenges in
 * scope: `c.published_at IS NOT NULL` (drafts, challenges under vetting and challenges withdrawn or cancelled
 * before publication never count), plus the program or year filter on ix_challenges_program.
 */
@Injectable()
export class StatsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Outside any transaction (the served path's program check). */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** Runs `fn` in one read-only REPEATABLE READ transaction, so every figure is of the same snapshot. */
  snapshot<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', async (em) => {
      await em.query('SET TRANSACTION READ ONLY');
      return fn(em);
    });
  }

  async programExists(em: EntityManager, programId: string): Promise<boolean> {
    const rows = await em.query<unknown[]>(`SELECT 1 FROM programs WHERE id = $1`, [programId]);
    return rows.length > 0;
  }

  /**
   * Counts and sums per category, industry chain, region and status (by the clock, as
   * effectiveStatus computes it), and over all, in one scan with GROUPING SETS.
   */
  async groups(em: EntityManager, scope: StatsScope, now: Date): Promise<GroupRow[]> {
    const { where, params } = scopeOf(scope, [now]);
    return em.query<GroupRow[]>(
      `WITH l AS (
         SELECT c.category_code, c.industry_chain_code, c.region_code, c.total_fen, c.fiscal_fen, c.cofunding_fen,
           CASE
             WHEN c.status IN ('published', 'open') AND c.closes_at <= $1 THEN 'closed'
             WHEN c.status = 'published' AND c.opens_at <= $1 THEN 'open'
             ELSE c.status::text
           END AS status
         FROM challenges c
         WHERE ${where}
       )
       SELECT
         CASE GROUPING(category_code, industry_chain_code, region_code, status)
           WHEN 7 THEN 'category' WHEN 11 THEN 'industry_chain' WHEN 13 THEN 'region' WHEN 14 THEN 'status'
           ELSE 'all'
         END AS set,
         COALESCE(category_code, industry_chain_code, region_code, status) AS key,
         count(*)::int AS n,
         sum(total_fen)::text AS total_fen,
         sum(fiscal_fen)::text AS fiscal_fen,
         sum(cofunding_fen)::text AS cofunding_fen
       FROM l
       GROUP BY GROUPING SETS ((), (category_code), (industry_chain_code), (region_code), (status))`,
      params,
    );
  }

  /**
   * Applications per challenge over the challenges whose application window has closed (by the clock): application counts
   * are public only then (as GET /challenges/{id} shows them). Applications: submitted, not withdrawn,
   * counted once per challenge on ix_applications_challenge (a LATERAL join: a scalar subquery would be
   * run again for every FILTER that reads it — 7× the work, measured).
   */
  async applicationCounts(em: EntityManager, scope: StatsScope, now: Date): Promise<ApplicationCountsRow> {
    const { where, params } = scopeOf(scope, [now, APPLICATIONS_CLOSED_STATUSES, SUBMITTED_STATUSES]);
    const [row] = await em.query<
      Array<{
        lists: number;
        bids: string;
        b0: number;
        b1: number;
        b2: number;
        b3: number;
        b6: number;
        b11: number;
      }>
    >(
      `SELECT count(*)::int AS lists, COALESCE(sum(x.n), 0)::text AS bids,
         count(*) FILTER (WHERE x.n = 0)::int AS b0,
         count(*) FILTER (WHERE x.n = 1)::int AS b1,
         count(*) FILTER (WHERE x.n = 2)::int AS b2,
         count(*) FILTER (WHERE x.n BETWEEN 3 AND 5)::int AS b3,
         count(*) FILTER (WHERE x.n BETWEEN 6 AND 10)::int AS b6,
         count(*) FILTER (WHERE x.n >= 11)::int AS b11
       FROM challenges c
       CROSS JOIN LATERAL (
         SELECT count(*) AS n FROM applications a
         WHERE a.challenge_id = c.id AND a.status = ANY($3::application_status[])
       ) x
       WHERE ${where}
         AND (c.status = ANY($2::challenge_status[])
              OR (c.status IN ('published', 'open') AND c.closes_at <= $1))`,
      params,
    );
    return {
      lists: row.lists,
      bids: row.bids,
      buckets: [row.b0, row.b1, row.b2, row.b3, row.b6, row.b11],
    };
  }

  /** Final acceptance decisions of the projects of the challenges in scope. */
  async acceptances(em: EntityManager, scope: StatsScope): Promise<{ passed: number; failed: number }> {
    const { where, params } = scopeOf(scope, []);
    const [row] = await em.query<Array<{ passed: number; failed: number }>>(
      `SELECT count(*) FILTER (WHERE a.status = 'passed')::int AS passed,
              count(*) FILTER (WHERE a.status = 'failed')::int AS failed
       FROM acceptances a
       JOIN projects p ON p.id = a.project_id
       JOIN challenges c ON c.id = p.challenge_id
       WHERE ${where} AND a.status IN ('passed', 'failed')`,
      params,
    );
    return row;
  }

  /** The stored snapshot's stamp (one primary-key read), or null before the first refresh. */
  async stamp(): Promise<SnapshotStamp | null> {
    const [row] = await this.dataSource.query<Array<{ version: string; computed_at: Date }>>(
      `SELECT version::text AS version, computed_at FROM stats_snapshots WHERE id = 1`,
    );
    return row ? { version: row.version, computedAt: row.computed_at } : null;
  }

  /** The stored snapshot with its figures, or null before the first refresh. */
  async load(): Promise<StatsSnapshot | null> {
    const [row] = await this.dataSource.query<
      Array<{ version: string; computed_at: Date; figures: StatsFigures }>
    >(`SELECT version::text AS version, computed_at, figures FROM stats_snapshots WHERE id = 1`);
    return row ? { version: row.version, computedAt: row.computed_at, figures: row.figures } : null;
  }

  /**
   * Refreshes the stored snapshot unless it is `fresh` by the clock read once the refresh lock is
   * held: whoever waited for another process's refresh finds it done and computes nothing. The
   * figures are computed and stored by one statement, so they are of one snapshot of the data (READ
   * COMMITTED: the statement sees everything committed before it, including a refresh it waited for).
   */
  refresh(
    now: () => Date,
    fresh: (stamp: SnapshotStamp, now: Date) => boolean,
  ): Promise<SnapshotStamp & { refreshed: boolean }> {
    return this.dataSource.transaction('READ COMMITTED', async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [REFRESH_LOCK]);
      const at = now();
      const [current] = await em.query<Array<{ version: string; computed_at: Date }>>(
        `SELECT version::text AS version, computed_at FROM stats_snapshots WHERE id = 1`,
      );
      if (current && fresh({ version: current.version, computedAt: current.computed_at }, at)) {
        return { version: current.version, computedAt: current.computed_at, refreshed: false };
      }
      const [row] = await em.query<Array<{ version: string; computed_at: Date }>>(REFRESH, [
        at,
        APPLICATIONS_CLOSED_STATUSES,
        SUBMITTED_STATUSES,
      ]);
      return { version: row.version, computedAt: row.computed_at, refreshed: true };
    });
  }

  async terms(em: EntityManager, table: 'categories' | 'industry_chains'): Promise<TermRow[]> {
    return em.query<TermRow[]>(`SELECT code, name_zh, name_en, sort_order FROM ${table}`);
  }
}

/** The WHERE of the challenges in scope, its parameters numbered after `leading`. */
function scopeOf(scope: StatsScope, leading: unknown[]): { where: string; params: unknown[] } {
  const params = [...leading];
  const conditions = ['c.published_at IS NOT NULL'];
  if (scope.programId !== undefined) {
    params.push(scope.programId);
    conditions.push(`c.program_id = $${params.length}`);
  }
  if (scope.year !== undefined) {
    params.push(scope.year);
    conditions.push(`c.program_id IN (SELECT id FROM programs WHERE year = $${params.length})`);
  }
  return { where: conditions.join(' AND '), params };
}

/**
 * The stored figures (StatsFigures), per program, by the same definitions as the live queries above
 * ($1 the clock, $2 APPLICATIONS_CLOSED_STATUSES, $3 SUBMITTED_STATUSES), computed and stored in one
 * statement. Applications are counted per challenge by one pass over them (a hash join), not a
 * lookup per challenge.
 */
const REFRESH = `
  WITH l AS (
    SELECT c.id, c.program_id, c.category_code, c.industry_chain_code, c.region_code,
      c.total_fen, c.fiscal_fen, c.cofunding_fen,
      (c.status = ANY($2::challenge_status[])
        OR (c.status IN ('published', 'open') AND c.closes_at <= $1::timestamptz)) AS applications_closed,
      CASE
        WHEN c.status IN ('published', 'open') AND c.closes_at <= $1::timestamptz THEN 'closed'
        WHEN c.status = 'published' AND c.opens_at <= $1::timestamptz THEN 'open'
        ELSE c.status::text
      END AS status
    FROM challenges c
    WHERE c.published_at IS NOT NULL
  ),
  groups AS (
    SELECT program_id AS p,
      CASE GROUPING(category_code, industry_chain_code, region_code, status)
        WHEN 7 THEN 'category' WHEN 11 THEN 'industry_chain' WHEN 13 THEN 'region' WHEN 14 THEN 'status'
        ELSE 'all'
      END AS dim,
      COALESCE(category_code, industry_chain_code, region_code, status) AS key,
      count(*)::int AS n,
      sum(total_fen)::text AS t,
      sum(fiscal_fen)::text AS f,
      sum(cofunding_fen)::text AS c
    FROM l
    GROUP BY GROUPING SETS ((program_id), (program_id, category_code), (program_id, industry_chain_code),
                            (program_id, region_code), (program_id, status))
  ),
  submitted AS (
    SELECT a.challenge_id, count(*)::int AS n
    FROM applications a
    WHERE a.status = ANY($3::application_status[])
    GROUP BY a.challenge_id
  ),
  per_count AS (
    SELECT l.program_id AS p, COALESCE(s.n, 0) AS k, count(*)::int AS n
    FROM l LEFT JOIN submitted s ON s.challenge_id = l.id
    WHERE l.applications_closed
    GROUP BY 1, 2
  ),
  decided AS (
    SELECT c.program_id AS p,
      count(*) FILTER (WHERE a.status = 'passed')::int AS passed,
      count(*) FILTER (WHERE a.status = 'failed')::int AS failed
    FROM acceptances a
    JOIN projects pr ON pr.id = a.project_id
    JOIN challenges c ON c.id = pr.challenge_id
    WHERE c.published_at IS NOT NULL AND a.status IN ('passed', 'failed')
    GROUP BY 1
  )
  INSERT INTO stats_snapshots (id, version, computed_at, figures)
  SELECT 1, 1, $1::timestamptz, jsonb_build_object(
    'programs', COALESCE((SELECT jsonb_agg(jsonb_build_array(id, year)) FROM programs), '[]'::jsonb),
    'groups', COALESCE((SELECT jsonb_agg(g) FROM groups g), '[]'::jsonb),
    'applications', COALESCE((SELECT jsonb_agg(x) FROM per_count x), '[]'::jsonb),
    'acceptances', COALESCE((SELECT jsonb_agg(x) FROM decided x), '[]'::jsonb),
    'categories', COALESCE((SELECT jsonb_agg(t) FROM (SELECT code, name_zh, name_en, sort_order FROM categories) t), '[]'::jsonb),
    'chains', COALESCE((SELECT jsonb_agg(t) FROM (SELECT code, name_zh, name_en, sort_order FROM industry_chains) t), '[]'::jsonb)
  )
  ON CONFLICT (id) DO UPDATE
    SET version = stats_snapshots.version + 1, computed_at = EXCLUDED.computed_at, figures = EXCLUDED.figures
  RETURNING version::text AS version, computed_at`;
