import { DEFAULT_PROGRAM_SETTINGS, DEFAULT_RUBRIC, Rubric } from '../../call/programs/program-settings';
import {
  aggregate,
  AggregationSettings,
  commentRequired,
  COMMENT_REQUIRED_BELOW_PERCENT,
  expertTotal,
  rank,
  RankInput,
  toTenths,
  validateComments,
  validateScores,
} from './scoring';

const SETTINGS: AggregationSettings = {
  aggregation: DEFAULT_PROGRAM_SETTINGS.aggregation,
  trimMinScores: DEFAULT_PROGRAM_SETTINGS.trimMinScores,
  outlierThresholdPoints: DEFAULT_PROGRAM_SETTINGS.outlierThresholdPoints,
  passLine: DEFAULT_PROGRAM_SETTINGS.passLine,
};

const FULL = {
  technical_approach: 30,
  team_capability: 25,
  indicator_commitments: 25,
  budget_soundness: 10,
  industrial_value: 10,
};

function fields(errors: Array<{ field: string }>): string[] {
  return errors.map((e) => e.field);
}

describe('toTenths', () => {
  it.each([
    [0, 0],
    [7, 70],
    [7.1, 71],
    [0.1, 1],
    [0.3, 3],
    [99.9, 999],
    [100, 1000],
    [-2.5, -25],
  ])('%p is %p tenths', (value, tenths) => {
    expect(toTenths(value)).toBe(tenths);
  });

  it.each([[7.15], [0.05], [0.1 + 0.2], [NaN], [Infinity], ['7'], [null], [undefined]])(
    'refuses %p',
    (value) => {
      expect(toTenths(value)).toBeNull();
    },
  );
});

describe('validateScores', () => {
  it('accepts complete scores in range, integer or one decimal', () => {
    expect(validateScores(DEFAULT_RUBRIC, FULL)).toEqual([]);
    expect(
      validateScores(DEFAULT_RUBRIC, {
        ...FULL,
        technical_approach: 0,
        team_capability: 7.1,
        budget_soundness: 9.9,
      }),
    ).toEqual([]);
  });

  it('refuses a score with two decimals, even when floating point hides it', () => {
    expect(fields(validateScores(DEFAULT_RUBRIC, { ...FULL, team_capability: 7.15 }))).toEqual([
      'scores.team_capability',
    ]);
    expect(fields(validateScores(DEFAULT_RUBRIC, { ...FULL, team_capability: 0.1 + 0.2 }))).toEqual([
      'scores.team_capability',
    ]);
  });

  it('refuses out of range, non-numbers and non-finite numbers', () => {
    const errors = validateScores(DEFAULT_RUBRIC, {
      technical_approach: 30.1,
      team_capability: -0.1,
      indicator_commitments: '20',
      budget_soundness: NaN,
      industrial_value: Infinity,
    });
    expect(fields(errors)).toEqual([
      'scores.technical_approach',
      'scores.team_capability',
      'scores.indicator_commitments',
      'scores.budget_soundness',
      'scores.industrial_value',
    ]);
    expect(errors[0].message).toBe(
      'technical_approach must be a number from 0 to 30 with at most one decimal',
    );
  });

  it('requires every criterion, names the missing ones, and refuses unknown keys', () => {
    const errors = validateScores(DEFAULT_RUBRIC, {
      technical_approach: 20,
      novelty: 5,
      team_capability: 20,
      indicator_commitments: undefined,
    });
    expect(fields(errors)).toEqual([
      'scores.indicator_commitments',
      'scores.budget_soundness',
      'scores.industrial_value',
      'scores.novelty',
    ]);
    expect(errors[0].message).toBe('indicator_commitments (指标承诺) must be scored');
    expect(errors[3].message).toBe('novelty is not a criterion of the rubric');
  });

  it('lets a draft be partial, but still checks what it has', () => {
    expect(validateScores(DEFAULT_RUBRIC, {}, { partial: true })).toEqual([]);
    expect(
      fields(validateScores(DEFAULT_RUBRIC, { technical_approach: 31, novelty: 1 }, { partial: true })),
    ).toEqual(['scores.technical_approach', 'scores.novelty']);
  });

  it.each([[null], [[1, 2]], ['scores'], [5]])('refuses a non-object %p', (scores) => {
    expect(validateScores(DEFAULT_RUBRIC, scores)).toEqual([
      { field: 'scores', message: 'scores must be an object of criterion key → score' },
    ]);
  });

  it('does not take inherited properties for scores', () => {
    const scores = Object.create({ technical_approach: 30 }) as Record<string, number>;
    Object.assign(scores, { ...FULL });
    delete scores.technical_approach;
    expect(fields(validateScores(DEFAULT_RUBRIC, scores))).toEqual(['scores.technical_approach']);
  });
});

