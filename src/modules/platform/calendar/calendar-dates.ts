import { FieldError } from '../../../common/errors/domain-error';
import { CalendarDayKind } from './entities/calendar-day.entity';
import { CALENDAR_YEARS, ISO_DATE } from './dto/calendar.dto';

/** ISO weekday of a 'YYYY-MM-DD': 1 Monday … 7 Sunday (a calendar date's weekday is zone-free). */
export function isoWeekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
}

/** Why `value` is not a year the calendar holds, or null. */
export function yearProblem(value: string): string | null {
  if (!/^\d{4}$/.test(value)) return 'year must be a four-digit year';
  const year = Number(value);
  if (year < CALENDAR_YEARS.min || year > CALENDAR_YEARS.max) {
    return `year must be between ${CALENDAR_YEARS.min} and ${CALENDAR_YEARS.max}`;
  }
  return null;
}

/** Why `value` is not a calendar date the calendar holds, or null. */
export function dateProblem(value: string): string | null {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return 'date must be a date YYYY-MM-DD';
  const d = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value)
    return `${value} is not a calendar date`;
  return yearProblem(value.slice(0, 4));
}

/** Why a special day of `kind` cannot be on `date`, or null: a make-up working day is a Saturday or Sunday. */
export function kindProblem(date: string, kind: CalendarDayKind): string | null {
  return kind === 'workday' && isoWeekday(date) < 6
    ? `${date} is a weekday: a make-up working day (workday) is a Saturday or Sunday`
    : null;
}

/** The field errors of a whole year's list of days (`days[i].date`, `days[i].kind`). */
export function yearListProblems(
  year: number,
  days: Array<{ date: string; kind: CalendarDayKind }>,
): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  days.forEach((day, i) => {
    const date = dateProblem(day.date);
    if (date) {
      errors.push({ field: `days[${i}].date`, message: date });
      return;
    }
    if (Number(day.date.slice(0, 4)) !== year) {
      errors.push({ field: `days[${i}].date`, message: `${day.date} is not in ${year}` });
    } else if (seen.has(day.date)) {
      errors.push({ field: `days[${i}].date`, message: `${day.date} is listed twice` });
    }
    seen.add(day.date);
    const kind = kindProblem(day.date, day.kind);
    if (kind) errors.push({ field: `days[${i}].kind`, message: kind });
  });
  return errors;
}
