import type { ChallengeStatus } from '../../call/challenges/challenge-status';

/**
 * The definitions behind `GET /stats/overview` (ADR 0032), kept as data so that the SQL, the
 * OpenAPI descriptions and the tests quote the same thing.
 */

/** Challenges whose application window ran to its end (the applications-per-challenge figures count these only). */
export const APPLICATIONS_CLOSED_STATUSES: readonly ChallengeStatus[] = [
  'closed',
  'under_review',
  'publicity',
  'awarded',
  'unsuccessful',
];

/** Award rate: awarded / (awarded + unsuccessful). Challenges still in review or publicity, and cancelled or withdrawn ones, are not decided. */
export const AWARD_RATE_DEFINITION =
  'awarded / (awarded + unsuccessful) over the published challenges in scope: a challenge is decided when it was awarded or ' +
  'declared unsuccessful (流榜); challenges still open, in review or in publicity, and cancelled or withdrawn challenges, are left out. ' +
  'null when no challenge is decided.';

export const ACCEPTANCE_RATE_DEFINITION =
  'passed / (passed + failed) over the final acceptance (验收) decisions of the projects of the challenges in scope; an ' +
  'acceptance passed with conditions counts once its conditions were confirmed met (passed) or not (failed), not before. ' +
  'null when no acceptance is decided.';

export interface ApplicationBucket {
  /** The label: `0`, `1`, `2`, `3-5`, `6-10`, `11+`. */
  bucket: string;
  min: number;
  /** null: no upper bound. */
  max: number | null;
}

/** The applications-per-challenge histogram: a fixed, bounded set of buckets whatever the number of challenges. */
export const APPLICATION_BUCKETS: readonly ApplicationBucket[] = [
  { bucket: '0', min: 0, max: 0 },
  { bucket: '1', min: 1, max: 1 },
  { bucket: '2', min: 2, max: 2 },
  { bucket: '3-5', min: 3, max: 5 },
  { bucket: '6-10', min: 6, max: 10 },
  { bucket: '11+', min: 11, max: null },
];

/** numerator / denominator rounded to 4 decimals (0.6667), or null when nothing is decided. */
export function rate(numerator: number, denominator: number): number | null {
  if (denominator === 0) return null;
  return Math.round((numerator / denominator) * 10_000) / 10_000;
}

/** Average rounded to 2 decimals, or null without challenges. */
export function average(total: number, count: number): number | null {
  if (count === 0) return null;
  return Math.round((total / count) * 100) / 100;
}

/**
 * A sum of fen from PostgreSQL (`numeric`, as a string) as a JSON number, like every amount of
 * the API (API.md: integers in fen). Refused rather than rounded beyond 2^53 fen (90 trillion yuan).
 */
export function fenFromSum(value: string | number | null): number {
  if (value === null) return 0;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`sum of fen ${value} is outside the safe integer range`);
  return n;
}