describe('expertTotal', () => {
  it('is the plain sum with the default rubric (weight = maxScore)', () => {
    expect(expertTotal(DEFAULT_RUBRIC, FULL)).toBe(100);
    expect(
      expertTotal(DEFAULT_RUBRIC, {
        technical_approach: 25.5,
        team_capability: 20,
        indicator_commitments: 18.5,
        budget_soundness: 7,
        industrial_value: 8.5,
      }),
    ).toBe(79.5);
    expect(
      expertTotal(DEFAULT_RUBRIC, {
        technical_approach: 0,
        team_capability: 0,
        indicator_commitments: 0,
        budget_soundness: 0,
        industrial_value: 0,
      }),
    ).toBe(0);
  });

  it('adds 0.1 + 0.2 as 0.3, not 0.30000000000000004', () => {
    const total = expertTotal(DEFAULT_RUBRIC, {
      technical_approach: 0.1,
      team_capability: 0.2,
      indicator_commitments: 0,
      budget_soundness: 0,
      industrial_value: 0,
    });
    expect(total).toBe(0.3);
  });

  it('scales by weight / maxScore and rounds once, half up', () => {
    // 10/30×50 = 16.666… ; 1/40×50 = 1.25 → 17.91666… → 17.9
    const rubric: Rubric = {
      criteria: [
        { key: 'a', name: 'A', weight: 50, maxScore: 30 },
        { key: 'b', name: 'B', weight: 50, maxScore: 40 },
      ],
    };
    expect(expertTotal(rubric, { a: 10, b: 1 })).toBe(17.9);
    // 0/30 + 1/40×50 = 1.25 → 1.3 (half up; banker's would give 1.2)
    expect(expertTotal(rubric, { a: 0, b: 1 })).toBe(1.3);
    // 3/40×50 = 3.75 → 3.8
    expect(expertTotal(rubric, { a: 0, b: 3 })).toBe(3.8);
    // full marks are exactly 100
    expect(expertTotal(rubric, { a: 30, b: 40 })).toBe(100);
  });

  it('rounds an exact half up where floating point would land just under it', () => {
    // 3.3/6×1 = 0.55 exactly; in doubles 3.3/6 = 0.5499999999999999, which Math.round would take to 0.5.
    const rubric: Rubric = {
      criteria: [
        { key: 'a', name: 'A', weight: 1, maxScore: 6 },
        { key: 'b', name: 'B', weight: 99, maxScore: 100 },
      ],
    };
    expect(Math.round((3.3 / 6) * 1 * 10) / 10).toBe(0.5);
    expect(expertTotal(rubric, { a: 3.3, b: 0 })).toBe(0.6);
    // 0.55 + 50/100×99 = 50.05 → 50.1
    expect(expertTotal(rubric, { a: 3.3, b: 50 })).toBe(50.1);
  });

  it('stays exact with many criteria of coprime maxScores', () => {
    // 20 criteria, weight 5 each, maxScores 81..100: full marks must still be exactly 100.
    const criteria = Array.from({ length: 20 }, (_, i) => ({
      key: `c${i}`,
      name: `C${i}`,
      weight: 5,
      maxScore: 81 + i,
    }));
    const full = Object.fromEntries(criteria.map((c) => [c.key, c.maxScore]));
    const half = Object.fromEntries(criteria.map((c) => [c.key, c.maxScore / 2]));
    expect(expertTotal({ criteria }, full)).toBe(100);
    expect(expertTotal({ criteria }, half)).toBe(50);
  });

  it('refuses invalid or incomplete scores', () => {
    expect(() => expertTotal(DEFAULT_RUBRIC, { ...FULL, team_capability: 26 })).toThrow(RangeError);
    const { budget_soundness: _omitted, ...incomplete } = FULL;
    expect(() => expertTotal(DEFAULT_RUBRIC, incomplete)).toThrow(/scores.budget_soundness/);
  });
});

