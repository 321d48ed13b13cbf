import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { Principal } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { JsonObject } from '../../../common/json';
import { Clock } from '../../../infra/clock/clock';
import { dateProblem, isoWeekday, kindProblem, yearListProblems, yearProblem } from './calendar-dates';
import { CalendarRepository, SpecialDay } from './calendar.repository';
import { CalendarYearResponseDto, LoadCalendarYearDto, SetCalendarDayDto } from './dto/calendar.dto';
import { CalendarYearEntity } from './entities/calendar-year.entity';

function parseYear(value: string): number {
  const problem = yearProblem(value);
  if (problem) throw DomainError.validation([{ field: 'year', message: problem }]);
  return Number(value);
}

function parseDate(value: string): string {
  const problem = dateProblem(value);
  if (problem) throw DomainError.validation([{ field: 'date', message: problem }]);
  return value;
}

function actorId(actor: Principal): string | null {
  return actor.kind === 'user' ? actor.userId : null;
}

function toYearResponse(
  year: number,
  row: CalendarYearEntity | null,
  days: SpecialDay[],
): CalendarYearResponseDto {
  return {
    year,
    loaded: row?.loaded ?? false,
    provisional: row?.provisional ?? false,
    source: row?.source ?? null,
    version: row?.version ?? 0,
    updatedAt: row && row.version > 0 ? row.updatedAt.toISOString() : null,
    missingWarnedAt: row?.missingWarnedAt?.toISOString() ?? null,
    days: days.map((d) => ({
      date: d.date,
      kind: d.kind,
      name: d.name,
      weekday: isoWeekday(d.date),
      workingDay: d.kind === 'workday',
    })),
  };
}

function daysSnapshot(days: SpecialDay[]): JsonObject[] {
  return days.map((d) => ({ date: d.date, kind: d.kind, name: d.name }));
}

/**
 * The official calendar's admin side (docs/adr/0039): read a year, set or remove one special day,
 * load a whole year from the State Council's notice. Every change locks the year's row, bumps its
 * version (which every process's working-day cache checks) and is audited in the same transaction.
 */
export const CALENDAR_AUDIT = {
  daySet: 'calendar.day_set',
  dayDeleted: 'calendar.day_deleted',
  yearLoaded: 'calendar.year_loaded',
} as const;

@Injectable()
export class CalendarService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly calendar: CalendarRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async getYear(rawYear: string): Promise<CalendarYearResponseDto> {
    const year = parseYear(rawYear);
    return this.dataSource.transaction('REPEATABLE READ', async (em) =>
      toYearResponse(
        year,
        await this.calendar.findYear(year, em),
        await this.calendar.specialDaysOf(year, em),
      ),
    );
  }

  async setDay(actor: Principal, rawDate: string, dto: SetCalendarDayDto): Promise<CalendarYearResponseDto> {
    const date = parseDate(rawDate);
    const problem = kindProblem(date, dto.kind);
    if (problem) throw DomainError.validation([{ field: 'kind', message: problem }]);
    const name = dto.name.trim();
    if (!name) throw DomainError.validation([{ field: 'name', message: 'name must not be blank' }]);
    return this.changeYear(actor, Number(date.slice(0, 4)), async (em, now) => {
      const before = await this.calendar.findDay(em, date);
      await this.calendar.upsertDay(em, { date, kind: dto.kind, name }, actorId(actor), now);
      return {
        action: CALENDAR_AUDIT.daySet,
        objectType: 'calendar_day',
        objectId: date,
        before: before ? { kind: before.kind, name: before.name } : null,
        after: { kind: dto.kind, name },
      };
    });
  }

  async deleteDay(actor: Principal, rawDate: string): Promise<CalendarYearResponseDto> {
    const date = parseDate(rawDate);
    return this.changeYear(actor, Number(date.slice(0, 4)), async (em) => {
      const before = await this.calendar.findDay(em, date);
      if (!before) throw DomainError.notFound(`Special day ${date}`);
      await this.calendar.deleteDay(em, date);
      return {
        action: CALENDAR_AUDIT.dayDeleted,
        objectType: 'calendar_day',
        objectId: date,
        before: { kind: before.kind, name: before.name },
        after: null,
      };
    });
  }

  /** Replaces the year's special days by the list and marks the year loaded (complete). */
  async loadYear(
    actor: Principal,
    rawYear: string,
    dto: LoadCalendarYearDto,
  ): Promise<CalendarYearResponseDto> {
    const year = parseYear(rawYear);
    const errors = yearListProblems(year, dto.days);
    const source = dto.source.trim();
    if (!source) errors.push({ field: 'source', message: 'source must not be blank' });
    dto.days.forEach((d, i) => {
      if (!d.name.trim()) errors.push({ field: `days[${i}].name`, message: 'name must not be blank' });
    });
    const days = dto.days
      .map((d) => ({ date: d.date, kind: d.kind, name: d.name.trim() }))
      .sort((a, b) => (a.date < b.date ? -1 : 1));
    if (errors.length) throw DomainError.validation(errors);
    return this.changeYear(actor, year, async (em, now, row) => {
      const before = {
        loaded: row.loaded,
        provisional: row.provisional,
        source: row.source,
        days: daysSnapshot(await this.calendar.specialDaysOf(year, em)),
      };
      await this.calendar.replaceDays(em, year, days, actorId(actor), now);
      row.loaded = true;
      row.provisional = dto.provisional ?? false;
      row.source = source;
      return {
        action: CALENDAR_AUDIT.yearLoaded,
        objectType: 'calendar_year',
        objectId: String(year),
        before,
        after: { loaded: true, provisional: row.provisional, source, days: daysSnapshot(days) },
      };
    });
  }

  /** One audited change of a year: lock its row, apply, bump the version, audit, answer the year. */
  private changeYear(
    actor: Principal,
    year: number,
    change: (
      em: EntityManager,
      now: Date,
      row: CalendarYearEntity,
    ) => Promise<{
      action: (typeof CALENDAR_AUDIT)[keyof typeof CALENDAR_AUDIT];
      objectType: string;
      objectId: string;
      before: JsonObject | null;
      after: JsonObject | null;
    }>,
  ): Promise<CalendarYearResponseDto> {
    return this.dataSource.transaction(async (em) => {
      const now = this.clock.now();
      const row = await this.calendar.lockYear(em, year, now);
      const entry = await change(em, now, row);
      row.version += 1;
      row.updatedAt = now;
      row.updatedBy = actorId(actor);
      await em.save(row);
      await this.audit.record(em, { actor, ...entry });
      return toYearResponse(year, row, await this.calendar.specialDaysOf(year, em));
    });
  }
}
