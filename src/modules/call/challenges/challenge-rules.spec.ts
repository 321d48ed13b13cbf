import { DEFAULT_PROGRAM_SETTINGS } from '../programs/program-settings';
import {
  challengeCode,
  ChallengeDraft,
  checkChallengeDraft,
  searchTextOf,
  shanghaiYear,
} from './challenge-rules';
import { likeContains, regionPrefix, searchTerms } from './challenges.repository';

const now = new Date('2027-03-01T00:00:00Z');
const draft = (overrides: Partial<ChallengeDraft> = {}): ChallengeDraft => ({
  totalFen: 500,
  fiscalFen: 300,
  cofundingFen: 200,
  opensAt: new Date('2027-03-02T00:00:00Z'),
  closesAt: new Date('2027-04-01T00:00:00Z'),
  selectionMode: 'single',
  teamCount: 1,
  indicators: [{ name: '临界电流', targetValue: '≥ 500', unit: 'A', verificationMethod: '检测' }],
  attachments: [],
  ...overrides,
});
const check = (d: ChallengeDraft, existing: string[] = []) =>
  checkChallengeDraft(d, {
    settings: DEFAULT_PROGRAM_SETTINGS,
    now,
    existingIndicatorIds: new Set(existing),
  });
const fieldsOf = (r: ReturnType<typeof check>) => ({
  invalid: r.invalid.map((e) => e.field),
  refused: r.refused.map((e) => e.field),
});

describe('challenge rules', () => {
  it('accepts a consistent draft', () => {
    expect(check(draft())).toEqual({ invalid: [], refused: [] });
  });

  it('checks that the money adds up, in whole fen', () => {
    expect(fieldsOf(check(draft({ totalFen: 501 })))).toEqual({ invalid: ['totalFen'], refused: [] });
  });

  it('wants the window in order and still ahead', () => {
    expect(fieldsOf(check(draft({ closesAt: new Date('2027-03-02T00:00:00Z') }))).invalid).toEqual([
      'closesAt',
    ]);
    expect(
      fieldsOf(check(draft({ opensAt: new Date('2027-01-01T00:00:00Z'), closesAt: now }))).invalid,
    ).toEqual(['closesAt']);
  });

  it("fits the team count to the mode and the program's horse-race maximum", () => {
    expect(fieldsOf(check(draft({ teamCount: 2 }))).invalid).toEqual(['teamCount']);
    expect(fieldsOf(check(draft({ selectionMode: 'horse_race', teamCount: 1 }))).invalid).toEqual([
      'teamCount',
    ]);
    expect(check(draft({ selectionMode: 'horse_race', teamCount: 3 }))).toEqual({ invalid: [], refused: [] });
    expect(fieldsOf(check(draft({ selectionMode: 'horse_race', teamCount: 4 })))).toEqual({
      invalid: [],
      refused: ['teamCount'],
    });
  });

  it('refuses repeated indicator names, foreign indicator ids and repeated attachments', () => {
    const indicator = { name: '交流损耗', targetValue: '≤ 1', unit: 'W/m', verificationMethod: '测试' };
    const result = check(
      draft({
        indicators: [indicator, { ...indicator, name: ' 交流损耗 ' }, { ...indicator, name: '新', id: 'x' }],
        attachments: [
          { attachmentId: 'a', visibility: 'public' },
          { attachmentId: 'a', visibility: 'confidential' },
        ],
      }),
      ['y'],
    );
    expect(fieldsOf(result).invalid).toEqual([
      'indicators[1].name',
      'indicators[2].id',
      'attachments[1].attachmentId',
    ]);
  });

  it('numbers codes by the year in China, four digits at least', () => {
    expect(shanghaiYear(new Date('2026-12-31T15:59:59Z'))).toBe(2026);
    expect(shanghaiYear(new Date('2026-12-31T16:00:00Z'))).toBe(2027);
    expect(challengeCode(2027, 42)).toBe('JB-2027-0042');
    expect(challengeCode(2027, 12345)).toBe('JB-2027-12345');
  });

  it('searches title, summary and indicator names, literally', () => {
    expect(searchTextOf({ title: '标题', publicSummary: '摘要', indicators: [{ name: '指标' }] })).toBe(
      '标题\n摘要\n指标',
    );
    expect(likeContains('50%_a\\b')).toBe('%50\\%\\_a\\\\b%');
    expect(searchTerms(' 超导  带材 超导 ')).toEqual(['超导', '带材']);
    expect(regionPrefix('360000')).toBe('36');
    expect(regionPrefix('360100')).toBe('3601');
    expect(regionPrefix('360102')).toBe('360102');
  });
});
