import type { FieldError } from '../../../common/errors/domain-error';
import type { ProgramSettings, Rubric, RubricCriterion } from '../../call/programs/program-settings';

/**
 * The arithmetic of expert review (DOMAIN.md "Expert review", docs/adr/0023): pure functions, no
 * database, no Nest.
 *
 * Every score, total, mean, median, threshold and pass line has at most one decimal, so all of them
 * are handled as integer TENTHS of a point (7.1 → 71). Nothing is ever added or compared as a binary
 * floating-point fraction; the only rounding is the final one to a tenth, and it is ROUND HALF UP
 * (half away from zero: every value here is ≥ 0), e.g. 70.05 → 70.1, 70.04999… → 70.0.
 */

/** A criterion's score below this percentage of its maxScore needs a comment. */
export const COMMENT_REQUIRED_BELOW_PERCENT = 60;

/** One expert's scores on one application: criterion key → score (0..maxScore, integer or one decimal). */
export type CriterionScores = Record<string, number>;

export type Aggregation = ProgramSettings['aggregation'];

export type AggregationSettings = Pick<
  ProgramSettings,
  'aggregation' | 'trimMinScores' | 'outlierThresholdPoints' | 'passLine'
>;

export interface AggregateResult {
  /** Number of totals (submitted experts). */
  count: number;
  /** Arithmetic mean of all totals; null when there are none. */
  mean: number | null;
  /** Mean without ONE highest and ONE lowest total; null when trimming does not apply. */
  trimmedMean: number | null;
  /** Whether the trimmed mean applied: aggregation 'trimmed_mean' and count ≥ trimMinScores. */
  trimmed: boolean;
  /** The number that ranks and meets the pass line: trimmedMean when trimmed, otherwise mean. */
  score: number | null;
  /** max − min of the totals; null when there are none. */
  spread: number | null;
  /** Median of the totals (mean of the two middle ones for an even count, rounded half up). */
  median: number | null;
  /** Indices (into the input, ascending) of totals STRICTLY more than outlierThresholdPoints from the exact median. */
  outliers: number[];
  /** score ≥ passLine (equal passes); false when there is no score. */
  passes: boolean;
}

export interface RankInput {
  applicationId: string;
  /** The aggregated score (AggregateResult.score); null (no scores) ranks after every number. */
  score: number | null;
  /** The experts' totals of the application, for the median and minimum tie-breaks. */
  totals: readonly number[];
  submittedAt: Date;
}

/** The key that separated an application from the one ranked just above it, when their scores are equal. */
export type TieBreak = 'median' | 'minTotal' | 'submittedAt' | 'applicationId';

export type Ranked<T extends RankInput> = T & {
  /** 1..n in the tie-broken order: no two applications share a rank. */
  rank: number;
  /** null when the application's score differs from the one above it (or it is first). */
  tieBrokenBy: TieBreak | null;
};

// ───────────────────────────────────────────── tenths

/**
 * The value in integer tenths when it is a finite number with at most one decimal, otherwise null.
 * Exact: an integer t divided by 10 is the double nearest to t/10, which is what the literal
 * "7.1" parses to; 7.15 rounds to 72 tenths and 7.2 ≠ 7.15.
 */
export function toTenths(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  const tenths = Math.round(value * 10);
  return Number.isSafeInteger(tenths) && tenths / 10 === value ? tenths : null;
}

function fromTenths(tenths: number): number {
  // -0 would print as "0" but fail toEqual(0) and Object.is; keep it a plain zero.
  return tenths === 0 ? 0 : tenths / 10;
}

function requireTenths(value: number, what: string): number {
  const tenths = toTenths(value);
  if (tenths === null) throw new RangeError(`${what} must be a finite number with at most one decimal`);
  return tenths;
}

