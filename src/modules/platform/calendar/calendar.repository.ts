import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CalendarDayEntity, CalendarDayKind } from './entities/calendar-day.entity';
import { CalendarYearEntity } from './entities/calendar-year.entity';

export interface YearState {
  year: number;
  version: number;
  loaded: boolean;
}

export interface SpecialDay {
  date: string;
  kind: CalendarDayKind;
  name: string;
}

/** The official calendar's two tables (docs/adr/0039). Dates go in and out as 'YYYY-MM-DD' text. */
@Injectable()
export class CalendarRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The state rows of the years from..to (a year with no row has no special day and is not loaded). */
  async yearStates(em: EntityManager, from: number, to: number): Promise<YearState[]> {
    const rows: Array<{ year: number; version: number; loaded: boolean }> = await em.query(
      `SELECT year, version, loaded FROM calendar_years WHERE year BETWEEN $1 AND $2`,
      [from, to],
    );
    return rows.map((r) => ({ year: Number(r.year), version: Number(r.version), loaded: r.loaded }));
  }

  /** The special days of a year, in date order. */
  specialDaysOf(year: number, em: EntityManager = this.dataSource.manager): Promise<SpecialDay[]> {
    return em.query(
      `SELECT to_char(date, 'YYYY-MM-DD') AS date, kind, name FROM calendar_days
       WHERE date >= make_date($1, 1, 1) AND date < make_date($1 + 1, 1, 1) ORDER BY date`,
      [year],
    );
  }

  findYear(year: number, em: EntityManager = this.dataSource.manager): Promise<CalendarYearEntity | null> {
    return em.findOne(CalendarYearEntity, { where: { year } });
  }

  /**
   * The year's row locked FOR UPDATE until the transaction ends, created (not loaded) when absent:
   * every edit of a year's days goes through it, so edits of one year are serialized and bump its version.
   */
  async lockYear(em: EntityManager, year: number, now: Date): Promise<CalendarYearEntity> {
    await em.query(
      `INSERT INTO calendar_years (year, loaded, provisional, version, updated_at)
       VALUES ($1, false, false, 0, $2) ON CONFLICT (year) DO NOTHING`,
      [year, now],
    );
    return em.findOneOrFail(CalendarYearEntity, { where: { year }, lock: { mode: 'pessimistic_write' } });
  }

  findDay(em: EntityManager, date: string): Promise<CalendarDayEntity | null> {
    return em.findOne(CalendarDayEntity, { where: { date } });
  }

  async upsertDay(em: EntityManager, day: SpecialDay, by: string | null, now: Date): Promise<void> {
    await em.query(
      `INSERT INTO calendar_days (date, kind, name, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (date) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name,
         updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
      [day.date, day.kind, day.name, now, by],
    );
  }

  async deleteDay(em: EntityManager, date: string): Promise<void> {
    await em.delete(CalendarDayEntity, { date });
  }

  /** Replaces every special day of the year by `days` (all of that year). */
  async replaceDays(
    em: EntityManager,
    year: number,
    days: SpecialDay[],
    by: string | null,
    now: Date,
  ): Promise<void> {
    await em.query(
      `DELETE FROM calendar_days WHERE date >= make_date($1, 1, 1) AND date < make_date($1 + 1, 1, 1)`,
      [year],
    );
    if (!days.length) return;
    await em.query(
      `INSERT INTO calendar_days (date, kind, name, updated_at, updated_by)
       SELECT d, k, n, $4, $5 FROM unnest($1::date[], $2::text[], $3::text[]) AS t(d, k, n)`,
      [days.map((d) => d.date), days.map((d) => d.kind), days.map((d) => d.name), now, by],
    );
  }

  /**
   * Records that the admins are being warned of a missing year: true the first time only (the row
   * is created, or an unwarned row not loaded is stamped), false when already warned or loaded.
   */
  async markMissingWarned(em: EntityManager, year: number, now: Date): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `INSERT INTO calendar_years (year, loaded, provisional, version, updated_at, missing_warned_at)
       VALUES ($1, false, false, 0, $2, $2)
       ON CONFLICT (year) DO UPDATE SET missing_warned_at = EXCLUDED.missing_warned_at
         WHERE calendar_years.missing_warned_at IS NULL AND NOT calendar_years.loaded
       RETURNING year`,
      [year, now],
    );
    return rows.length > 0;
  }
}
