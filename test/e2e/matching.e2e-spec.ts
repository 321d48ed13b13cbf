import { MatchIndex } from '../../src/modules/platform/terms/match-index.service';
import { TermsService } from '../../src/modules/platform/terms/terms.service';
import {
  FixtureNeed,
  fixtureNeeds,
  fixtureResults,
  fixtureUuid,
  publicFieldsOfNeed,
  publicFieldsOfResult,
} from '../support/matching-fixture';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * Matching quality on test/fixtures/matching (issue 18): 30 needs and 60 results of Jiangxi's
 * industry chains written in Chinese, each need naming its right result. Needs are indexed as the
 * needs module will index them: public fields only.
 */
describe('matching (需求 ↔ 成果)', () => {
  let t: TestApp;
  let index: MatchIndex;
  let terms: TermsService;
  const needs = fixtureNeeds();
  const results = fixtureResults();
  const resultIdOf = new Map(results.map((r) => [fixtureUuid(r.id), r.id]));

  beforeAll(async () => {
    t = await createTestApp();
    index = t.get(MatchIndex);
    terms = t.get(TermsService);
    await t.dataSource.transaction(async (em) => {
      for (const r of results) await index.index('result', fixtureUuid(r.id), publicFieldsOfResult(r), em);
      for (const n of needs) await index.index('need', fixtureUuid(n.id), publicFieldsOfNeed(n), em);
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('puts the right result in the top 3 for at least 80% of needs, explained by the shared terms', async () => {
    const misses: string[] = [];
    for (const need of needs) {
      const top = await index.topMatches('need', fixtureUuid(need.id), 'result', 3);
      const ids = top.map((m) => resultIdOf.get(m.id));
      if (!ids.includes(need.answer)) misses.push(`${need.id} → ${ids.join(',')} (want ${need.answer})`);
      for (const match of top) {
        expect(match.explanation.terms.shared.length).toBeGreaterThan(0);
        const result = results.find((r) => fixtureUuid(r.id) === match.id)!;
        const needTerms = new Set(terms.count([need.title, need.summary], need.keywords).keys());
        const resultTerms = new Set(terms.count([result.title, result.abstract], result.keywords).keys());
        for (const { term, weight } of match.explanation.terms.shared) {
          expect(needTerms.has(term) && resultTerms.has(term)).toBe(true);
          expect(weight).toBeGreaterThan(0);
        }
      }
    }
    const rate = (needs.length - misses.length) / needs.length;
    console.log(
      `matching: right result in the top 3 for ${(rate * 100).toFixed(1)}% of ${needs.length} needs`,
      misses,
    );
    expect(rate).toBeGreaterThanOrEqual(0.8);
  });

  it('explains a match: shared terms with weights, chain overlap, TRL fit, region', async () => {
    const need = needs.find((n) => n.id === 'n01')!;
    const [best] = await index.topMatches('need', fixtureUuid(need.id), 'result', 1);
    expect(resultIdOf.get(best.id)).toBe('r01');
    expect(best.explanation.terms.shared.map((s) => s.term)).toEqual(
      expect.arrayContaining(['钕铁硼', '晶界', '扩散']),
    );
    expect(best.explanation.chain).toEqual({ overlap: ['rare_earths'], score: 1 });
    expect(best.explanation.trl).toEqual({ query: 6, candidate: 7, fit: 1 });
    expect(best.explanation.region).toEqual({ query: '360700', candidate: '360700', fit: 1 });
    expect(best.score).toBeGreaterThan(0);
    expect(best.score).toBeLessThanOrEqual(1);
  });

  it('matches on a 2-character term (芯片, 稀土): dictionary words are kept as terms', async () => {
    for (const word of ['芯片', '稀土']) {
      const top = await index.topMatchesFor({ texts: [word] }, 'result', 10);
      expect(top.length).toBeGreaterThan(0);
      for (const m of top) expect(m.explanation.terms.shared.map((s) => s.term)).toEqual([word]);
    }
    const chip = await index.topMatchesFor({ texts: ['芯片'] }, 'result', 10);
    expect(chip.map((m) => resultIdOf.get(m.id))).toEqual(expect.arrayContaining(['r19', 'r47']));
  });

  it('never matches through confidential details: the needs module passes public fields only', async () => {
    const confidentialOnly = (need: FixtureNeed): string[] => {
      const open = new Set(terms.count([need.title, need.summary], need.keywords).keys());
      return [...terms.count([need.confidential]).keys()].filter((term) => !open.has(term));
    };
    const n01 = needs.find((n) => n.id === 'n01')!;
    expect(confidentialOnly(n01)).toContain('磁悬浮');
    const probe = fixtureUuid('probe');
    for (const need of needs) {
      const secret = confidentialOnly(need);
      expect(secret.length).toBeGreaterThan(0);
      await index.index('result', probe, { texts: [need.confidential], chains: [] });
      const matches = await index.topMatches('result', probe, 'need', needs.length);
      const leak = matches.find(
        (m) =>
          m.id === fixtureUuid(need.id) && m.explanation.terms.shared.some((s) => secret.includes(s.term)),
      );
      expect(leak).toBeUndefined();
    }
    await index.remove('result', probe);
  });

  it('removes a subject from the library and keeps the document frequencies', async () => {
    const probe = fixtureUuid('removed');
    await index.index('result', probe, { texts: ['磁悬浮轴承控制器'], chains: ['rare_earths'] });
    const found = await index.topMatchesFor({ texts: ['磁悬浮'] }, 'result', 5);
    expect(found.map((m) => m.id)).toEqual([probe]);
    await index.remove('result', probe);
    expect(await index.topMatchesFor({ texts: ['磁悬浮'] }, 'result', 5)).toEqual([]);
    const [row] = await t.dataSource.query<Array<{ documents: number }>>(
      `SELECT documents FROM match_term_stats WHERE subject_kind = 'result' AND term = '磁悬浮'`,
    );
    expect(row.documents).toBe(0);
    await expect(index.topMatches('result', probe, 'need', 5)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('ranks by the index as the sequential-scan baseline does (the same term scores)', async () => {
    for (const need of needs.slice(0, 10)) {
      const viaIndex = await index.topMatches('need', fixtureUuid(need.id), 'result', 60);
      const scan = (await index.topMatchesByScan('need', fixtureUuid(need.id), 'result', 60)).map(
        (m) => m.id,
      );
      expect(new Set(viaIndex.map((m) => m.id))).toEqual(new Set(scan));
    }
  });
});
