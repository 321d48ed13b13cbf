/** Each step's ceiling is this many times the previous one. */
export const BACKOFF_FACTOR = 3;
/** No single wait is longer, whatever the base and the number of attempts. */
export const MAX_RETRY_DELAY_MS = 4 * 24 * 3600_000;
/** A Retry-After longer than this is cut to it; shorter than the floor is raised to it. */
export const RETRY_AFTER_MAX_MS = 24 * 3600_000;
export const RETRY_AFTER_MIN_MS = 1_000;

/** The ceiling of step k (k ≥ 1): base · 3^(k−1), capped; step 0 is 0. */
function ceiling(step: number, baseMs: number): number {
  if (step <= 0) return 0;
  return Math.min(baseMs * BACKOFF_FACTOR ** (step - 1), MAX_RETRY_DELAY_MS);
}

/**
 * The band the wait after failed attempt n (n ≥ 1) is drawn from: [ceiling(n−1), ceiling(n)].
 * Full jitter within the band, the bands end to end: waits are spread (no thundering herd after an
 * outage) and still grow from one attempt to the next (docs/adr/0030).
 */
export function backoffBand(failedAttempt: number, baseMs: number): { minMs: number; maxMs: number } {
  const maxMs = ceiling(failedAttempt, baseMs);
  return { minMs: Math.min(ceiling(failedAttempt - 1, baseMs), maxMs), maxMs };
}

/** The wait after failed attempt n; `random` in [0, 1) (Math.random unless a test fixes it). */
export function backoffDelay(
  failedAttempt: number,
  baseMs: number,
  random: () => number = Math.random,
): number {
  const { minMs, maxMs } = backoffBand(failedAttempt, baseMs);
  return Math.round(minMs + random() * (maxMs - minMs));
}

/**
 * Retry-After of a 429 or 503: delay-seconds or an HTTP-date (relative to `now`), clamped to
 * [RETRY_AFTER_MIN_MS, RETRY_AFTER_MAX_MS]; null when absent or not understood.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | null {
  const header = Array.isArray(value) ? value[0] : value;
  if (header === undefined) return null;
  const text = header.trim();
  let ms: number;
  if (/^\d+$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    const at = Date.parse(text);
    if (Number.isNaN(at) || !/[a-z]/i.test(text)) return null;
    ms = at - now.getTime();
  }
  return Math.min(Math.max(ms, RETRY_AFTER_MIN_MS), RETRY_AFTER_MAX_MS);
}
