import {
  addWorkingDays,
  isWorkingDay,
  lastWorkingDay,
  startOfZonedDay,
  WorkingDayCalendar,
  zonedDate,
} from './working-days';

const utc = (iso: string): Date => new Date(iso);
/** An ISO local time in Shanghai (UTC+8) as an instant. */
const shanghai = (local: string): Date => new Date(`${local}+08:00`);

// April 2025: Fri 18, Sat 19, Sun 20, Mon 21 … Fri 25, Sat 26, Sun 27, Mon 28, Tue 29, Wed 30.
// Labour Day 2025 (State Council notice): holidays Thu 1 – Mon 5 May, make-up working day Sun 27 April.
const LABOUR_DAY_2025: WorkingDayCalendar = {
  holidays: new Set(['2025-05-01', '2025-05-02', '2025-05-05']), // 3 and 4 May are a weekend anyway
  extraWorkingDays: new Set(['2025-04-27']),
};

describe('zonedDate', () => {
  it('reads the calendar date in the zone, not in UTC', () => {
    expect(zonedDate(utc('2025-04-17T15:59:59Z'))).toBe('2025-04-17'); // Thu 23:59:59 Shanghai
    expect(zonedDate(utc('2025-04-17T16:00:00Z'))).toBe('2025-04-18'); // Fri 00:00 Shanghai, still Thu in UTC
    expect(zonedDate(utc('2025-04-17T16:00:00Z'), 'UTC')).toBe('2025-04-17');
    expect(zonedDate(utc('2025-12-31T16:00:00Z'))).toBe('2026-01-01');
  });

  it('refuses an invalid date and an unknown zone', () => {
    expect(() => zonedDate(new Date('nope'))).toThrow(RangeError);
    expect(() => zonedDate(utc('2025-04-17T00:00:00Z'), 'Asia/Nowhere')).toThrow(RangeError);
  });
});

describe('startOfZonedDay', () => {
  it('is 00:00 in the zone', () => {
    expect(startOfZonedDay('2025-04-26').toISOString()).toBe('2025-04-25T16:00:00.000Z');
    expect(startOfZonedDay('2025-04-26', 'UTC').toISOString()).toBe('2025-04-26T00:00:00.000Z');
    expect(startOfZonedDay('2025-01-01').toISOString()).toBe('2024-12-31T16:00:00.000Z');
  });

  it('follows a DST zone on both sides of a change (generic, though Shanghai has none)', () => {
    // New York: EST (−5) until 2025-03-09 02:00, EDT (−4) after; the 9th begins in EST.
    expect(startOfZonedDay('2025-03-09', 'America/New_York').toISOString()).toBe('2025-03-09T05:00:00.000Z');
    expect(startOfZonedDay('2025-03-10', 'America/New_York').toISOString()).toBe('2025-03-10T04:00:00.000Z');
    expect(startOfZonedDay('2025-11-03', 'America/New_York').toISOString()).toBe('2025-11-03T05:00:00.000Z');
  });

  it('finds the first instant when a transition skips midnight', () => {
    // Santiago de Chile moved clocks from 2022-09-11 00:00 to 01:00 (−4 → −3): that day starts at 01:00.
    expect(startOfZonedDay('2022-09-11', 'America/Santiago').toISOString()).toBe('2022-09-11T04:00:00.000Z');
  });

  it.each([['2025-02-29'], ['2025-4-1'], ['20250401'], ['2025-13-01']])('refuses %p', (date) => {
    expect(() => startOfZonedDay(date)).toThrow(RangeError);
  });
});