/** numerator / denominator rounded half away from zero (denominator > 0). */
function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  const sign = numerator < 0n ? -1n : 1n;
  const magnitude = numerator * sign;
  return sign * ((2n * magnitude + denominator) / (2n * denominator));
}

function roundedDivision(numerator: number, denominator: number): number {
  return Number(divideRoundHalfUp(BigInt(numerator), BigInt(denominator)));
}

// ───────────────────────────────────────────── one expert's scores

function criterion(rubric: Rubric, key: string): RubricCriterion {
  const found = rubric.criteria.find((c) => c.key === key);
  if (!found) throw new RangeError(`${key} is not a criterion of the rubric`);
  return found;
}

/**
 * Every rule of one expert's scores against the rubric: each criterion present (unless `partial`,
 * for a saved draft), each score a number from 0 to the criterion's maxScore with at most one
 * decimal, no key the rubric does not have. Field paths are `scores.<key>` (`scores` when the
 * value is not an object); rubric order, then unknown keys in input order. Empty when valid.
 */
export function validateScores(
  rubric: Rubric,
  scores: unknown,
  options: { partial?: boolean } = {},
): FieldError[] {
  if (typeof scores !== 'object' || scores === null || Array.isArray(scores)) {
    return [{ field: 'scores', message: 'scores must be an object of criterion key → score' }];
  }
  const given = scores as Record<string, unknown>;
  const errors: FieldError[] = [];
  const known = new Set<string>();
  for (const c of rubric.criteria) {
    known.add(c.key);
    const field = `scores.${c.key}`;
    if (!Object.prototype.hasOwnProperty.call(given, c.key) || given[c.key] === undefined) {
      if (!options.partial) errors.push({ field, message: `${c.key} (${c.name}) must be scored` });
      continue;
    }
    const tenths = toTenths(given[c.key]);
    if (tenths === null || tenths < 0 || tenths > c.maxScore * 10) {
      errors.push({
        field,
        message: `${c.key} must be a number from 0 to ${c.maxScore} with at most one decimal`,
      });
    }
  }
  for (const key of Object.keys(given)) {
    if (!known.has(key)) {
      errors.push({ field: `scores.${key}`, message: `${key} is not a criterion of the rubric` });
    }
  }
  return errors;
}

/**
 * One expert's total out of 100: Σ score / maxScore × weight (the weights sum to 100). Computed as
 * an exact fraction of tenths (BigInt, so no criterion count or maxScore can overflow it), then
 * rounded once, half up, to one decimal. With the default rubric (weight = maxScore) it is the plain
 * sum. Throws a RangeError when the scores are not valid and complete (validate them first).
 */
