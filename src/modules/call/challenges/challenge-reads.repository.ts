import { decodeCursor, DEFAULT_LIMIT } from '../../../common/pagination/pagination';
import { DomainError } from '../../../common/errors/domain-error';
import type { Statement } from '../../../infra/database/pg-query';
import { ChallengeStatus } from './challenge-status';
import type { ListChallengesQueryDto } from './dto/list-challenges.query';

/**
 * The hot reads of challenges as SQL text and parameters, built by pure functions (ADR 0051): the
 * list and the detail are one statement each, and the bench's raw baseline sends byte-identical SQL
 * by calling the same builders. Rows are read with pg (pgQuery) and mapped by challenge-reads.rows.ts.
 * A repository of statements rather than of a connection (it reads other modules' tables, which only
 * repositories may).
 */

/**
 * The application statuses that do not count as submitted (a draft, or a withdrawn application); every
 * other status does: the applications module's SUBMITTED_STATUSES, pinned to this challenge by
 * application-status.spec.ts. Named here rather than imported because applications depend on
 * challenges and never the other way round.
 */
export const UNSUBMITTED_APPLICATION_STATUSES = ['draft', 'withdrawn'] as const;

/** Which challenges a listing may return. */
export type ChallengeVisibility =
  { scope: 'public' } | { scope: 'organization'; organizationId: string } | { scope: 'all' };

