import { drawKey, drawOrder, drawPanel, DrawCandidate, weightedDrawOrder } from './panel-draw';

const SEED = 'ab'.repeat(32);
const ids = Array.from(
  { length: 10 },
  (_, i) => `00000000-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`,
);
const candidates = (enterprise: number[]): DrawCandidate[] =>
  ids.map((expertId, i) => ({ expertId, enterprise: enterprise.includes(i) }));

describe('drawOrder', () => {
  it('is a function of the seed and the ids, whatever the input order', () => {
    const a = drawOrder(SEED, candidates([]));
    const b = drawOrder(SEED, [...candidates([])].reverse());
    expect(a).toEqual(b);
    expect(a.map((c) => c.expertId)).toEqual(
      [...ids].sort((x, y) => (drawKey(SEED, x) < drawKey(SEED, y) ? -1 : 1)),
    );
  });

  it('changes with the seed', () => {
    const other = drawOrder('cd'.repeat(32), candidates([])).map((c) => c.expertId);
    expect(other).not.toEqual(drawOrder(SEED, candidates([])).map((c) => c.expertId));
  });
});

describe('drawPanel', () => {
  it('takes the enterprise minimum first, then fills in draw order, then reserves', () => {
    const pool = candidates([8, 9]);
    const result = drawPanel(SEED, pool, { panelSize: 5, minEnterprise: 2, reserves: 2 });
    if (!result.ok) throw new Error('expected a panel');
    expect(result.members).toHaveLength(5);
    expect(result.members).toEqual(expect.arrayContaining([ids[8], ids[9]]));
    const order = result.order;
    const others = order.filter((id) => id !== ids[8] && id !== ids[9]);
    expect(result.members.filter((id) => id !== ids[8] && id !== ids[9])).toEqual(others.slice(0, 3));
    expect(result.reserves).toEqual(others.slice(3, 5));
    // members in draw order
    expect(result.members).toEqual(order.filter((id) => result.members.includes(id)));
  });

  it('names what is missing', () => {
    expect(
      drawPanel(SEED, candidates([1]).slice(0, 6), { panelSize: 5, minEnterprise: 2, reserves: 2 }),
    ).toEqual({
      ok: false,
      missingExperts: 1,
      missingEnterpriseExperts: 1,
      candidates: 6,
      enterpriseCandidates: 1,
    });
  });
});

describe('weighted draw (drawFitWeighting)', () => {
  const weighted = (fits: number[]): DrawCandidate[] =>
    ids.map((expertId, i) => ({ expertId, enterprise: i >= 8, fit: fits[i] }));

  it('replays: the same seed, candidates and fits give the same panel, whatever the input order', () => {
    const pool = weighted([0.9, 0.1, 0.5, 0.3, 0.7, 0.2, 0.4, 0.6, 0.8, 0.05]);
    const request = { panelSize: 5, minEnterprise: 1, reserves: 2 };
    const a = drawPanel(SEED, pool, request, true);
    const b = drawPanel(SEED, [...pool].reverse(), request, true);
    expect(a).toEqual(b);
    expect(drawPanel('cd'.repeat(32), pool, request, true)).not.toEqual(a);
  });

  it('stays random but favours the fitter: over 2,000 seeds the fit-0.9 expert comes first far more often', () => {
    const pool = weighted([0.9, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]);
    const firsts = new Map<string, number>();
    for (let s = 0; s < 2000; s++) {
      const seed = drawKey(SEED, String(s));
      const first = weightedDrawOrder(seed, pool)[0].expertId;
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    // Expected share 0.9 / 1.8 = 50%, each other expert 0.1 / 1.8 ≈ 5.6%.
    expect(firsts.get(ids[0])!).toBeGreaterThan(800);
    expect(firsts.get(ids[0])!).toBeLessThan(1200);
    expect(firsts.size).toBe(10);
  });

  it('is the plain draw when the program does not weight', () => {
    const pool = weighted([0.9, 0.1, 0.5, 0.3, 0.7, 0.2, 0.4, 0.6, 0.8, 0.05]);
    const request = { panelSize: 5, minEnterprise: 1, reserves: 2 };
    expect(drawPanel(SEED, pool, request)).toEqual(drawPanel(SEED, candidates([8, 9]), request));
  });
});