export function expertTotal(rubric: Rubric, scores: CriterionScores): number {
  const errors = validateScores(rubric, scores);
  if (errors.length > 0) {
    throw new RangeError(`invalid scores: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  }
  // Σ tenths × weight / maxScore, as numerator / denominator.
  let numerator = 0n;
  let denominator = 1n;
  for (const c of rubric.criteria) {
    const tenths = BigInt(toTenths(scores[c.key]) as number);
    const max = BigInt(c.maxScore);
    numerator = numerator * max + tenths * BigInt(c.weight) * denominator;
    denominator *= max;
    const divisor = gcd(numerator, denominator);
    numerator /= divisor;
    denominator /= divisor;
  }
  return fromTenths(Number(divideRoundHalfUp(numerator, denominator)));
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

/**
 * Whether a comment is required for this score: when it is below COMMENT_REQUIRED_BELOW_PERCENT
 * (60 %) of the criterion's maxScore, exactly (18 of 30 needs none, 17.9 does). Throws a RangeError
 * for a key the rubric does not have or a score that is not a one-decimal number.
 */
export function commentRequired(rubric: Rubric, key: string, score: number): boolean {
  const c = criterion(rubric, key);
  const tenths = requireTenths(score, `scores.${key}`);
  // tenths / 10 < maxScore × pct / 100  ⇔  tenths × 10 < maxScore × pct
  return tenths * 10 < c.maxScore * COMMENT_REQUIRED_BELOW_PERCENT;
}

/**
 * The comments rule for a set of (already valid) scores: a non-blank comment for each score that
 * requires one, and no comment on a key the rubric does not have. Field paths are `comments.<key>`.
 */
export function validateComments(
  rubric: Rubric,
  scores: CriterionScores,
  comments: Record<string, string | null | undefined>,
): FieldError[] {
  const errors: FieldError[] = [];
  const known = new Set(rubric.criteria.map((c) => c.key));
  for (const c of rubric.criteria) {
    const score = scores[c.key];
    if (score === undefined || toTenths(score) === null) continue;
    const comment = comments[c.key];
    if (commentRequired(rubric, c.key, score) && (typeof comment !== 'string' || comment.trim() === '')) {
      errors.push({
        field: `comments.${c.key}`,
        message: `a score under ${COMMENT_REQUIRED_BELOW_PERCENT}% of ${c.maxScore} needs a comment`,
      });
    }
  }
  for (const key of Object.keys(comments)) {
    if (!known.has(key)) {
      errors.push({ field: `comments.${key}`, message: `${key} is not a criterion of the rubric` });
    }
  }
  return errors;
}

// ───────────────────────────────────────────── one application's totals

/**
 * The aggregation of one application's expert totals under the program settings. All arithmetic is on
 * integer tenths; each reported number is rounded once, half up, to one decimal:
 * - mean = Σ / count; trimmedMean = (Σ − one highest − one lowest) / (count − 2), only when
 *   aggregation is 'trimmed_mean' and count ≥ trimMinScores (≥ 3 by the settings' range);
 * - score = trimmedMean when it applies, else mean: the ROUNDED value is the score that is published,
 *   ranked and compared with the pass line (equal passes);
 * - outliers compare each total with the EXACT median (no rounding): strictly more than
 *   outlierThresholdPoints away is an outlier, exactly that far is not.
 * An empty list gives count 0, null numbers, no outliers and passes false.
 * Throws a RangeError for a total outside 0..100 or with more than one decimal.
 */
export function aggregate(totals: readonly number[], settings: AggregationSettings): AggregateResult {
  const tenths = totals.map((total, i) => {
    const t = requireTenths(total, `totals[${i}]`);
    if (t < 0 || t > 1000) throw new RangeError(`totals[${i}] must be from 0 to 100`);
    return t;
  });
  const threshold = requireTenths(settings.outlierThresholdPoints, 'outlierThresholdPoints');
  const passLine = requireTenths(settings.passLine, 'passLine');
  const count = tenths.length;
  if (count === 0) {
    return {
      count,
      mean: null,
      trimmedMean: null,
      trimmed: false,
      score: null,
      spread: null,
      median: null,
      outliers: [],
      passes: false,
    };
  }

  const sorted = [...tenths].sort((a, b) => a - b);
  const min = sorted[0];
  const max = sorted[count - 1];
  const sum = tenths.reduce((a, b) => a + b, 0);
  const meanTenths = roundedDivision(sum, count);

  const trimmed = settings.aggregation === 'trimmed_mean' && count >= settings.trimMinScores && count >= 3;
  const trimmedTenths = trimmed ? roundedDivision(sum - min - max, count - 2) : null;
  const scoreTenths = trimmedTenths ?? meanTenths;

  // Twice the median, an exact integer either way.
  const doubleMedian = medianTimesTwo(sorted);
  const outliers: number[] = [];
  tenths.forEach((t, i) => {
    if (Math.abs(2 * t - doubleMedian) > 2 * threshold) outliers.push(i);
  });

  return {
    count,
    mean: fromTenths(meanTenths),
    trimmedMean: trimmedTenths === null ? null : fromTenths(trimmedTenths),
    trimmed,
    score: fromTenths(scoreTenths),
    spread: fromTenths(max - min),
    median: fromTenths(roundedDivision(doubleMedian, 2)),
    outliers,
    passes: scoreTenths >= passLine,
  };
}

/** 2 × median of ascending integers (non-empty): exact for odd and even counts. */
function medianTimesTwo(sortedTenths: readonly number[]): number {
  const n = sortedTenths.length;
  const mid = Math.floor(n / 2);
  return n % 2 === 1 ? 2 * sortedTenths[mid] : sortedTenths[mid - 1] + sortedTenths[mid];
}

// ───────────────────────────────────────────── ranking

interface RankKeys {
  score: number | null;
  doubleMedian: number | null;
  min: number | null;
  submittedAt: number;
}

/** Comparator for descending order; null (missing) sorts after every number. */
function compareDescending(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return b - a;
}

function keysOf(application: RankInput): RankKeys {
  const totals = application.totals.map((t, i) =>
    requireTenths(t, `${application.applicationId}.totals[${i}]`),
  );
  const sorted = [...totals].sort((a, b) => a - b);
  const submittedAt = application.submittedAt.getTime();
  if (Number.isNaN(submittedAt))
    throw new RangeError(`${application.applicationId}.submittedAt is not a valid date`);
  return {
    score:
      application.score === null
        ? null
        : requireTenths(application.score, `${application.applicationId}.score`),
    doubleMedian: sorted.length === 0 ? null : medianTimesTwo(sorted),
    min: sorted.length === 0 ? null : sorted[0],
    submittedAt,
  };
}

/** The first tie-break key that orders a before b (negative), b before a (positive), or 0. */
function tieBreak(
  a: RankInput,
  ka: RankKeys,
  b: RankInput,
  kb: RankKeys,
): { order: number; by: TieBreak | null } {
  const byScore = compareDescending(ka.score, kb.score);
  if (byScore !== 0) return { order: byScore, by: null };
  const byMedian = compareDescending(ka.doubleMedian, kb.doubleMedian);
  if (byMedian !== 0) return { order: byMedian, by: 'median' };
  const byMin = compareDescending(ka.min, kb.min);
  if (byMin !== 0) return { order: byMin, by: 'minTotal' };
  if (ka.submittedAt !== kb.submittedAt) return { order: ka.submittedAt - kb.submittedAt, by: 'submittedAt' };
  // Code-unit order, not localeCompare: the same on every machine and locale.
  const byId = a.applicationId < b.applicationId ? -1 : a.applicationId > b.applicationId ? 1 : 0;
  return { order: byId, by: 'applicationId' };
}

/**
 * The ranking of a challenge's applications: a total, stable order, ranks 1..n with no shared ranks. Order:
 * 1. higher score (null — no scores — last);
 * 2. then higher median of the experts' totals (exact);
 * 3. then higher lowest total (fewer weak marks);
 * 4. then earlier submittedAt;
 * 5. then applicationId ascending (code-unit order) — unique, so the order never depends on input order.
 * `tieBrokenBy` names the key that put an application below the previous one when their scores are equal.
 * Throws a RangeError for a duplicate applicationId or a malformed number.
 */
export function rank<T extends RankInput>(applications: readonly T[]): Array<Ranked<T>> {
  const ids = new Set<string>();
  const entries = applications.map((application) => {
    if (ids.has(application.applicationId))
      throw new RangeError(`${application.applicationId} appears twice`);
    ids.add(application.applicationId);
    return { application, keys: keysOf(application) };
  });
  entries.sort((x, y) => tieBreak(x.application, x.keys, y.application, y.keys).order);
  return entries.map((entry, i) => {
    const previous = i === 0 ? null : entries[i - 1];
    const by =
      previous === null
        ? null
        : tieBreak(previous.application, previous.keys, entry.application, entry.keys).by;
    return { ...entry.application, rank: i + 1, tieBrokenBy: by };
  });
}