describe('commentRequired', () => {
  it(`requires a comment strictly below ${COMMENT_REQUIRED_BELOW_PERCENT}% of maxScore`, () => {
    // 60% of 30 = 18
    expect(commentRequired(DEFAULT_RUBRIC, 'technical_approach', 18)).toBe(false);
    expect(commentRequired(DEFAULT_RUBRIC, 'technical_approach', 17.9)).toBe(true);
    expect(commentRequired(DEFAULT_RUBRIC, 'technical_approach', 0)).toBe(true);
    expect(commentRequired(DEFAULT_RUBRIC, 'technical_approach', 30)).toBe(false);
    // 60% of 25 = 15
    expect(commentRequired(DEFAULT_RUBRIC, 'team_capability', 15)).toBe(false);
    expect(commentRequired(DEFAULT_RUBRIC, 'team_capability', 14.9)).toBe(true);
    // 60% of 10 = 6
    expect(commentRequired(DEFAULT_RUBRIC, 'budget_soundness', 6)).toBe(false);
    expect(commentRequired(DEFAULT_RUBRIC, 'budget_soundness', 5.9)).toBe(true);
  });

  it('compares exactly when 60% of maxScore is not a tenth', () => {
    // 60% of 7 = 4.2; 60% of 3 = 1.8; 60% of 1 = 0.6
    const rubric: Rubric = {
      criteria: [
        { key: 'a', name: 'A', weight: 50, maxScore: 7 },
        { key: 'b', name: 'B', weight: 49, maxScore: 3 },
        { key: 'c', name: 'C', weight: 1, maxScore: 1 },
      ],
    };
    expect(commentRequired(rubric, 'a', 4.2)).toBe(false);
    expect(commentRequired(rubric, 'a', 4.1)).toBe(true);
    expect(commentRequired(rubric, 'b', 1.8)).toBe(false);
    expect(commentRequired(rubric, 'b', 1.7)).toBe(true);
    expect(commentRequired(rubric, 'c', 0.6)).toBe(false);
    expect(commentRequired(rubric, 'c', 0.5)).toBe(true);
  });

  it('refuses an unknown key or a malformed score', () => {
    expect(() => commentRequired(DEFAULT_RUBRIC, 'novelty', 1)).toThrow(RangeError);
    expect(() => commentRequired(DEFAULT_RUBRIC, 'technical_approach', 7.15)).toThrow(RangeError);
  });
});

describe('validateComments', () => {
  const scores = { ...FULL, technical_approach: 12, budget_soundness: 5 };

  it('requires a non-blank comment on each low score only', () => {
    const errors = validateComments(DEFAULT_RUBRIC, scores, { budget_soundness: '   ' });
    expect(fields(errors)).toEqual(['comments.technical_approach', 'comments.budget_soundness']);
    expect(errors[0].message).toBe('a score under 60% of 30 needs a comment');
    expect(
      validateComments(DEFAULT_RUBRIC, scores, {
        technical_approach: '路线不清',
        budget_soundness: '预算偏高',
      }),
    ).toEqual([]);
  });

  it('allows comments on any criterion, refuses unknown keys, skips unscored criteria', () => {
    expect(validateComments(DEFAULT_RUBRIC, FULL, { team_capability: '很好' })).toEqual([]);
    expect(fields(validateComments(DEFAULT_RUBRIC, FULL, { novelty: 'x' }))).toEqual(['comments.novelty']);
    expect(validateComments(DEFAULT_RUBRIC, { technical_approach: 30 }, {})).toEqual([]);
  });
});