describe('isWorkingDay', () => {
  it('Monday to Friday are working days, Saturday and Sunday are not', () => {
    expect(['2025-04-18', '2025-04-19', '2025-04-20', '2025-04-21'].map((d) => isWorkingDay(d))).toEqual([
      true,
      false,
      false,
      true,
    ]);
  });

  it('a holiday is not; a make-up day (调休) is', () => {
    expect(isWorkingDay('2025-05-01', LABOUR_DAY_2025)).toBe(false);
    expect(isWorkingDay('2025-04-27', LABOUR_DAY_2025)).toBe(true);
    expect(isWorkingDay('2025-04-26', LABOUR_DAY_2025)).toBe(false);
    expect(isWorkingDay('2025-04-30', LABOUR_DAY_2025)).toBe(true);
  });

  it('refuses malformed or contradictory calendars', () => {
    expect(() => isWorkingDay('2025-04-18', { holidays: new Set(['2025-5-1']) })).toThrow(/holidays/);
    expect(() => isWorkingDay('2025-04-18', { extraWorkingDays: new Set(['27/04/2025']) })).toThrow(
      /extraWorkingDays/,
    );
    expect(() =>
      isWorkingDay('2025-04-18', {
        holidays: new Set(['2025-04-27']),
        extraWorkingDays: new Set(['2025-04-27']),
      }),
    ).toThrow(/both/);
  });
});

