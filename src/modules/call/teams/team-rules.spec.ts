import {
  ACTIVE_APPLICATION_STATUSES,
  checkConsortium,
  checkMembers,
  checkShares,
  organizationsLeavingWithMembers,
} from './team-rules';

const LEAD = 'lead-org';
const A = 'org-a';
const B = 'org-b';
const POST = { lead: 'leadSharePercent', list: 'consortium' };
const fieldsOf = (errors: Array<{ field: string }>) => errors.map((e) => e.field);
const shares = (lead: number | null, ...members: Array<number | null>) => ({
  leadSharePercent: lead,
  consortium: members.map((sharePercent) => ({ sharePercent })),
});

describe('team rules', () => {
  describe('shares of the work', () => {
    it('accepts shares that sum to exactly 100, and a consortium without any shares', () => {
      expect(checkShares(shares(60, 40), POST)).toEqual([]);
      expect(checkShares(shares(50, 30, 20), POST)).toEqual([]);
      expect(checkShares(shares(null, null, null), POST)).toEqual([]);
    });

    it('refuses a sum other than 100 on the challenge field, naming the sum', () => {
      const under = checkShares(shares(60, 39), POST);
      expect(under).toEqual([{ field: 'consortium', message: expect.stringContaining('= 99') }]);
      expect(checkShares(shares(60, 30, 20), POST)[0].message).toContain('60 + members 30 + 20 = 110');
      expect(fieldsOf(checkShares(shares(60, 41), { ...POST, sum: 'leadSharePercent' }))).toEqual([
        'leadSharePercent',
      ]);
    });

    it('wants all shares or none', () => {
      expect(fieldsOf(checkShares(shares(null, 40, 60), POST))).toEqual(['leadSharePercent']);
      expect(fieldsOf(checkShares(shares(60, 40, null), POST))).toEqual(['consortium[1].sharePercent']);
      expect(fieldsOf(checkShares(shares(100, null), POST))).toEqual(['consortium[0].sharePercent']);
    });

    it('lets a team without consortium state no share or a lead share of 100, nothing else', () => {
      expect(checkShares(shares(null), POST)).toEqual([]);
      expect(checkShares(shares(100), POST)).toEqual([]);
      expect(fieldsOf(checkShares(shares(60), POST))).toEqual(['leadSharePercent']);
    });

    it('names the fields of the body it checks', () => {
      expect(fieldsOf(checkShares(shares(60, null), { lead: 'leadSharePercent', list: 'members' }))).toEqual([
        'members[0].sharePercent',
      ]);
    });
  });

  describe('consortium member organizations', () => {
    const known = new Set([A, B, LEAD]);
    const check = (...ids: string[]) =>
      checkConsortium(
        LEAD,
        ids.map((organizationId) => ({ organizationId })),
        known,
        'consortium',
      );

    it('accepts known organizations other than the lead, once each', () => {
      expect(check(A, B)).toEqual([]);
      expect(check()).toEqual([]);
    });

    it('refuses the lead itself, a repeated organization and an unknown one, each at its index', () => {
      expect(fieldsOf(check(A, LEAD))).toEqual(['consortium[1].organizationId']);
      expect(fieldsOf(check(A, B, A))).toEqual(['consortium[2].organizationId']);
      expect(check('nowhere')).toEqual([
        { field: 'consortium[0].organizationId', message: 'organization not found' },
      ]);
    });
  });

  describe('team members', () => {
    const team = new Set([LEAD, A]);
    const users = new Map([
      ['user-lead', LEAD],
      ['user-a', A],
      ['user-b', B],
    ]);

    it('accepts people without accounts, and accounts of their own organization', () => {
      expect(
        checkMembers(
          [
            { organizationId: LEAD },
            { organizationId: A, userId: 'user-a' },
            { organizationId: LEAD, userId: 'user-lead' },
            { organizationId: A, userId: null },
          ],
          team,
          users,
          'members',
        ),
      ).toEqual([]);
    });

    it('refuses an organization outside the team', () => {
      expect(
        fieldsOf(checkMembers([{ organizationId: LEAD }, { organizationId: B }], team, users, 'members')),
      ).toEqual(['members[1].organizationId']);
    });

    it("refuses an account of another organization than the member's, an unknown one, and one listed twice", () => {
      const errors = checkMembers(
        [
          { organizationId: LEAD, userId: 'user-a' },
          { organizationId: A, userId: 'ghost' },
          { organizationId: A, userId: 'user-a' },
          { organizationId: A, userId: 'user-a' },
        ],
        team,
        users,
        '',
      );
      expect(fieldsOf(errors)).toEqual(['[0].userId', '[1].userId', '[3].userId']);
      expect(errors[2].message).toContain('twice');
    });

    it('never looks at the title: any title, or none, is fine', () => {
      const members = ['', '教授', '在读博士生', '高级工程师'].map((title) => ({
        title,
        organizationId: LEAD,
      }));
      expect(checkMembers(members, team, users, 'members')).toEqual([]);
    });
  });

  it('finds organizations that would leave the team while members belong to them', () => {
    const members = [
      { organizationId: LEAD },
      { organizationId: A },
      { organizationId: B },
      { organizationId: A },
    ];
    expect(organizationsLeavingWithMembers(members, new Set([LEAD, B]))).toEqual(new Map([[A, [1, 3]]]));
    expect(organizationsLeavingWithMembers(members, new Set([LEAD, A, B]))).toEqual(new Map());
  });

  it('locks a team for the applications handed in and not yet ended', () => {
    expect([...ACTIVE_APPLICATION_STATUSES].sort()).toEqual(
      ['eligible', 'selected', 'shortlisted', 'submitted', 'under_review'].sort(),
    );
    for (const status of ['draft', 'returned', 'ineligible', 'not_selected', 'withdrawn']) {
      expect(ACTIVE_APPLICATION_STATUSES).not.toContain(status);
    }
  });
});
