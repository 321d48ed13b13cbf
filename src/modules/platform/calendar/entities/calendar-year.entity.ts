import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The state of one year of the official calendar (docs/adr/0039). `loaded`: the year's special days
 * are complete (an admin loaded the State Council's notice, or the migration seeded it); a working-day
 * count that needs a year not loaded falls back to weekends only and warns the admins once
 * (`missingWarnedAt`). `version` grows with every change of the year's days or state: each process
 * caches a year's days with the version it read and reloads them when the row says otherwise.
 */
@Entity('calendar_years')
@Check('ck_calendar_years_year', `"year" BETWEEN 2000 AND 2100`)
export class CalendarYearEntity {
  @PrimaryColumn({ type: 'integer' })
  year: number;

  @Column({ type: 'boolean', default: false })
  loaded: boolean;

  /** Loaded from an expected arrangement, not yet from the published notice: to be confirmed. */
  @Column({ type: 'boolean', default: false })
  provisional: boolean;

  /** Where the days come from, e.g. the notice's title and number. */
  @Column({ type: 'text', nullable: true })
  source: string | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  /** When the admins were told that a computation needed this year while it was not loaded. */
  @Column({ type: 'timestamptz', nullable: true })
  missingWarnedAt: Date | null;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;

  @Column({ type: 'uuid', nullable: true })
  updatedBy: string | null;
}
