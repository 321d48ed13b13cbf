import { knowsProgram, partsOf, programsOf, StatsFigures } from './stats-figures';

const figures: StatsFigures = {
  programs: [
    ['p1', 2027],
    ['p2', 2027],
    ['p3', 2028],
  ],
  groups: [
    { p: 'p1', dim: 'all', key: null, n: 2, t: '9007199254740990', f: '10', c: '5' },
    { p: 'p1', dim: 'region', key: '360100', n: 2, t: '9007199254740990', f: '10', c: '5' },
    { p: 'p2', dim: 'all', key: null, n: 1, t: '7', f: '4', c: '3' },
    { p: 'p2', dim: 'region', key: '360100', n: 1, t: '7', f: '4', c: '3' },
    { p: 'p3', dim: 'all', key: null, n: 1, t: '1', f: '1', c: '0' },
    { p: 'p3', dim: 'status', key: 'open', n: 1, t: '1', f: '1', c: '0' },
  ],
  applications: [
    { p: 'p1', k: 0, n: 1 },
    { p: 'p1', k: 4, n: 1 },
    { p: 'p2', k: 4, n: 2 },
    { p: 'p3', k: 12, n: 1 },
  ],
  acceptances: [
    { p: 'p1', passed: 2, failed: 1 },
    { p: 'p3', passed: 0, failed: 4 },
  ],
  categories: [],
  chains: [],
};

describe('stored statistics: a filter’s parts from the per-program figures', () => {
  it('a filter is a set of programs: one, those of a year, both (intersected), or all (null)', () => {
    expect(programsOf(figures, {})).toBeNull();
    expect(programsOf(figures, { year: 2027 })).toEqual(new Set(['p1', 'p2']));
    expect(programsOf(figures, { programId: 'p3' })).toEqual(new Set(['p3']));
    expect(programsOf(figures, { programId: 'p3', year: 2027 })).toEqual(new Set());
    expect(programsOf(figures, { year: 2030 })).toEqual(new Set());
    expect(knowsProgram(figures, 'p2')).toBe(true);
    expect(knowsProgram(figures, 'p9')).toBe(false);
  });

  it('adds counts and sums per grouping exactly (beyond 2^53, as text), the histogram by bucket', () => {
    const parts = partsOf(figures, new Set(['p1', 'p2']));
    expect(parts.groups).toEqual([
      { set: 'all', key: null, n: 3, total_fen: '9007199254740997', fiscal_fen: '14', cofunding_fen: '8' },
      {
        set: 'region',
        key: '360100',
        n: 3,
        total_fen: '9007199254740997',
        fiscal_fen: '14',
        cofunding_fen: '8',
      },
    ]);
    expect(parts.applications).toEqual({ lists: 4, bids: '12', buckets: [1, 0, 0, 3, 0, 0] });
    expect(parts.acceptances).toEqual({ passed: 2, failed: 1 });

    const all = partsOf(figures, null);
    expect(all.applications).toEqual({ lists: 5, bids: '24', buckets: [1, 0, 0, 3, 0, 1] });
    expect(all.acceptances).toEqual({ passed: 2, failed: 5 });
    expect(all.groups.find((g) => g.set === 'status')).toMatchObject({ key: 'open', n: 1 });
  });

  it('nothing in scope: the `all` row with null sums, as the live GROUPING SETS gives it', () => {
    const parts = partsOf(figures, new Set());
    expect(parts.groups).toEqual([
      { set: 'all', key: null, n: 0, total_fen: null, fiscal_fen: null, cofunding_fen: null },
    ]);
    expect(parts.applications).toEqual({ lists: 0, bids: '0', buckets: [0, 0, 0, 0, 0, 0] });
    expect(parts.acceptances).toEqual({ passed: 0, failed: 0 });
  });
});
