import {
  cosineFit,
  combinedScore,
  queryCoefficients,
  regionFit,
  termScore,
  trlFit,
  weighTerms,
} from './match-scoring';
import { normalizeTerm, TermsService } from './terms.service';

/** One segmenter for the file: loading the dictionary takes a moment. */
const terms = new TermsService();

describe('TermsService', () => {
  it('keeps 2-character dictionary words as terms (芯片, 稀土) and the parts of long words', () => {
    expect(terms.segment('芯片')).toEqual(['芯片']);
    expect(terms.segment('稀土')).toEqual(['稀土']);
    expect(terms.segment('基于高温超导材料的低损耗电缆关键技术')).toEqual(
      expect.arrayContaining(['高温', '超导', '材料', '电缆', '低损耗']),
    );
  });

  it('drops single characters, punctuation, stop terms; upper-cases Latin terms', () => {
    const segmented = terms.segment('我省企业亟需低功耗MCU芯片、TOPCon电池和5G天线的技术。');
    expect(segmented).toEqual(expect.arrayContaining(['MCU', 'TOPCON', '5G', '芯片', '天线', '低功耗']));
    for (const t of ['的', '和', '。', '、', '技术', '企业', '亟需', '我省'])
      expect(segmented).not.toContain(t);
    expect(normalizeTerm('5')).toBeNull();
    expect(normalizeTerm('12')).toBeNull();
  });

  it('counts keywords twice, whole and segmented', () => {
    const counts = terms.count(['超导电缆'], ['高温超导']);
    expect(counts.get('高温超导')).toBe(2);
    expect(counts.get('超导')).toBe(3);
  });
});

describe('match scoring', () => {
  it('gives a term score in [0, 1], a rare shared term weighing more than a common one', () => {
    const query = weighTerms(
      new Map([
        ['稀土', 1],
        ['钕铁硼', 1],
      ]),
    );
    const df = new Map([
      ['稀土', 900],
      ['钕铁硼', 3],
    ]);
    const coefficients = queryCoefficients(query, df, 1000);
    const same = termScore(coefficients, query);
    expect(same.score).toBeGreaterThan(0);
    expect(same.score).toBeLessThanOrEqual(1);
    expect(same.shared.map((s) => s.term)).toEqual(['钕铁硼', '稀土']);
    const none = termScore(coefficients, weighTerms(new Map([['光伏', 1]])));
    expect(none).toEqual({ score: 0, shared: [] });
  });

  it('scores TRL, region and chain only as boosts of shared terms', () => {
    expect(trlFit(6, 7)).toBe(1);
    expect(trlFit(6, 3)).toBe(0);
    expect(trlFit(6, 5)).toBeCloseTo(2 / 3);
    expect(trlFit(null, 5)).toBe(0.5);
    expect(regionFit('360702', '360799')).toBe(1);
    expect(regionFit('360100', '360700')).toBe(0.5);
    expect(regionFit('360100', '110000')).toBe(0);
    expect(combinedScore(0, 1, 1, 1)).toBe(0);
    expect(combinedScore(1, 1, 1, 1)).toBeCloseTo(1);
  });

  it('fits by cosine without library IDF (the draw), 0 when nothing is shared', () => {
    const list = weighTerms(terms.count(['高温超导电缆样机']));
    expect(cosineFit(list, weighTerms(terms.count([], ['超导']))).fit).toBeGreaterThan(0);
    expect(cosineFit(list, weighTerms(terms.count([], ['中药炮制'])))).toEqual({
      fit: 0,
      shared: [],
    });
  });
});