describe('addWorkingDays', () => {
  it('Friday 15:00 Shanghai + 5 → next Friday 24:00 Shanghai = Friday 16:00 UTC', () => {
    const end = addWorkingDays(shanghai('2025-04-18T15:00:00'), 5);
    expect(end.toISOString()).toBe('2025-04-25T16:00:00.000Z');
    expect(zonedDate(end)).toBe('2025-04-26'); // the first instant of Saturday: no longer in the period
  });

  it('the start day never counts, even a working day started at 00:00', () => {
    expect(addWorkingDays(shanghai('2025-04-21T00:00:00'), 1).toISOString()).toBe('2025-04-22T16:00:00.000Z');
    expect(addWorkingDays(shanghai('2025-04-21T23:59:59'), 1).toISOString()).toBe('2025-04-22T16:00:00.000Z');
  });

  it('skips a weekend', () => {
    // Wed 23 → Thu 24, Fri 25, (Sat, Sun), Mon 28 → ends Mon 28 24:00 Shanghai
    expect(addWorkingDays(shanghai('2025-04-23T10:00:00'), 3).toISOString()).toBe('2025-04-28T16:00:00.000Z');
    // Fri + 1 → Monday
    expect(addWorkingDays(shanghai('2025-04-18T09:00:00'), 1).toISOString()).toBe('2025-04-21T16:00:00.000Z');
  });

  it('spans several weekends', () => {
    // Mon 7 April + 15 → Tue 8 … Mon 28 (3 weeks of 5) → ends Mon 28 24:00
    expect(addWorkingDays(shanghai('2025-04-07T12:00:00'), 15).toISOString()).toBe(
      '2025-04-28T16:00:00.000Z',
    );
  });

  it('started on a Saturday or a Sunday: the next Monday is day 1', () => {
    const expected = '2025-04-25T16:00:00.000Z';
    expect(addWorkingDays(shanghai('2025-04-19T11:00:00'), 5).toISOString()).toBe(expected);
    expect(addWorkingDays(shanghai('2025-04-20T23:00:00'), 5).toISOString()).toBe(expected);
    expect(addWorkingDays(shanghai('2025-04-19T11:00:00'), 1).toISOString()).toBe('2025-04-21T16:00:00.000Z');
  });

  describe('the day is the Shanghai day, not the UTC day', () => {
    it('Thursday 23:59 vs Friday 00:00 Shanghai (both Thursday in UTC)', () => {
      // Thu 17 23:59 Shanghai: Fri 18, Mon 21 … Thu 24 → ends Thu 24 24:00
      expect(addWorkingDays(utc('2025-04-17T15:59:00Z'), 5).toISOString()).toBe('2025-04-24T16:00:00.000Z');
      // Fri 18 00:00 Shanghai: Mon 21 … Fri 25 → ends Fri 25 24:00
      expect(addWorkingDays(utc('2025-04-17T16:00:00Z'), 5).toISOString()).toBe('2025-04-25T16:00:00.000Z');
    });

    it('Sunday 23:59 vs Monday 00:00 Shanghai (both Sunday in UTC)', () => {
      expect(addWorkingDays(utc('2025-04-20T15:59:59.999Z'), 5).toISOString()).toBe(
        '2025-04-25T16:00:00.000Z',
      );
      expect(addWorkingDays(utc('2025-04-20T16:00:00Z'), 5).toISOString()).toBe('2025-04-28T16:00:00.000Z');
    });

    it('in UTC the same instants fall on other days', () => {
      expect(addWorkingDays(utc('2025-04-17T16:00:00Z'), 5, 'UTC').toISOString()).toBe(
        '2025-04-25T00:00:00.000Z',
      );
    });
  });

  it('skips holidays (weekends only by default)', () => {
    const start = shanghai('2025-04-28T09:00:00'); // Mon 28
    // no calendar: Tue 29, Wed 30, Thu 1, Fri 2, Mon 5 → ends Mon 5 May 24:00
    expect(addWorkingDays(start, 5).toISOString()).toBe('2025-05-05T16:00:00.000Z');
    // Labour Day: Tue 29, Wed 30, (1–5 May off), Tue 6, Wed 7, Thu 8 → ends Thu 8 May 24:00
    expect(addWorkingDays(start, 5, 'Asia/Shanghai', LABOUR_DAY_2025).toISOString()).toBe(
      '2025-05-08T16:00:00.000Z',
    );
    expect(addWorkingDays(start, 5, undefined, { holidays: LABOUR_DAY_2025.holidays }).toISOString()).toBe(
      '2025-05-08T16:00:00.000Z',
    );
  });

  it('counts a make-up working day (调休) on a weekend', () => {
    const friday = shanghai('2025-04-25T15:00:00');
    // Sun 27 (调休), Mon 28, Tue 29, Wed 30, (1–5 May off), Tue 6 May → ends Tue 6 May 24:00
    expect(addWorkingDays(friday, 5, 'Asia/Shanghai', LABOUR_DAY_2025).toISOString()).toBe(
      '2025-05-06T16:00:00.000Z',
    );
    // the make-up day alone: Sun 27 is day 1
    expect(
      addWorkingDays(friday, 1, 'Asia/Shanghai', {
        extraWorkingDays: LABOUR_DAY_2025.extraWorkingDays,
      }).toISOString(),
    ).toBe('2025-04-27T16:00:00.000Z');
    // without any calendar: Mon 28 … Fri 2 May
    expect(addWorkingDays(friday, 5).toISOString()).toBe('2025-05-02T16:00:00.000Z');
  });

  it('a start on a holiday does not count either', () => {
    expect(
      addWorkingDays(shanghai('2025-05-01T10:00:00'), 1, 'Asia/Shanghai', LABOUR_DAY_2025).toISOString(),
    ).toBe('2025-05-06T16:00:00.000Z');
  });

  it('crosses a year end', () => {
    // Wed 31 Dec 2025 → Thu 1, Fri 2, Mon 5 Jan 2026
    expect(addWorkingDays(shanghai('2025-12-31T18:00:00'), 3).toISOString()).toBe('2026-01-05T16:00:00.000Z');
  });

  it('does not change or depend on the milliseconds of the start', () => {
    const start = shanghai('2025-04-18T15:00:00.789');
    expect(addWorkingDays(start, 5).toISOString()).toBe('2025-04-25T16:00:00.000Z');
    expect(start.toISOString()).toBe('2025-04-18T07:00:00.789Z');
  });

  it.each([[0], [-1], [1.5], [NaN], [Infinity]])('refuses days = %p', (days) => {
    expect(() => addWorkingDays(shanghai('2025-04-18T15:00:00'), days)).toThrow(RangeError);
  });

  it('refuses an invalid start, an unknown zone, a malformed calendar', () => {
    expect(() => addWorkingDays(new Date('nope'), 5)).toThrow(/start/);
    expect(() => addWorkingDays(shanghai('2025-04-18T15:00:00'), 5, 'Mars/Olympus')).toThrow(RangeError);
    expect(() =>
      addWorkingDays(shanghai('2025-04-18T15:00:00'), 5, undefined, { holidays: new Set(['x']) }),
    ).toThrow(/holidays/);
  });
});