describe('aggregate', () => {
  it('the worked example: [90, 80, 70, 60, 20] with the defaults', () => {
    expect(aggregate([90, 80, 70, 60, 20], SETTINGS)).toEqual({
      count: 5,
      mean: 64, // 320 / 5
      trimmedMean: 70, // (80 + 70 + 60) / 3, 90 and 20 dropped
      trimmed: true,
      score: 70,
      spread: 70, // 90 − 20
      median: 70,
      outliers: [4], // |20 − 70| = 50 > 20; |90 − 70| = 20 is not more than 20
      passes: true,
    });
  });

  it('does not trim four totals (trimMinScores 5)', () => {
    const result = aggregate([90, 80, 70, 60], SETTINGS);
    expect(result).toMatchObject({ count: 4, trimmed: false, trimmedMean: null, mean: 75, score: 75 });
    expect(result.median).toBe(75); // (80 + 70) / 2
    expect(result.spread).toBe(30);
  });

  it('trims from trimMinScores, whatever it is set to', () => {
    expect(aggregate([90, 80, 10], { ...SETTINGS, trimMinScores: 3 })).toMatchObject({
      trimmed: true,
      trimmedMean: 80,
      mean: 60,
      score: 80,
    });
    expect(aggregate([90, 80, 70, 60, 20], { ...SETTINGS, trimMinScores: 6 })).toMatchObject({
      trimmed: false,
      trimmedMean: null,
      score: 64,
    });
  });

  it("ranks by the plain mean when aggregation is 'mean'", () => {
    const result = aggregate([90, 80, 70, 60, 20], { ...SETTINGS, aggregation: 'mean' });
    expect(result).toMatchObject({ trimmed: false, trimmedMean: null, mean: 64, score: 64, passes: true });
  });

  it('drops only ONE of several equal highest and lowest totals', () => {
    // drop one 90 and one 50: (90 + 90 + 50 + 50) / 4 = 70
    expect(aggregate([90, 90, 90, 50, 50, 50], SETTINGS)).toMatchObject({ trimmedMean: 70, mean: 70 });
    // all equal
    expect(aggregate([66.6, 66.6, 66.6, 66.6, 66.6], SETTINGS)).toMatchObject({
      trimmedMean: 66.6,
      spread: 0,
      outliers: [],
    });
  });

  describe('outliers', () => {
    it('exactly outlierThresholdPoints from the median is not an outlier; 0.1 more is', () => {
      expect(aggregate([50, 70, 70, 70, 90], SETTINGS).outliers).toEqual([]);
      expect(aggregate([49.9, 70, 70, 70, 90.1], SETTINGS).outliers).toEqual([0, 4]);
    });

    it('compares with the exact median of an even count, not the rounded one', () => {
      // median = (70 + 70.1) / 2 = 70.05 (reported 70.1); 50.05 is the limit below.
      const totals = [50.1, 70, 70.1, 90];
      const result = aggregate(totals, SETTINGS);
      expect(result.median).toBe(70.1);
      // |50.1 − 70.05| = 19.95 ≤ 20 ; |90 − 70.05| = 19.95 ≤ 20
      expect(result.outliers).toEqual([]);
      // |50 − 70.05| = 20.05 > 20 (against the rounded 70.1 it would also be; against 70.0 it would be exactly 20)
      expect(aggregate([50, 70, 70.1, 90.1], SETTINGS).outliers).toEqual([0, 3]);
    });

    it('uses the configured threshold, including one decimal and 0', () => {
      expect(aggregate([60, 70, 80], { ...SETTINGS, outlierThresholdPoints: 9.9 }).outliers).toEqual([0, 2]);
      expect(aggregate([60, 70, 80], { ...SETTINGS, outlierThresholdPoints: 10 }).outliers).toEqual([]);
      expect(aggregate([70, 70, 70.1], { ...SETTINGS, outlierThresholdPoints: 0 }).outliers).toEqual([2]);
    });

    it('reports input indices, not sorted positions', () => {
      expect(aggregate([20, 90, 70, 80, 60], SETTINGS).outliers).toEqual([0]);
    });
  });

  describe('pass line', () => {
    it('a score equal to the pass line passes; 0.1 under does not', () => {
      expect(aggregate([60, 60, 60], SETTINGS)).toMatchObject({ score: 60, passes: true });
      expect(aggregate([59.9, 60, 60], SETTINGS)).toMatchObject({ score: 60, passes: true }); // 59.9666… → 60.0
      expect(aggregate([59.9, 59.9, 60], SETTINGS)).toMatchObject({ score: 59.9, passes: false }); // 59.9333…
      expect(aggregate([59.9], SETTINGS)).toMatchObject({ score: 59.9, passes: false });
    });

    it('compares the trimmed score, not the mean', () => {
      // mean 56, trimmed (62 + 61 + 60) / 3 = 61
      expect(aggregate([95, 62, 61, 60, 2], SETTINGS)).toMatchObject({ mean: 56, score: 61, passes: true });
      expect(aggregate([95, 62, 61, 60, 2], { ...SETTINGS, aggregation: 'mean' })).toMatchObject({
        score: 56,
        passes: false,
      });
    });

    it('honours a one-decimal pass line', () => {
      expect(aggregate([60.5], { ...SETTINGS, passLine: 60.5 }).passes).toBe(true);
      expect(aggregate([60.4], { ...SETTINGS, passLine: 60.5 }).passes).toBe(false);
    });
  });

  describe('rounding (half up, once, on exact tenths)', () => {
    it.each<[number[], number]>([
      [[70, 70.1], 70.1], // 70.05 → 70.1 (banker's would give 70.0)
      [[70.1, 70.2], 70.2], // 70.15 → 70.2 (banker's would give 70.2 too)
      [[70, 70, 70.1], 70], // 70.0333…
      [[70.1, 70.2, 70.2], 70.2], // 70.1666…
      [[0.1, 0.2], 0.2], // 0.15, where (0.1 + 0.2) / 2 = 0.15000000000000002 in doubles
      [[1.1, 1.2], 1.2], // 1.15
      [[33.3, 33.3, 33.4], 33.3], // 33.3333…
      [[0, 0.1], 0.1], // 0.05
    ])('mean of %p is %p', (totals, mean) => {
      expect(aggregate(totals, SETTINGS).mean).toBe(mean);
    });

    it('rounds the trimmed mean the same way', () => {
      // drop 100 and 0: (70 + 70 + 70.1 + 70.1 + 70.1 + 70.1) / 6 = 70.0666… → 70.1
      expect(aggregate([100, 70, 70, 70.1, 70.1, 70.1, 70.1, 0], SETTINGS).trimmedMean).toBe(70.1);
      // drop 90 and 10: (70 + 70.1 + 70.1 + 70.1) / 4 = 70.075 → 70.1
      expect(aggregate([90, 70, 70.1, 70.1, 70.1, 10], SETTINGS).trimmedMean).toBe(70.1);
      // drop 90 and 10: (70 + 70 + 70 + 70.1) / 4 = 70.025 → 70.0
      expect(aggregate([90, 70, 70, 70, 70.1, 10], SETTINGS).trimmedMean).toBe(70);
    });

    it('rounds the median of an even count half up', () => {
      expect(aggregate([70, 70.1], SETTINGS).median).toBe(70.1);
      expect(aggregate([10, 70, 70.1, 90], SETTINGS).median).toBe(70.1);
      expect(aggregate([10, 70, 70.2, 90], SETTINGS).median).toBe(70.1);
    });

    it('gives spreads without floating-point noise', () => {
      expect(aggregate([70.3, 70.1], SETTINGS).spread).toBe(0.2); // 70.3 − 70.1 = 0.19999999999999574 in doubles
      expect(aggregate([0.3, 0.1], SETTINGS).spread).toBe(0.2);
    });
  });

  it('one total', () => {
    expect(aggregate([42.5], SETTINGS)).toEqual({
      count: 1,
      mean: 42.5,
      trimmedMean: null,
      trimmed: false,
      score: 42.5,
      spread: 0,
      median: 42.5,
      outliers: [],
      passes: false,
    });
  });

  it('no totals: nulls, no outliers, does not pass', () => {
    expect(aggregate([], SETTINGS)).toEqual({
      count: 0,
      mean: null,
      trimmedMean: null,
      trimmed: false,
      score: null,
      spread: null,
      median: null,
      outliers: [],
      passes: false,
    });
  });

  it('does not change its input', () => {
    const totals = [90, 20, 70, 60, 80];
    aggregate(totals, SETTINGS);
    expect(totals).toEqual([90, 20, 70, 60, 80]);
  });

  it.each([[[100.1]], [[-0.1]], [[70.15]], [[NaN]]])('refuses the totals %p', (totals) => {
    expect(() => aggregate(totals, SETTINGS)).toThrow(RangeError);
  });

  it('refuses a malformed threshold or pass line', () => {
    expect(() => aggregate([70], { ...SETTINGS, passLine: 60.05 })).toThrow(RangeError);
    expect(() => aggregate([70], { ...SETTINGS, outlierThresholdPoints: NaN })).toThrow(RangeError);
  });
});

