/** China Standard Time has no daylight saving: a fixed UTC+8. */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * A milestone's due time (ADR 0027): the end of the day (23:59:59.999, Asia/Shanghai) `dueMonth`
 * calendar months after the activation's Shanghai date, the day clamped to the month's last day
 * (activated 31 January, one month → 28/29 February).
 */
export function milestoneDueAt(activatedAt: Date, dueMonth: number): Date {
  const local = new Date(activatedAt.getTime() + SHANGHAI_OFFSET_MS);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + dueMonth;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(local.getUTCDate(), lastDay);
  return new Date(Date.UTC(year, month, day, 23, 59, 59, 999) - SHANGHAI_OFFSET_MS);
}
