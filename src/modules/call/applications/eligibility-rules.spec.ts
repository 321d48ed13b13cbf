import { EligibilityInput, evaluateEligibility, failedRules, inRegion } from './eligibility-rules';

const input = (overrides: Partial<EligibilityInput> = {}): EligibilityInput => ({
  eligibility: {
    allowedOrganizationTypes: [],
    regionCodes: [],
    consortiumAllowed: true,
    leaderConcurrencyLimit: null,
  },
  leaderLimit: 2,
  fiscalFen: 1000,
  indicatorIds: ['a', 'b'],
  lead: { type: 'university', regionCode: '360102' },
  consortiumSize: 1,
  leaderLoad: 0,
  committedIndicatorIds: ['a', 'b'],
  requestedFiscalFen: 1000,
  integrityRecords: [],
  ...overrides,
});
const outcomes = (i: EligibilityInput) =>
  Object.fromEntries(evaluateEligibility(i).map((r) => [r.rule, r.outcome]));

describe('eligibility rules', () => {
  it('passes an application that meets every rule', () => {
    expect(failedRules(evaluateEligibility(input()))).toEqual([]);
    expect(Object.values(outcomes(input()))).toEqual(Array(7).fill('pass'));
  });

  it('checks the lead organization type only when the challenge restricts it', () => {
    const restricted = { ...input().eligibility, allowedOrganizationTypes: ['enterprise' as const] };
    expect(outcomes(input({ eligibility: restricted })).organization_type).toBe('fail');
    expect(
      outcomes(input({ eligibility: restricted, lead: { type: 'enterprise', regionCode: '360102' } }))
        .organization_type,
    ).toBe('pass');
  });

  it('reads regions as divisions: a province admits its cities and districts', () => {
    expect(inRegion('360102', '360000')).toBe(true);
    expect(inRegion('360102', '360100')).toBe(true);
    expect(inRegion('360102', '360200')).toBe(false);
    expect(inRegion('110105', '360000')).toBe(false);
    const jiangxi = { ...input().eligibility, regionCodes: ['360000'] };
    expect(outcomes(input({ eligibility: jiangxi })).region).toBe('pass');
    expect(
      outcomes(input({ eligibility: jiangxi, lead: { type: 'university', regionCode: '440300' } })).region,
    ).toBe('fail');
  });

  it('fails a consortium where the challenge admits none, and a leader at the limit', () => {
    const single = { ...input().eligibility, consortiumAllowed: false };
    expect(outcomes(input({ eligibility: single })).consortium).toBe('fail');
    expect(outcomes(input({ eligibility: single, consortiumSize: 0 })).consortium).toBe('pass');
    expect(outcomes(input({ leaderLoad: 1 })).leader_concurrency).toBe('pass');
    expect(outcomes(input({ leaderLoad: 2 })).leader_concurrency).toBe('fail');
  });

  it('fails missing indicators and amounts over the cap; only warns of integrity records', () => {
    const missing = evaluateEligibility(input({ committedIndicatorIds: ['a'] })).find(
      (r) => r.rule === 'indicators_covered',
    );
    expect(missing).toMatchObject({ outcome: 'fail', detail: expect.stringContaining('b') });
    expect(outcomes(input({ requestedFiscalFen: 1001 })).amount_cap).toBe('fail');
    const records = input({ integrityRecords: [{ subjectType: 'user', reason: '2025 年项目验收不通过' }] });
    expect(outcomes(records).integrity_record).toBe('warn');
    expect(failedRules(evaluateEligibility(records))).toEqual([]);
  });

  it('has no rule about age, title or seniority', () => {
    expect(
      evaluateEligibility(input())
        .map((r) => r.rule)
        .join(' '),
    ).not.toMatch(/age|title|senior/);
  });
});