/** `%`, `_` and `\` are LIKE wildcards or the escape: a search term means itself. */
export function likeContains(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** 360000 → '36' (province), 360100 → '3601' (city), 360102 → '360102' (district). */
export function regionPrefix(region: string): string {
  if (region.endsWith('0000')) return region.slice(0, 2);
  if (region.endsWith('00')) return region.slice(0, 4);
  return region;
}

/** Words of a query, at most five: Chinese needs no spaces, but "超导 带材" asks for both. */
export function searchTerms(q: string): string[] {
  return [...new Set(q.split(/\s+/).filter(Boolean))].slice(0, 5);
}

/** Positional parameters: `add(value)` appends the value and answers its placeholder. */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * How each effective status (challenge-status.ts) reads in SQL at the time `now`. Published and
 * open challenges whose deadline passed count as open or closed by the clock, not by the stored status.
 */
const STATUS_SQL: Partial<Record<ChallengeStatus, (now: string) => string>> = {
  published: (now) => `(c.status = 'published' AND c.opens_at > ${now})`,
  open: (now) => `(c.status IN ('published', 'open') AND c.opens_at <= ${now} AND c.closes_at > ${now})`,
  closed: (now) => `(c.status = 'closed' OR (c.status IN ('published', 'open') AND c.closes_at <= ${now}))`,
};

/** A sort key: its column, the row field the next cursor reads, and the cast of the cursor's value. */
export interface SortKey {
  column: string;
  field: 'published_at' | 'closes_at' | 'total_fen' | 'created_at';
  cast: 'timestamptz' | 'bigint';
}

const SORT_KEYS: Record<string, SortKey> = {
  publishedAt: { column: 'published_at', field: 'published_at', cast: 'timestamptz' },
  closesAt: { column: 'closes_at', field: 'closes_at', cast: 'timestamptz' },
  totalFen: { column: 'total_fen', field: 'total_fen', cast: 'bigint' },
  createdAt: { column: 'created_at', field: 'created_at', cast: 'timestamptz' },
};

/** The columns of a listing row (ChallengeSummaryDto), in the order of the answer. */
const SUMMARY_COLUMNS = [
  'id',
  'code',
  'program_id',
  'title',
  'category_code',
  'industry_chain_code',
  'issuer_organization_id',
  'region_code',
  'public_summary',
  'total_fen',
  'fiscal_fen',
  'cofunding_fen',
  'opens_at',
  'closes_at',
  'selection_mode',
  'team_count',
  'status',
  'published_at',
  'version',
] as const;

/** The listing statement with what the page needs to know about it. */
export interface ListStatement extends Statement {
  /** The page size asked for; the statement fetches one row more, to know whether there is a next page. */
  limit: number;
  sort: SortKey;
}

/** The conditions of a listing (without the cursor), for the statement and for EXPLAINs of it. */
export function listConditions(
  query: ListChallengesQueryDto,
  visibility: ChallengeVisibility,
  now: Date,
  params: { add(value: unknown): string },
  /** Where the search conditions go when kept apart (the statement's window); else with the rest. */
  search?: string[],
): string[] {
  const where: string[] = [];
  const terms = search ?? where;
  if (visibility.scope === 'public') where.push('c.published_at IS NOT NULL');
  if (visibility.scope === 'organization') {
    where.push(`c.issuer_organization_id = ${params.add(visibility.organizationId)}`);
  }
  if (query.status?.length) {
    // The time as one parameter, added only where a condition reads it (an unused one has no type).
    let placeholder: string | undefined;
    const at = (): string => (placeholder ??= params.add(now));
    const stored = query.status.filter((s) => !STATUS_SQL[s]);
    const parts = query.status.flatMap((s) => {
      const sql = STATUS_SQL[s];
      return sql ? [sql(at())] : [];
    });
    if (stored.length) parts.push(`c.status = ANY(${params.add(stored)}::challenge_status[])`);
    where.push(`(${parts.join(' OR ')})`);
    // Published and open challenges close in the future (closes_at > opens_at). Said on its own, it
    // bounds the closes_at index: "open,published, closing soonest" then skips no closed challenge
    // (inside the OR it could not: 34 ms at 100,000 challenges, growing with every closed one).
    if (query.status.every((s) => s === 'published' || s === 'open')) where.push(`c.closes_at > ${at()}`);
  }
  if (query.category) where.push(`c.category_code = ${params.add(query.category)}`);
  if (query.industryChain) where.push(`c.industry_chain_code = ${params.add(query.industryChain)}`);
  if (query.programId) where.push(`c.program_id = ${params.add(query.programId)}`);
  if (query.region) where.push(`c.region_code LIKE ${params.add(`${regionPrefix(query.region)}%`)}`);
  if (query.minTotalFen !== undefined) where.push(`c.total_fen >= ${params.add(query.minTotalFen)}`);
  if (query.maxTotalFen !== undefined) where.push(`c.total_fen <= ${params.add(query.maxTotalFen)}`);
  if (query.closesBefore) where.push(`c.closes_at < ${params.add(new Date(query.closesBefore))}`);
  if (query.closesAfter) where.push(`c.closes_at >= ${params.add(new Date(query.closesAfter))}`);
  if (query.q) {
    for (const term of searchTerms(query.q)) {
      // 3+ characters: the trigram index answers ILIKE. 2: the stored bigrams (ADR 0052) narrow,
      // ILIKE checks. 1: a scan (a single character is not a keyword worth an index).
      if ([...term].length === 2) terms.push(`c.search_bigrams @> jb_bigrams(${params.add(term)})`);
      terms.push(`c.search_text ILIKE ${params.add(likeContains(term))}`);
    }
  }
  return where;
}

/** The default sort of a scope, checked: a publishedAt sort needs scope=public. */
export function listSort(
  query: ListChallengesQueryDto,
  visibility: ChallengeVisibility,
): [SortKey, 'ASC' | 'DESC'] {
  const sort = query.sort ?? (visibility.scope === 'public' ? '-publishedAt' : '-createdAt');
  const [name, direction] = sort.startsWith('-') ? [sort.slice(1), 'DESC' as const] : [sort, 'ASC' as const];
  if (name === 'publishedAt' && visibility.scope !== 'public') {
    throw DomainError.validation([{ field: 'sort', message: 'a publishedAt sort needs scope=public' }]);
  }
  return [SORT_KEYS[name], direction];
}

/**
 * How many rows, newest first in the listing's order, a search looks at before it asks its indexes:
 * ADR 0051 ("the window").
 */
export const SEARCH_WINDOW = 2000;

/**
 * `GET /challenges` as one statement: the filtered, sorted, keyset-paginated rows (every filter and
 * sort has an index, ADR 0018), then the issuer's name of the page's rows only.
 *
 * A search of several words (`q`) first looks at the first SEARCH_WINDOW rows of the listing's order (the other
 * filters and the cursor applied): when at least a page and one of them match, they are exactly the
 * page (the next matches come after them in the order). Only otherwise does the statement ask the
 * search indexes (trigrams, stored bigrams) for every match and sort them; its plan runs only then (a
 * one-time filter). Common words (芯片, 合金: thousands of matches) then cost a short walk of the sort
 * index, where the planner, which cannot see that two words go together (高温 合金), would have
 * sorted thousands of matches (ADR 0051).
 */
export function challengeListStatement(
  query: ListChallengesQueryDto,
  visibility: ChallengeVisibility,
  now: Date,
  /** More conditions (the bench compares plans with and without one); none in the API. */
  extra?: (params: Params) => string[],
): ListStatement {
  const params = new Params();
  const search: string[] = [];
  const where = listConditions(query, visibility, now, params, search);
  if (extra) where.push(...extra(params));
  const [sort, direction] = listSort(query, visibility);
  const limit = query.limit ?? DEFAULT_LIMIT;
  // Validated (1–100) by the query's DTO; checked again because it is written into the text.
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit ${String(limit)} is not a page size`);
  if (query.cursor) {
    const [value, id] = decodeCursor(query.cursor, 2);
    const op = direction === 'DESC' ? '<' : '>';
    where.push(
      `(c.${sort.column}, c.id) ${op} (CAST(${params.add(value)} AS ${sort.cast}), CAST(${params.add(id)} AS uuid))`,
    );
  }
  const names = [...SUMMARY_COLUMNS, ...(sort.field === 'created_at' ? ['created_at'] : [])];
  const columns = names.map((c) => `c.${c}`).join(', ');
  const order = (alias: string) => `${alias}.${sort.column} ${direction}, ${alias}.id ${direction}`;
  const whereOf = (conditions: string[]) => (conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '');
  const all = `SELECT ${columns} FROM challenges c${whereOf([...where, ...search])} ORDER BY ${order('c')} LIMIT ${limit + 1}`;
  // The issuer's name per row of the page only, outside the sorted and limited part, in its order.
  const issuerName = `(SELECT o.name FROM organizations o WHERE o.id = p.issuer_organization_id) AS issuer_name`;
  // One word: the planner estimates it well and its index answers (ADR 0018). Several: the head first.
  if (searchTerms(query.q ?? '').length < 2) where.push(...search.splice(0));
  if (!search.length)
    return { text: `SELECT p.*, ${issuerName} FROM (${all}) p`, values: params.values, limit, sort };
  // In the window, the text's ILIKE first: it decides, and most rows fail it before their bigrams are read.
  const windowSearch = [
    ...search.filter((c) => c.includes('ILIKE')),
    ...search.filter((c) => !c.includes('ILIKE')),
  ];
  const page = limit + 1;
  const text =
    `WITH head AS MATERIALIZED (SELECT ${columns} FROM (SELECT ${columns}, c.search_text, c.search_bigrams` +
    ` FROM challenges c${whereOf(where)} ORDER BY ${order('c')} LIMIT ${SEARCH_WINDOW}) c` +
    `${whereOf(windowSearch)} ORDER BY ${order('c')} LIMIT ${page})` +
    ` SELECT p.*, ${issuerName} FROM (` +
    `SELECT ${names.join(', ')} FROM head WHERE (SELECT count(*) FROM head) = ${page}` +
    ` UNION ALL SELECT f.* FROM (${all}) f WHERE (SELECT count(*) FROM head) < ${page}` +
    `) p ORDER BY ${order('p')}`;
  return { text, values: params.values, limit, sort };
}

/**
 * `GET /challenges/{id}` as one statement: the row, its issuer's name and version, indicators and
 * attachments (json_agg), the amendment count, and the submitted applications once it has closed.
 */
export function challengeDetailStatement(id: string, now: Date): Statement {
  return {
    text:
      `SELECT ${SUMMARY_COLUMNS.map((c) => `c.${c}`).join(', ')}, c.background, c.expected_outcomes,` +
      ` c.duration_months, c.eligibility, c.status_reason, c.need_id, c.submitted_at, c.created_at, c.updated_at,` +
      ` o.name AS issuer_name, o.version AS issuer_version,` +
      ` (SELECT coalesce(json_agg(json_build_object('id', i.id, 'name', i.name, 'targetValue', i.target_value,` +
      ` 'unit', i.unit, 'verificationMethod', i.verification_method) ORDER BY i.position), '[]'::json)` +
      ` FROM challenge_indicators i WHERE i.challenge_id = c.id) AS indicators,` +
      ` (SELECT coalesce(json_agg(json_build_object('attachmentId', ca.attachment_id, 'visibility', ca.visibility,` +
      ` 'filename', a.filename, 'contentType', a.content_type, 'sizeBytes', a.size_bytes, 'sha256', a.sha256)` +
      ` ORDER BY ca.position), '[]'::json)` +
      ` FROM challenge_attachments ca JOIN attachments a ON a.id = ca.attachment_id WHERE ca.challenge_id = c.id) AS attachments,` +
      ` (SELECT count(*)::int FROM challenge_amendments m WHERE m.challenge_id = c.id) AS amendment_count,` +
      ` ${submittedCountSql()} AS submitted_application_count` +
      ` FROM challenges c LEFT JOIN organizations o ON o.id = c.issuer_organization_id WHERE c.id = $1`,
    values: [id, now, UNSUBMITTED_APPLICATION_STATUSES],
  };
}

/**
 * What the detail's ETag depends on, in one small statement (ADR 0051): version, what the status by
 * the clock is computed from, the issuer's name and version, the submitted count once closed. Sent
 * before the heavy statement when the caller has a representation (If-None-Match).
 */
export function challengeTagStatement(id: string, now: Date): Statement {
  return {
    text:
      `SELECT c.id, c.version, c.status, c.opens_at, c.closes_at, c.published_at, c.issuer_organization_id,` +
      ` o.name AS issuer_name, o.version AS issuer_version, ${submittedCountSql()} AS submitted_application_count` +
      ` FROM challenges c LEFT JOIN organizations o ON o.id = c.issuer_organization_id WHERE c.id = $1`,
    values: [id, now, UNSUBMITTED_APPLICATION_STATUSES],
  };
}

/** Applications submitted and not withdrawn, once closed ($2 the time, $3 the unsubmitted statuses). */
function submittedCountSql(): string {
  return (
    `CASE WHEN c.published_at IS NOT NULL AND c.closes_at <= $2` +
    ` THEN (SELECT count(*)::int FROM applications ap WHERE ap.challenge_id = c.id` +
    ` AND ap.status <> ALL($3::application_status[])) END`
  );
}
