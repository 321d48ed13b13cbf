import { planTranches, splitRemainderLast } from './tranche-plan';

const ms = (...shares: number[]) =>
  shares.map((sharePercent, i) => ({ id: `m${i + 1}`, position: i + 1, sharePercent }));
const sum = (xs: Array<{ amountFen: number }>) => xs.reduce((a, x) => a + x.amountFen, 0);

describe('splitRemainderLast', () => {
  it('floors each share and puts the remainder on the last', () => {
    expect(splitRemainderLast(100, [1, 1, 1])).toEqual([33, 33, 34]);
    expect(splitRemainderLast(7, [40, 60])).toEqual([2, 5]);
    expect(splitRemainderLast(0, [40, 60])).toEqual([0, 0]);
    expect(splitRemainderLast(5, [])).toEqual([]);
  });
});

describe('planTranches', () => {
  it('first 30%, final 20%, the middle by milestone shares: the sum is the amount exactly', () => {
    const plan = planTranches(1_000_000_01, { firstTranchePercent: 30, finalTranchePercent: 20 }, ms(40, 60));
    expect(plan).toEqual([
      { kind: 'first', milestoneId: null, milestonePosition: null, sequence: 1, amountFen: 30_000_000 },
      { kind: 'milestone', milestoneId: 'm1', milestonePosition: 1, sequence: 2, amountFen: 20_000_000 },
      { kind: 'milestone', milestoneId: 'm2', milestonePosition: 2, sequence: 3, amountFen: 30_000_001 },
      { kind: 'final', milestoneId: null, milestonePosition: null, sequence: 4, amountFen: 20_000_000 },
    ]);
    expect(sum(plan)).toBe(1_000_000_01);
  });

  it('rounds every percentage down and puts all the remainder on the last milestone', () => {
    // A = 999: first floor(299.7) = 299, final floor(199.8) = 199, M = 501 → 33/33/34 % → 165, 165, 171.
    const plan = planTranches(999, { firstTranchePercent: 30, finalTranchePercent: 20 }, ms(33, 33, 34));
    expect(plan.map((t) => t.amountFen)).toEqual([299, 165, 165, 171, 199]);
    expect(sum(plan)).toBe(999);
  });

  it('sorts milestones by position and the remainder lands on the highest position', () => {
    const shuffled = [
      { id: 'b', position: 2, sharePercent: 50 },
      { id: 'a', position: 1, sharePercent: 50 },
    ];
    const plan = planTranches(101, { firstTranchePercent: 0, finalTranchePercent: 0 }, shuffled);
    expect(plan.map((t) => [t.milestoneId, t.amountFen, t.sequence])).toEqual([
      ['a', 50, 1],
      ['b', 51, 2],
    ]);
  });

  it('leaves out tranches of 0 fen and numbers the rest from 1', () => {
    expect(planTranches(0, { firstTranchePercent: 30, finalTranchePercent: 20 }, ms(100))).toEqual([]);
    const plan = planTranches(3, { firstTranchePercent: 30, finalTranchePercent: 20 }, ms(50, 50));
    // first floor(0.9) = 0, final 0, M = 3 → 1, 2.
    expect(plan.map((t) => [t.kind, t.amountFen, t.sequence])).toEqual([
      ['milestone', 1, 1],
      ['milestone', 2, 2],
    ]);
  });

  it('first + final = 100%: no money is left for the milestones', () => {
    const plan = planTranches(1000, { firstTranchePercent: 80, finalTranchePercent: 20 }, ms(40, 60));
    expect(plan.map((t) => [t.kind, t.amountFen])).toEqual([
      ['first', 800],
      ['final', 200],
    ]);
  });

  it('without milestones the middle goes with the final tranche', () => {
    const plan = planTranches(1001, { firstTranchePercent: 30, finalTranchePercent: 20 }, []);
    expect(plan.map((t) => [t.kind, t.amountFen])).toEqual([
      ['first', 300],
      ['final', 701],
    ]);
  });

  it('never exceeds the amount and always adds up to it (many amounts and shares)', () => {
    for (let a = 0; a < 2000; a += 37) {
      for (const [f, l] of [
        [30, 20],
        [33, 17],
        [0, 0],
        [100, 0],
        [1, 99],
      ]) {
        const plan = planTranches(a, { firstTranchePercent: f, finalTranchePercent: l }, ms(13, 29, 58));
        expect(sum(plan)).toBe(a);
        expect(plan.every((t) => t.amountFen > 0)).toBe(true);
        const first = plan.find((t) => t.kind === 'first')?.amountFen ?? 0;
        expect(first).toBeLessThanOrEqual(Math.floor((a * f) / 100));
      }
    }
  });

  it('is exact for amounts beyond 2^32 fen (bigint arithmetic)', () => {
    const a = 9_000_000_000_007;
    const plan = planTranches(a, { firstTranchePercent: 30, finalTranchePercent: 20 }, ms(33, 67));
    expect(sum(plan)).toBe(a);
  });

  it('refuses percents over 100 together', () => {
    expect(() => planTranches(100, { firstTranchePercent: 90, finalTranchePercent: 20 }, ms(100))).toThrow();
  });
});
