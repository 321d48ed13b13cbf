import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  addWorkingDays,
  DEFAULT_TIME_ZONE,
  WorkingDayCalendar,
  zonedDate,
} from '../../../common/calendar/working-days';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { CalendarRepository } from './calendar.repository';

export const CALENDAR_EVENTS = {
  /** A working-day count needed a year whose calendar is not loaded (once per year). */
  yearMissing: 'calendar.year_missing',
} as const;

/** One year of the calendar as a process caches it, with the version of calendar_years it was read at. */
interface CachedYear {
  version: number;
  loaded: boolean;
  holidays: string[];
  workdays: string[];
}

const yearOf = (date: string): number => Number(date.slice(0, 4));

/** The calendar date after `date` ('YYYY-MM-DD'). */
function nextDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * Working days by the official calendar (docs/adr/0039): the pure arithmetic of
 * src/common/calendar/working-days.ts fed with the holidays and make-up working days of the years a
 * period covers. Every deadline counted in working days (publicity, review due dates) comes here,
 * inside its caller's transaction.
 *
 * Cache: each process keeps the days of the years it has read, with the year's `version`. Every
 * count reads the versions of the years it needs (one indexed query on a table of a few rows, in the
 * caller's transaction) and reloads a year whose version changed: an admin's edit in any process is
 * seen by the next count everywhere, with no TTL window and no cross-process message.
 *
 * A year not loaded: the count goes on with what the table has (weekends only, usually), logs a
 * warning, and tells the admins once per year (`calendar.year_missing`, in the caller's transaction).
 */
@Injectable()
export class WorkingDaysService {
  private readonly logger = new Logger(WorkingDaysService.name);
  private readonly cache = new Map<number, CachedYear>();

  constructor(
    private readonly calendar: CalendarRepository,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  /**
   * The end of a period of `days` working days starting at `start` (the start day never counts):
   * 00:00 Asia/Shanghai after the last working day, as addWorkingDays defines it.
   */
  async addWorkingDays(em: EntityManager, start: Date, days: number, purpose: string): Promise<Date> {
    const firstYear = yearOf(nextDate(zonedDate(start, DEFAULT_TIME_ZONE)));
    let lastYear = firstYear;
    for (;;) {
      const years = await this.years(em, firstYear, lastYear);
      const end = addWorkingDays(start, days, DEFAULT_TIME_ZONE, this.merge(years));
      const endYear = yearOf(zonedDate(new Date(end.getTime() - 1), DEFAULT_TIME_ZONE));
      if (endYear <= lastYear) {
        await this.warnOfMissing(em, years, purpose);
        return end;
      }
      // The period runs into a later year: count again with that year's days too (holidays only
      // push the end later, so this ends; a period is at most a few months).
      lastYear = endYear;
    }
  }

  private async years(em: EntityManager, from: number, to: number): Promise<Map<number, CachedYear>> {
    const states = new Map((await this.calendar.yearStates(em, from, to)).map((s) => [s.year, s]));
    const result = new Map<number, CachedYear>();
    for (let year = from; year <= to; year++) {
      const state = states.get(year) ?? { year, version: 0, loaded: false };
      let cached = this.cache.get(year);
      if (!cached || cached.version !== state.version || cached.loaded !== state.loaded) {
        const days = state.version === 0 ? [] : await this.calendar.specialDaysOf(year, em);
        cached = {
          version: state.version,
          loaded: state.loaded,
          holidays: days.filter((d) => d.kind === 'holiday').map((d) => d.date),
          workdays: days.filter((d) => d.kind === 'workday').map((d) => d.date),
        };
        this.cache.set(year, cached);
      }
      result.set(year, cached);
    }
    return result;
  }

  private merge(years: Map<number, CachedYear>): WorkingDayCalendar {
    const holidays = new Set<string>();
    const extraWorkingDays = new Set<string>();
    for (const year of years.values()) {
      for (const date of year.holidays) holidays.add(date);
      for (const date of year.workdays) extraWorkingDays.add(date);
    }
    return { holidays, extraWorkingDays };
  }

  private async warnOfMissing(
    em: EntityManager,
    years: Map<number, CachedYear>,
    purpose: string,
  ): Promise<void> {
    for (const [year, cached] of years) {
      if (cached.loaded) continue;
      this.logger.warn(
        `The official calendar of ${year} is not loaded: ${purpose} counts Monday to Friday only in ${year} ` +
          `(load it with PUT /api/v1/calendar/${year}, docs/operations.md)`,
      );
      if (await this.calendar.markMissingWarned(em, year, this.clock.now())) {
        await this.outbox.publish(em, {
          type: CALENDAR_EVENTS.yearMissing,
          aggregateType: 'calendar_year',
          aggregateId: String(year),
          data: { year, purpose },
        });
      }
    }
  }
}
