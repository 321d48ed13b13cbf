/**
 * Working days in a time zone (docs/adr/0023): pure, dependency-free, Intl only.
 *
 * A calendar date is a 'YYYY-MM-DD' string read in the given zone (default Asia/Shanghai), never the
 * UTC date of an instant: 2025-04-17T16:00Z is already Friday 18 April in Shanghai. A date is a
 * working day when it is in `extraWorkingDays` (调休 make-up days, e.g. a Sunday), or when it is a
 * Monday..Friday not in `holidays` (public holidays announced yearly by the State Council). Both
 * sets default to empty: weekends only. A date in both sets is a configuration error.
 */

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

export interface WorkingDayCalendar {
  /** 'YYYY-MM-DD' dates (in the zone) that are not working days although Monday..Friday. */
  holidays?: ReadonlySet<string>;
  /** 'YYYY-MM-DD' dates (in the zone) that are working days although Saturday or Sunday (调休). */
  extraWorkingDays?: ReadonlySet<string>;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws a RangeError for an unknown zone, which is what we want.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localTime(instantMs: number, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instantMs)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

/** Local wall time minus UTC at that instant, in ms (+8 h for Shanghai), to the second. */
function offsetAt(instantMs: number, timeZone: string): number {
  const t = localTime(instantMs, timeZone);
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  return wall - (instantMs - (((instantMs % 1000) + 1000) % 1000));
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function format(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Days since 1970-01-01 of a valid 'YYYY-MM-DD' (proleptic Gregorian, as Date does). */
function dayNumber(date: string): number {
  const m = DATE.exec(date);
  if (m) {
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const ms = Date.UTC(year, month - 1, day);
    const back = new Date(ms);
    if (back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day) {
      return ms / DAY_MS;
    }
  }
  throw new RangeError(`${JSON.stringify(date)} is not a calendar date YYYY-MM-DD`);
}

function dateOfDayNumber(n: number): string {
  const d = new Date(n * DAY_MS);
  return format(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

function requireInstant(instant: Date, what: string): number {
  const ms = instant instanceof Date ? instant.getTime() : NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${what} must be a valid Date`);
  return ms;
}

/** The calendar date 'YYYY-MM-DD' of an instant in the zone. */
export function zonedDate(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  const t = localTime(requireInstant(instant, 'instant'), timeZone);
  return format(t.year, t.month, t.day);
}

/**
 * The first instant of a calendar date in the zone (its 00:00, or the first existing time of the
 * day if a transition skips midnight). Exact for any zone whose offset is whole seconds; for a
 * fixed-offset zone such as Asia/Shanghai (UTC+8, no DST since 1991) it is simply 00:00 local.
 */
export function startOfZonedDay(date: string, timeZone: string = DEFAULT_TIME_ZONE): Date {
  const wallMidnight = dayNumber(date) * DAY_MS;
  // Two passes: the offset at the guess, then the offset at the corrected instant (a DST change).
  let candidate = wallMidnight - offsetAt(wallMidnight, timeZone);
  candidate = wallMidnight - offsetAt(candidate, timeZone);
  // Walk back while the previous second still belongs to the date (a transition right before it),
  // forward while the candidate is still on the day before (midnight skipped).
  while (zonedDate(new Date(candidate - 1000), timeZone) === date) candidate -= 1000;
  while (zonedDate(new Date(candidate), timeZone) < date) candidate += 1000;
  return new Date(candidate);
}

function checkCalendar(calendar: WorkingDayCalendar): void {
  for (const [name, set] of [
    ['holidays', calendar.holidays],
    ['extraWorkingDays', calendar.extraWorkingDays],
  ] as const) {
    for (const date of set ?? []) {
      try {
        dayNumber(date);
      } catch {
        throw new RangeError(`${name}: ${JSON.stringify(date)} is not a calendar date YYYY-MM-DD`);
      }
    }
  }
  for (const date of calendar.extraWorkingDays ?? []) {
    if (calendar.holidays?.has(date)) {
      throw new RangeError(`${date} is both a holiday and an extra working day`);
    }
  }
}

/** Whether a calendar date 'YYYY-MM-DD' is a working day (see the file comment for the rule). */
export function isWorkingDay(date: string, calendar: WorkingDayCalendar = {}): boolean {
  checkCalendar(calendar);
  return isWorkingDayUnchecked(dayNumber(date), date, calendar);
}

function isWorkingDayUnchecked(n: number, date: string, calendar: WorkingDayCalendar): boolean {
  if (calendar.extraWorkingDays?.has(date)) return true;
  if (calendar.holidays?.has(date)) return false;
  const weekday = new Date(n * DAY_MS).getUTCDay(); // the weekday of a calendar date is zone-free
  return weekday !== 0 && weekday !== 6;
}

/**
 * The end of a period of `days` working days that starts at `start` (e.g. the publicity period,
 * 公示期): the START DAY NEVER COUNTS, whatever the hour and whether or not it is a working day;
 * the period covers the next `days` working days in the zone and ends at 24:00 of the last one.
 * The result is that instant, i.e. 00:00 of the following calendar day in the zone — the first
 * instant no longer in the period (open while now < result).
 *
 * Example: Friday 2025-04-18 15:00 Shanghai, 5 days → Monday 21 .. Friday 25 → ends Friday 25
 * 24:00 Shanghai = 2025-04-25T16:00:00Z. Started Saturday or Sunday, the same end.
 *
 * Throws a RangeError for an invalid date, a `days` that is not a positive integer, an unknown time
 * zone, or a malformed or contradictory calendar.
 */
export function addWorkingDays(
  start: Date,
  days: number,
  timeZone: string = DEFAULT_TIME_ZONE,
  calendar: WorkingDayCalendar = {},
): Date {
  requireInstant(start, 'start');
  if (!Number.isSafeInteger(days) || days < 1) throw new RangeError('days must be a positive integer');
  checkCalendar(calendar);
  let n = dayNumber(zonedDate(start, timeZone));
  let counted = 0;
  while (counted < days) {
    n += 1;
    if (isWorkingDayUnchecked(n, dateOfDayNumber(n), calendar)) counted += 1;
  }
  return startOfZonedDay(dateOfDayNumber(n + 1), timeZone);
}

/**
 * The last working day of the period that addWorkingDays ends ('YYYY-MM-DD' in the zone), for
 * display: "公示期至 2025年4月25日".
 */
export function lastWorkingDay(
  start: Date,
  days: number,
  timeZone: string = DEFAULT_TIME_ZONE,
  calendar: WorkingDayCalendar = {},
): string {
  const end = addWorkingDays(start, days, timeZone, calendar);
  return zonedDate(new Date(end.getTime() - 1), timeZone);
}
