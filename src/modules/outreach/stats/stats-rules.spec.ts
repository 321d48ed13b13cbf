import { average, APPLICATION_BUCKETS, fenFromSum, rate } from './stats-rules';

describe('stats rules', () => {
  it('rate: 4 decimals, null when nothing is decided', () => {
    expect(rate(2, 3)).toBe(0.6667);
    expect(rate(1, 3)).toBe(0.3333);
    expect(rate(3, 3)).toBe(1);
    expect(rate(0, 5)).toBe(0);
    expect(rate(0, 0)).toBeNull();
  });

  it('average: 2 decimals, null without challenges', () => {
    expect(average(7, 3)).toBe(2.33);
    expect(average(5, 2)).toBe(2.5);
    expect(average(0, 0)).toBeNull();
  });

  it('the application buckets cover every count exactly once, without gaps', () => {
    for (let n = 0; n <= 50; n++) {
      const hits = APPLICATION_BUCKETS.filter((b) => n >= b.min && (b.max === null || n <= b.max));
      expect(hits).toHaveLength(1);
    }
    expect(APPLICATION_BUCKETS.map((b) => b.bucket)).toEqual(['0', '1', '2', '3-5', '6-10', '11+']);
  });

  it('fenFromSum: numeric text to an integer, refused beyond 2^53 instead of rounded', () => {
    expect(fenFromSum('123456789012')).toBe(123_456_789_012);
    expect(fenFromSum(null)).toBe(0);
    expect(() => fenFromSum('9007199254740993')).toThrow('outside the safe integer range');
  });
});
