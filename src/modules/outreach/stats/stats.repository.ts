import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { SUBMITTED_STATUSES } from '../../call/applications/application-status';
import { APPLICATIONS_CLOSED_STATUSES } from './stats-rules';

export interface StatsScope {
  programId?: string;
  year?: number;
}

/** A row of the GROUPING SETS query: one grouping (`set`), its key, count and sums (numeric as text). */
export interface GroupRow {
  set: 'all' | 'category' | 'industry_chain' | 'region' | 'status';
  key: string | null;
  n: number;
  total_fen: string | null;
  fiscal_fen: string | null;
  cofunding_fen: string | null;
}

export interface ApplicationCountsRow {
  lists: number;
  bids: string;
  /** Challenges per bucket, in APPLICATION_BUCKETS order. */
  buckets: number[];
}

export interface TermRow {
  code: string;
  name_zh: string;
  name_en: string;
  sort_order: number;
}

/**
 * The aggregate queries of the statistics (ADR 0032), each one pass over the published challenges in
 * scope: `c.published_at IS NOT NULL` (drafts, challenges under vetting and challenges withdrawn or cancelled
 * before publication never count), plus the program or year filter on ix_challenges_program.
 */
@Injectable()
export class StatsRepository {
  constructor(private readonly dataSource: DataSource) {}

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