describe('rank', () => {
  const at = (iso: string): Date => new Date(iso);
  const application = (
    applicationId: string,
    score: number | null,
    totals: number[],
    submittedAt = '2027-03-01T08:00:00Z',
  ) => ({
    applicationId,
    score,
    totals,
    submittedAt: at(submittedAt),
  });

  function order(ranked: Array<{ applicationId: string }>): string[] {
    return ranked.map((r) => r.applicationId);
  }

  it('orders by higher score, ranks 1..n', () => {
    const ranked = rank([
      application('a', 61.2, [61.2]),
      application('b', 80, [80]),
      application('c', 70.5, [70.5]),
    ]);
    expect(order(ranked)).toEqual(['b', 'c', 'a']);
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, 3]);
    expect(ranked.map((r) => r.tieBrokenBy)).toEqual([null, null, null]);
  });

  it('equal scores: higher median first', () => {
    // both score 70 (trimmed means); medians 71 and 70
    const ranked = rank([
      application('a', 70, [90, 70, 70, 60, 20]),
      application('b', 70, [90, 73, 71, 66, 20]),
    ]);
    expect(order(ranked)).toEqual(['b', 'a']);
    expect(ranked[1].tieBrokenBy).toBe('median');
  });

  it('equal scores and medians: higher lowest total first', () => {
    const ranked = rank([
      application('a', 70, [90, 80, 70, 60, 20]),
      application('b', 70, [85, 80, 70, 60, 30]),
    ]);
    expect(order(ranked)).toEqual(['b', 'a']);
    expect(ranked.map((r) => r.tieBrokenBy)).toEqual([null, 'minTotal']);
  });

  it('compares even-count medians exactly: 70.1 beats 70.05, though both are published as 70.1', () => {
    const ranked = rank([
      application('a', 70, [60, 70, 70.1, 80]),
      application('b', 70, [60, 70.1, 70.1, 80]),
    ]);
    expect(aggregate([60, 70, 70.1, 80], SETTINGS).median).toBe(70.1);
    expect(order(ranked)).toEqual(['b', 'a']);
    expect(ranked[1].tieBrokenBy).toBe('median');
  });

  it('equal scores, medians and minimums: earlier submission first', () => {
    const ranked = rank([
      application('a', 70, [80, 70, 60], '2027-03-01T08:00:01Z'),
      application('b', 70, [80, 70, 60], '2027-03-01T08:00:00Z'),
    ]);
    expect(order(ranked)).toEqual(['b', 'a']);
    expect(ranked[1].tieBrokenBy).toBe('submittedAt');
  });

  it('all else equal: applicationId in code-unit order', () => {
    const ranked = rank([
      application('b0000000-0000-4000-8000-000000000000', 70, [70]),
      application('B0000000-0000-4000-8000-000000000000', 70, [70]),
      application('a0000000-0000-4000-8000-000000000000', 70, [70]),
    ]);
    expect(order(ranked)).toEqual([
      'B0000000-0000-4000-8000-000000000000',
      'a0000000-0000-4000-8000-000000000000',
      'b0000000-0000-4000-8000-000000000000',
    ]);
    expect(ranked.map((r) => r.tieBrokenBy)).toEqual([null, 'applicationId', 'applicationId']);
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, 3]);
  });

  it('resolves each key in turn in one ranking, the same whatever the input order', () => {
    const applications = [
      application('f', 65, [65]),
      application('e', 70, [70, 70, 70]),
      application('a', 70, [80, 72, 60]), // median 72: first of the 70s
      application('d', 70, [70, 70, 70]), // median 70, min 70; same as e but for the id
      application('b', 70, [90, 70, 55]), // median 70, min 55
      application('h', 70, [80, 70, 60], '2027-03-01T09:00:00Z'), // median 70, min 60, later than c
      application('c', 70, [80, 70, 60], '2027-03-01T07:00:00Z'),
      application('g', 88, [88]),
    ];
    const ranked = rank(applications);
    expect(order(ranked)).toEqual(['g', 'a', 'd', 'e', 'c', 'h', 'b', 'f']);
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(ranked.map((r) => r.tieBrokenBy)).toEqual([
      null,
      null,
      'median',
      'applicationId',
      'minTotal',
      'submittedAt',
      'minTotal',
      null,
    ]);
    for (const permutation of [
      [...applications].reverse(),
      [...applications.slice(3), ...applications.slice(0, 3)],
    ]) {
      expect(order(rank(permutation))).toEqual(order(ranked));
    }
  });

  it('keeps extra fields and does not change its input', () => {
    const applications = [
      { ...application('a', 60, [60]), title: 'A' },
      { ...application('b', 90, [90]), title: 'B' },
    ];
    const ranked = rank(applications);
    expect(ranked[0]).toMatchObject({ applicationId: 'b', title: 'B', rank: 1 });
    expect(order(applications)).toEqual(['a', 'b']);
    expect(applications[0]).not.toHaveProperty('rank');
  });

  it('ranks an application without scores last', () => {
    const ranked = rank([
      application('a', null, []),
      application('b', 10, [10]),
      application('c', null, [], '2027-01-01T00:00:00Z'),
    ]);
    expect(order(ranked)).toEqual(['b', 'c', 'a']);
    expect(ranked[2].tieBrokenBy).toBe('submittedAt');
  });

  it('empty in, empty out', () => {
    expect(rank([])).toEqual([]);
  });

  it('refuses duplicate ids, malformed scores and invalid dates', () => {
    expect(() => rank([application('a', 1, [1]), application('a', 2, [2])])).toThrow(/appears twice/);
    expect(() => rank([application('a', 70.05, [70])])).toThrow(RangeError);
    expect(() => rank([application('a', 70, [70.05])])).toThrow(RangeError);
    const invalid: RankInput = { applicationId: 'a', score: 1, totals: [1], submittedAt: new Date('nope') };
    expect(() => rank([invalid])).toThrow(/submittedAt/);
  });
});
