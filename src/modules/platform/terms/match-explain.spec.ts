import type { StoredSubject } from './match-documents.repository';
import { explain } from './match-index.service';

const subject = (kind: StoredSubject['kind'], trl: number | null): StoredSubject => ({
  kind,
  id: `${kind}-1`,
  terms: ['永磁'],
  weights: [1],
  norm: 1,
  chains: ['rare_earths'],
  region: '360100',
  trl,
});

describe('explain: the TRL fit', () => {
  const coefficients = new Map([['永磁', 0.5]]);

  it("is the result's TRL against the need's, whichever of the two is the query", () => {
    // A need asking 6: a result at 3 falls short (⅓ less per level), one at 8 reaches it.
    expect(explain(subject('need', 6), subject('result', 3), coefficients).explanation.trl).toEqual({
      query: 6,
      candidate: 3,
      fit: 0,
    });
    expect(explain(subject('result', 3), subject('need', 6), coefficients).explanation.trl).toEqual({
      query: 3,
      candidate: 6,
      fit: 0,
    });
    expect(explain(subject('result', 8), subject('need', 6), coefficients).explanation.trl.fit).toBe(1);
    expect(explain(subject('result', 5), subject('need', 6), coefficients).explanation.trl.fit).toBeCloseTo(
      0.6667,
      4,
    );
  });

  it('scores the same pair the same from either side', () => {
    const need = subject('need', 6);
    const result = subject('result', 5);
    expect(explain(result, need, coefficients).score).toBe(explain(need, result, coefficients).score);
  });
});
