import { MigrationInterface, QueryRunner } from 'typeorm';

type Kind = 'holiday' | 'workday';

export interface SeededYear {
  year: number;
  source: string;
  /** An expected arrangement, not the published notice: an admin confirms or corrects it. */
  provisional: boolean;
  /** [first date, last date, kind, name]: every date of the range, inclusive. */
  ranges: Array<[from: string, to: string, kind: Kind, name: string]>;
}

/**
 * The official calendar of 2025–2027 (docs/adr/0039). Holidays are listed with every day of the
 * period (weekend days included, as the notices give them); make-up working days (调休上班) are the
 * Saturdays and Sundays the notice names. Frozen with the migration: later changes are admin edits.
 */
export const OFFICIAL_CALENDAR_SEED: SeededYear[] = [
  {
    year: 2025,
    source: '国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）',
    provisional: false,
    ranges: [
      ['2025-01-01', '2025-01-01', 'holiday', '元旦'],
      ['2025-01-26', '2025-01-26', 'workday', '春节'],
      ['2025-01-28', '2025-02-04', 'holiday', '春节'],
      ['2025-02-08', '2025-02-08', 'workday', '春节'],
      ['2025-04-04', '2025-04-06', 'holiday', '清明节'],
      ['2025-04-27', '2025-04-27', 'workday', '劳动节'],
      ['2025-05-01', '2025-05-05', 'holiday', '劳动节'],
      ['2025-05-31', '2025-06-02', 'holiday', '端午节'],
      ['2025-09-28', '2025-09-28', 'workday', '国庆节、中秋节'],
      ['2025-10-01', '2025-10-08', 'holiday', '国庆节、中秋节'],
      ['2025-10-11', '2025-10-11', 'workday', '国庆节、中秋节'],
    ],
  },
  {
    year: 2026,
    source: '国务院办公厅关于2026年部分节假日安排的通知',
    provisional: false,
    ranges: [
      ['2026-01-01', '2026-01-03', 'holiday', '元旦'],
      ['2026-01-04', '2026-01-04', 'workday', '元旦'],
      ['2026-02-14', '2026-02-14', 'workday', '春节'],
      ['2026-02-15', '2026-02-23', 'holiday', '春节'],
      ['2026-02-28', '2026-02-28', 'workday', '春节'],
      ['2026-04-04', '2026-04-06', 'holiday', '清明节'],
      ['2026-05-01', '2026-05-05', 'holiday', '劳动节'],
      ['2026-05-09', '2026-05-09', 'workday', '劳动节'],
      ['2026-06-19', '2026-06-21', 'holiday', '端午节'],
      ['2026-09-20', '2026-09-20', 'workday', '国庆节'],
      ['2026-09-25', '2026-09-27', 'holiday', '中秋节'],
      ['2026-10-01', '2026-10-07', 'holiday', '国庆节'],
      ['2026-10-10', '2026-10-10', 'workday', '国庆节'],
    ],
  },
  {
    // PROVISIONAL: the expected arrangement under the rules of 全国年节及纪念日放假办法 (revised 2024:
    // 春节 除夕–初三, 劳动节 1–2 May, 国庆节 1–3 October; weekend days of a holiday made up on
    // weekdays; at most one working day per weekend), following the pattern of the 2025 and 2026
    // notices. NOT the State Council's notice: an admin must compare it with 国务院办公厅关于2027年
    // 部分节假日安排的通知 and load the published days (PUT /api/v1/calendar/2027). The festival
    // dates are certain (元旦 Fri 1 Jan; 除夕 Fri 5 Feb; 清明 Mon 5 Apr; 端午 Wed 9 Jun; 中秋 Wed
    // 15 Sep; 国庆 Fri 1 Oct); the spans and the make-up days are the expectation.
    year: 2027,
    source:
      '预计安排（待核对）：按《全国年节及纪念日放假办法》及2025、2026年通知的规律推算，须以国务院办公厅关于2027年部分节假日安排的通知为准',
    provisional: true,
    ranges: [
      ['2027-01-01', '2027-01-03', 'holiday', '元旦'],
      ['2027-01-31', '2027-01-31', 'workday', '春节'],
      ['2027-02-05', '2027-02-12', 'holiday', '春节'],
      ['2027-02-13', '2027-02-13', 'workday', '春节'],
      ['2027-04-03', '2027-04-05', 'holiday', '清明节'],
      ['2027-05-01', '2027-05-05', 'holiday', '劳动节'],
      ['2027-05-08', '2027-05-08', 'workday', '劳动节'],
      ['2027-06-09', '2027-06-09', 'holiday', '端午节'],
      ['2027-09-15', '2027-09-15', 'holiday', '中秋节'],
      ['2027-09-26', '2027-09-26', 'workday', '国庆节'],
      ['2027-10-01', '2027-10-07', 'holiday', '国庆节'],
      ['2027-10-09', '2027-10-09', 'workday', '国庆节'],
    ],
  },
];

/** Every date of the seed with its kind and name, in order. */
export function seededDays(year: SeededYear): Array<{ date: string; kind: Kind; name: string }> {
  const days: Array<{ date: string; kind: Kind; name: string }> = [];
  for (const [from, to, kind, name] of year.ranges) {
    for (
      let d = new Date(`${from}T00:00:00Z`);
      d <= new Date(`${to}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() + 1)
    ) {
      days.push({ date: d.toISOString().slice(0, 10), kind, name });
    }
  }
  return days;
}

/**
 * The official working-day calendar (docs/adr/0039): the special days (public holidays and make-up
 * working days) and, per year, whether it is loaded, with a version each process's cache checks.
 */
export class OfficialCalendar1763701960000 implements MigrationInterface {
  name = 'OfficialCalendar1763701960000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "calendar_days" (
        "date" date NOT NULL,
        "kind" text NOT NULL,
        "name" text NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_by" uuid,
        CONSTRAINT "ck_calendar_days_kind" CHECK ("kind" IN ('holiday', 'workday')),
        CONSTRAINT "pk_calendar_days" PRIMARY KEY ("date")
      )`);
    await queryRunner.query(`
      CREATE TABLE "calendar_years" (
        "year" integer NOT NULL,
        "loaded" boolean NOT NULL DEFAULT false,
        "provisional" boolean NOT NULL DEFAULT false,
        "source" text,
        "version" integer NOT NULL DEFAULT 1,
        "missing_warned_at" TIMESTAMP WITH TIME ZONE,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_by" uuid,
        CONSTRAINT "ck_calendar_years_year" CHECK ("year" BETWEEN 2000 AND 2100),
        CONSTRAINT "pk_calendar_years" PRIMARY KEY ("year")
      )`);
    for (const year of OFFICIAL_CALENDAR_SEED) {
      await queryRunner.query(
        `INSERT INTO "calendar_years" ("year", "loaded", "provisional", "source", "updated_at")
         VALUES ($1, true, $2, $3, now())`,
        [year.year, year.provisional, year.source],
      );
      const days = seededDays(year);
      await queryRunner.query(
        `INSERT INTO "calendar_days" ("date", "kind", "name", "updated_at")
         SELECT d, k, n, now() FROM unnest($1::date[], $2::text[], $3::text[]) AS t(d, k, n)`,
        [days.map((d) => d.date), days.map((d) => d.kind), days.map((d) => d.name)],
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "calendar_years"`);
    await queryRunner.query(`DROP TABLE "calendar_days"`);
  }
}
