import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

export const CALENDAR_DAY_KINDS = ['holiday', 'workday'] as const;
/** `holiday`: a public holiday (放假), not a working day; `workday`: a make-up working day (调休上班) on a weekend. */
export type CalendarDayKind = (typeof CALENDAR_DAY_KINDS)[number];

/**
 * A special day of the official calendar (docs/adr/0039): a public holiday or a make-up working day,
 * as the State Council's yearly notice (国务院办公厅关于部分节假日安排的通知) lists them. Every other
 * day is a working day from Monday to Friday. Dates are Asia/Shanghai calendar dates.
 */
@Entity('calendar_days')
@Check('ck_calendar_days_kind', `"kind" IN ('holiday', 'workday')`)
export class CalendarDayEntity {
  /** 'YYYY-MM-DD'. */
  @PrimaryColumn({ type: 'date' })
  date: string;

  @Column({ type: 'text' })
  kind: CalendarDayKind;

  /** The festival the day belongs to, e.g. 元旦, 春节, 国庆节. */
  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;

  /** The admin who set it; null for the rows the migration seeded. */
  @Column({ type: 'uuid', nullable: true })
  updatedBy: string | null;
}
