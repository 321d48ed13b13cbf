import { assembleFunnel, FunnelRow, roundDays, stepsOf } from './transfer-funnel';

describe('transfer funnel', () => {
  it('rounds days to 0.01 and keeps null', () => {
    expect(roundDays(58.666666)).toBe(58.67);
    expect(roundDays('3.004')).toBe(3);
    expect(roundDays(null)).toBeNull();
  });

  it('always answers the six steps in order, a missing one as 0 without durations, filed without durations', () => {
    const steps = stepsOf([
      { step: 'refined', grouping: 'all', key: null, count: 2, median: 3, mean: 3.5 },
      { step: 'filed', grouping: 'all', key: null, count: 4, median: null, mean: null },
      { step: 'contracts', grouping: 'all', key: null, count: 1, median: 46, mean: 46 },
    ]);
    expect(steps).toEqual([
      { step: 'filed', count: 4, medianDaysFromPrevious: null, meanDaysFromPrevious: null },
      { step: 'refined', count: 2, medianDaysFromPrevious: 3, meanDaysFromPrevious: 3.5 },
      { step: 'listed', count: 0, medianDaysFromPrevious: null, meanDaysFromPrevious: null },
      { step: 'projects', count: 0, medianDaysFromPrevious: null, meanDaysFromPrevious: null },
      { step: 'results', count: 0, medianDaysFromPrevious: null, meanDaysFromPrevious: null },
      { step: 'contracts', count: 1, medianDaysFromPrevious: 46, meanDaysFromPrevious: 46 },
    ]);
  });

  it('splits the grouping sets into the whole funnel and per chain and region, ordered by code', () => {
    const rows: FunnelRow[] = [
      { step: 'filed', grouping: 'all', key: null, count: 3, median: null, mean: null },
      { step: 'filed', grouping: 'chain', key: 'new_materials', count: 2, median: null, mean: null },
      { step: 'filed', grouping: 'chain', key: 'biomedicine', count: 1, median: null, mean: null },
      { step: 'refined', grouping: 'chain', key: 'biomedicine', count: 1, median: 4, mean: 4 },
      { step: 'filed', grouping: 'region', key: '360702', count: 3, median: null, mean: null },
    ];
    const funnel = assembleFunnel(rows);
    expect(funnel.steps.map((s) => s.count)).toEqual([3, 0, 0, 0, 0, 0]);
    expect(funnel.byChain.map((c) => [c.industryChainCode, c.steps[0].count, c.steps[1].count])).toEqual([
      ['biomedicine', 1, 1],
      ['new_materials', 2, 0],
    ]);
    expect(funnel.byRegion).toHaveLength(1);
    expect(funnel.byRegion[0].regionCode).toBe('360702');
    expect(assembleFunnel([]).steps.every((s) => s.count === 0)).toBe(true);
  });
});
