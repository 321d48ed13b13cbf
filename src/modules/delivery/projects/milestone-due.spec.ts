import { milestoneDueAt } from './milestone-due';

describe('milestoneDueAt', () => {
  it('is the end of the Shanghai day dueMonth months after activation', () => {
    // 2027-03-10 10:00 Shanghai → 2027-09-10 23:59:59.999 Shanghai = 15:59:59.999Z
    expect(milestoneDueAt(new Date('2027-03-10T02:00:00Z'), 6).toISOString()).toBe(
      '2027-09-10T15:59:59.999Z',
    );
  });

  it('uses the Shanghai date, not the UTC date (activated after 16:00Z)', () => {
    // 2027-03-10T17:00Z is 2027-03-11 01:00 in Shanghai
    expect(milestoneDueAt(new Date('2027-03-10T17:00:00Z'), 1).toISOString()).toBe(
      '2027-04-11T15:59:59.999Z',
    );
  });

  it('clamps to the last day of a shorter month and crosses years', () => {
    expect(milestoneDueAt(new Date('2027-01-31T04:00:00Z'), 1).toISOString()).toBe(
      '2027-02-28T15:59:59.999Z',
    );
    expect(milestoneDueAt(new Date('2027-11-30T04:00:00Z'), 3).toISOString()).toBe(
      '2028-02-29T15:59:59.999Z',
    );
  });
});
