import { OFFICIAL_CALENDAR_SEED, seededDays } from '../../../../migrations/1763701960000-OfficialCalendar';
import { isoWeekday } from './calendar-dates';

const seed = (year: number) => OFFICIAL_CALENDAR_SEED.find((y) => y.year === year)!;
const ofKind = (year: number, kind: 'holiday' | 'workday') =>
  seededDays(seed(year))
    .filter((d) => d.kind === kind)
    .map((d) => d.date);

describe('the official calendar seeded by the migration', () => {
  it('covers 2025, 2026 and 2027; only 2027 is provisional', () => {
    expect(OFFICIAL_CALENDAR_SEED.map((y) => [y.year, y.provisional])).toEqual([
      [2025, false],
      [2026, false],
      [2027, true],
    ]);
  });

  it.each([2025, 2026, 2027])(
    '%i: every date in its year, once; every make-up working day a weekend',
    (year) => {
      const days = seededDays(seed(year));
      expect(days.every((d) => d.date.startsWith(`${year}-`))).toBe(true);
      expect(new Set(days.map((d) => d.date)).size).toBe(days.length);
      expect(
        ofKind(year, 'workday')
          .map(isoWeekday)
          .every((w) => w >= 6),
      ).toBe(true);
    },
  );

  it('2025 (国办发明电〔2024〕12号): 春节 28 Jan – 4 Feb with 26 Jan and 8 Feb worked; 国庆 1–8 Oct', () => {
    expect(ofKind(2025, 'workday')).toEqual([
      '2025-01-26',
      '2025-02-08',
      '2025-04-27',
      '2025-09-28',
      '2025-10-11',
    ]);
    expect(ofKind(2025, 'holiday')).toHaveLength(1 + 8 + 3 + 5 + 3 + 8);
  });

  it('2026: 春节 15–23 Feb (9 days) with 14 and 28 Feb worked; 国庆 1–7 Oct with 20 Sep and 10 Oct worked', () => {
    expect(ofKind(2026, 'workday')).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
    expect(ofKind(2026, 'holiday')).toEqual(
      expect.arrayContaining(['2026-02-15', '2026-02-23', '2026-10-07']),
    );
  });

  it('2027 (expected): 元旦 Fri 1 Jan; 春节 from 除夕 Fri 5 Feb for 8 days, Sun 31 Jan and Sat 13 Feb worked', () => {
    expect(ofKind(2027, 'holiday')).toEqual(
      expect.arrayContaining(['2027-01-01', '2027-02-05', '2027-02-12']),
    );
    expect(ofKind(2027, 'holiday')).not.toContain('2027-02-13');
    expect(ofKind(2027, 'workday')).toEqual(expect.arrayContaining(['2027-01-31', '2027-02-13']));
  });
});
