import { drawKey, drawOrder, drawPanel, DrawCandidate } from './panel-draw';

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