describe('lastWorkingDay', () => {
  it('is the Shanghai date of the last day in the period', () => {
    expect(lastWorkingDay(shanghai('2025-04-18T15:00:00'), 5)).toBe('2025-04-25');
    expect(lastWorkingDay(shanghai('2025-04-25T15:00:00'), 5, undefined, LABOUR_DAY_2025)).toBe('2025-05-06');
  });
});

describe('the official calendar of 2027 (元旦 and 春节, as seeded by migration OfficialCalendar)', () => {
  // 元旦: Fri 1 – Sun 3 January. 春节: Fri 5 (除夕) – Fri 12 February; make-up working days Sun 31
  // January and Sat 13 February (the expected arrangement, docs/adr/0039).
  const days = (from: string, to: string): string[] => {
    const out: string[] = [];
    for (
      let d = new Date(`${from}T00:00:00Z`);
      d <= new Date(`${to}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() + 1)
    ) {
      out.push(d.toISOString().slice(0, 10));
    }
    return out;
  };
  const CALENDAR_2027: WorkingDayCalendar = {
    holidays: new Set([...days('2027-01-01', '2027-01-03'), ...days('2027-02-05', '2027-02-12')]),
    extraWorkingDays: new Set(['2027-01-31', '2027-02-13']),
  };

  it('元旦 Friday 1 January is not a working day; Monday 4 is', () => {
    expect(isWorkingDay('2027-01-01')).toBe(true); // weekends only: a Friday
    expect(isWorkingDay('2027-01-01', CALENDAR_2027)).toBe(false);
    expect(isWorkingDay('2027-01-04', CALENDAR_2027)).toBe(true);
  });

  it('the publicity that counted 元旦 ends a day later by the calendar', () => {
    // Thursday 31 December 2026 15:00, 5 working days: weekends only Fri 1, Mon 4 … Thu 7;
    // by the calendar Mon 4 … Fri 8.
    const start = shanghai('2026-12-31T15:00:00');
    expect(lastWorkingDay(start, 5)).toBe('2027-01-07');
    expect(lastWorkingDay(start, 5, undefined, CALENDAR_2027)).toBe('2027-01-08');
    expect(addWorkingDays(start, 5, undefined, CALENDAR_2027).toISOString()).toBe('2027-01-08T16:00:00.000Z');
  });

  it('春节: the holiday weekdays do not count, the make-up Sunday and Saturday do', () => {
    expect(days('2027-02-05', '2027-02-12').filter((d) => isWorkingDay(d, CALENDAR_2027))).toEqual([]);
    expect(isWorkingDay('2027-01-31', CALENDAR_2027)).toBe(true); // Sunday
    expect(isWorkingDay('2027-02-13', CALENDAR_2027)).toBe(true); // Saturday
    expect(isWorkingDay('2027-02-14', CALENDAR_2027)).toBe(false); // Sunday
    // Friday 29 January 2027 10:00, 3 working days: Sun 31 Jan, Mon 1, Tue 2 Feb.
    expect(lastWorkingDay(shanghai('2027-01-29T10:00:00'), 3, undefined, CALENDAR_2027)).toBe('2027-02-02');
    // Thursday 4 February, 2 working days: Sat 13 (make-up), Mon 15 (weekends only: Fri 5, Mon 8).
    expect(lastWorkingDay(shanghai('2027-02-04T10:00:00'), 2, undefined, CALENDAR_2027)).toBe('2027-02-15');
    expect(lastWorkingDay(shanghai('2027-02-04T10:00:00'), 2)).toBe('2027-02-08');
  });

  it('a span crossing both: 30 working days from Thursday 31 December 2026 end Thursday 18 February', () => {
    // Jan 4–8, 11–15, 18–22, 25–29 (20), Sun 31 (21), Feb 1–4 (25), Sat 13 (26), Feb 15–18 (30).
    const start = shanghai('2026-12-31T15:00:00');
    expect(addWorkingDays(start, 30, undefined, CALENDAR_2027).toISOString()).toBe(
      '2027-02-18T16:00:00.000Z',
    );
    // Weekends only, it would have ended a week earlier, on Thursday 11 February.
    expect(lastWorkingDay(start, 30)).toBe('2027-02-11');
  });
});
