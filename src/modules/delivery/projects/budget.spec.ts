import { allocateBudget, split } from './budget';

describe('allocateBudget', () => {
  it('gives a single line what it requested and the whole co-funding', () => {
    expect(allocateBudget(500_000_000, 200_000_000, [450_000_000])).toEqual([
      { fiscalFen: 450_000_000, issuerFen: 200_000_000 },
    ]);
  });

  it('gives horse-race lines their requests when they fit, co-funding in proportion', () => {
    expect(allocateBudget(1_000, 300, [600, 300])).toEqual([
      { fiscalFen: 600, issuerFen: 200 },
      { fiscalFen: 300, issuerFen: 100 },
    ]);
  });

  it('shares the fiscal amount in proportion when the requests exceed it, remainder on the first', () => {
    const lines = allocateBudget(1_000, 101, [1_000, 1_000, 1_000]);
    expect(lines.map((l) => l.fiscalFen)).toEqual([334, 333, 333]);
    expect(lines.map((l) => l.issuerFen)).toEqual([35, 33, 33]);
    expect(lines.reduce((a, l) => a + l.fiscalFen, 0)).toBe(1_000);
    expect(lines.reduce((a, l) => a + l.issuerFen, 0)).toBe(101);
  });

  it('splits co-funding equally when no line has fiscal money', () => {
    expect(allocateBudget(0, 10, [0, 0, 0]).map((l) => l.issuerFen)).toEqual([4, 3, 3]);
  });

  it('is exact for amounts beyond 2^53 / weight products (BigInt arithmetic)', () => {
    expect(split(9_000_000_000_000, [3_000_000_000_000, 6_000_000_000_000])).toEqual([
      3_000_000_000_000, 6_000_000_000_000,
    ]);
  });
});
