import {
  collaborationWindowStart,
  conflictsOf,
  ConflictParties,
  ExpertForConflicts,
  isRecentCollaboration,
} from './conflicts';

const ISSUER = 'org-issuer';
const LEAD = 'org-lead';
const PARTNER = 'org-partner';
const ELSEWHERE = 'org-elsewhere';
const OWN = 'org-own';
const MEMBER = 'user-member';
const EXPERT = 'user-expert';

const parties: ConflictParties = {
  issuerOrganizationId: ISSUER,
  applicantOrganizationIds: [LEAD, PARTNER],
  memberUserIds: [MEMBER, 'user-leader'],
};

/** 2027-03-01 10:00 in Shanghai: the current year is 2027, the 3-year window starts in 2024. */
const NOW = new Date('2027-03-01T02:00:00Z');

const expert = (overrides: Partial<ExpertForConflicts> = {}): ExpertForConflicts => ({
  userId: EXPERT,
  affiliationOrganizationId: OWN,
  userOrganizationId: OWN,
  collaborations: [],
  ...overrides,
});

const kinds = (e: ExpertForConflicts, p = parties, windowYears = 3, now = NOW) =>
  conflictsOf(e, p, windowYears, now).map((c) => [c.kind, c.organizationId ?? null]);

describe('conflicts of interest (回避)', () => {
  it('finds none for an expert of an unrelated organization with unrelated or old collaborations', () => {
    expect(kinds(expert())).toEqual([]);
    expect(
      kinds(
        expert({
          collaborations: [
            { organizationId: ELSEWHERE, fromYear: 2025, toYear: null },
            { organizationId: ELSEWHERE, fromYear: 2026, toYear: 2026 },
            { organizationId: LEAD, fromYear: 2010, toYear: 2020 },
            { organizationId: ISSUER, fromYear: 2015, toYear: 2023 },
          ],
        }),
      ),
    ).toEqual([]);
  });

  describe('the expert’s organization', () => {
    it('is the issuer, by affiliation', () => {
      const [conflict] = conflictsOf(expert({ affiliationOrganizationId: ISSUER }), parties, 3, NOW);
      expect(conflict).toEqual({
        kind: 'issuer_affiliation',
        organizationId: ISSUER,
        detail: expect.stringContaining('affiliation is the issuer'),
      });
    });

    it('is the issuer, by the user account’s organization when the affiliation differs', () => {
      const conflicts = conflictsOf(expert({ userOrganizationId: ISSUER }), parties, 3, NOW);
      expect(conflicts).toEqual([
        {
          kind: 'issuer_affiliation',
          organizationId: ISSUER,
          detail: expect.stringContaining("user account's organization"),
        },
      ]);
    });

    it('names one conflict when affiliation and account are the same organization', () => {
      const conflicts = conflictsOf(
        expert({ affiliationOrganizationId: LEAD, userOrganizationId: LEAD }),
        parties,
        3,
        NOW,
      );
      expect(conflicts).toHaveLength(1);
      expect(conflicts[0].detail).toContain("affiliation and user account's organization");
    });

    it('is the lead or a consortium member of an application’s team, by affiliation or account', () => {
      expect(kinds(expert({ affiliationOrganizationId: LEAD }))).toEqual([['bidder_affiliation', LEAD]]);
      expect(kinds(expert({ userOrganizationId: PARTNER }))).toEqual([['bidder_affiliation', PARTNER]]);
      expect(kinds(expert({ affiliationOrganizationId: LEAD, userOrganizationId: PARTNER }))).toEqual([
        ['bidder_affiliation', LEAD],
        ['bidder_affiliation', PARTNER],
      ]);
    });

    it('names both when one of its organizations is the issuer and the other an applicant', () => {
      expect(kinds(expert({ affiliationOrganizationId: ISSUER, userOrganizationId: LEAD }))).toEqual([
        ['issuer_affiliation', ISSUER],
        ['bidder_affiliation', LEAD],
      ]);
    });
  });

  it('finds a team member by user id, whatever the organization', () => {
    expect(kinds(expert({ userId: MEMBER }))).toEqual([['team_member', null]]);
    expect(conflictsOf(expert({ userId: MEMBER }), parties, 3, NOW)[0]).not.toHaveProperty('organizationId');
  });

  describe('declared collaborations within the window', () => {
    const collaborating = (organizationId: string, fromYear: number, toYear: number | null) =>
      expert({ collaborations: [{ organizationId, fromYear, toYear }] });

    it('counts one with an applicant or with the issuer', () => {
      expect(kinds(collaborating(PARTNER, 2024, 2025))).toEqual([['recent_collaboration', PARTNER]]);
      expect(kinds(collaborating(ISSUER, 2024, 2025))).toEqual([['recent_collaboration', ISSUER]]);
    });

    it('counts an ongoing one however long ago it began', () => {
      expect(kinds(collaborating(LEAD, 1998, null))).toEqual([['recent_collaboration', LEAD]]);
      expect(conflictsOf(collaborating(LEAD, 1998, null), parties, 3, NOW)[0].detail).toContain(
        '1998–ongoing',
      );
    });

    it('counts one that ended exactly windowYears ago, not windowYears + 1', () => {
      expect(kinds(collaborating(LEAD, 2020, 2024))).toEqual([['recent_collaboration', LEAD]]);
      expect(kinds(collaborating(LEAD, 2020, 2023))).toEqual([]);
      expect(kinds(collaborating(LEAD, 2020, 2022), parties, 5)).toEqual([['recent_collaboration', LEAD]]);
      expect(kinds(collaborating(LEAD, 2020, 2021), parties, 5)).toEqual([]);
    });

    it('with a window of 0 counts only the current year and ongoing ones', () => {
      expect(kinds(collaborating(LEAD, 2027, 2027), parties, 0)).toEqual([['recent_collaboration', LEAD]]);
      expect(kinds(collaborating(LEAD, 2026, 2026), parties, 0)).toEqual([]);
      expect(kinds(collaborating(LEAD, 2026, null), parties, 0)).toEqual([['recent_collaboration', LEAD]]);
    });

    it('counts one that ends in a future year', () => {
      expect(kinds(collaborating(LEAD, 2026, 2029))).toEqual([['recent_collaboration', LEAD]]);
    });

    it('reads the year in Asia/Shanghai: 31 Dec 2027 17:00 UTC is already 2028 there', () => {
      const newYearInShanghai = new Date('2027-12-31T17:00:00Z');
      const beforeIt = new Date('2027-12-31T15:59:59Z');
      expect(collaborationWindowStart(3, newYearInShanghai)).toBe(2025);
      expect(collaborationWindowStart(3, beforeIt)).toBe(2024);
      expect(kinds(collaborating(LEAD, 2020, 2024), parties, 3, beforeIt)).toHaveLength(1);
      expect(kinds(collaborating(LEAD, 2020, 2024), parties, 3, newYearInShanghai)).toEqual([]);
    });

    it('names an organization once however many collaborations with it count', () => {
      const e = expert({
        collaborations: [
          { organizationId: LEAD, fromYear: 2020, toYear: 2025 },
          { organizationId: LEAD, fromYear: 2026, toYear: null },
          { organizationId: PARTNER, fromYear: 2010, toYear: 2012 },
          { organizationId: PARTNER, fromYear: 2025, toYear: 2026 },
        ],
      });
      expect(kinds(e)).toEqual([
        ['recent_collaboration', LEAD],
        ['recent_collaboration', PARTNER],
      ]);
    });
  });

  it('gathers every kind at once, in a stable order', () => {
    const e = expert({
      userId: MEMBER,
      affiliationOrganizationId: ISSUER,
      userOrganizationId: PARTNER,
      collaborations: [{ organizationId: LEAD, fromYear: 2025, toYear: null }],
    });
    expect(kinds(e)).toEqual([
      ['issuer_affiliation', ISSUER],
      ['bidder_affiliation', PARTNER],
      ['team_member', null],
      ['recent_collaboration', LEAD],
    ]);
  });

  it('finds nothing against a review with no applicants and no members but an unrelated issuer', () => {
    const empty: ConflictParties = {
      issuerOrganizationId: ISSUER,
      applicantOrganizationIds: [],
      memberUserIds: [],
    };
    expect(
      kinds(expert({ collaborations: [{ organizationId: LEAD, fromYear: 2026, toYear: null }] }), empty),
    ).toEqual([]);
  });

  it('refuses a window that is not a whole number of years ≥ 0', () => {
    expect(() => conflictsOf(expert(), parties, -1, NOW)).toThrow(RangeError);
    expect(() => conflictsOf(expert(), parties, 1.5, NOW)).toThrow(RangeError);
  });

  it('isRecentCollaboration: ongoing or ended in the first year of the window or later', () => {
    expect(isRecentCollaboration({ toYear: null }, 2024)).toBe(true);
    expect(isRecentCollaboration({ toYear: 2024 }, 2024)).toBe(true);
    expect(isRecentCollaboration({ toYear: 2023 }, 2024)).toBe(false);
  });
});
