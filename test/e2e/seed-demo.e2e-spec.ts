import { ApplicationSubmissionService } from '../../src/modules/call/applications/application-submission.service';
import { AuthService } from '../../src/modules/platform/auth/auth.service';
import { TeamsService } from '../../src/modules/call/teams/teams.service';
import {
  DEMO_ADMIN_EMAIL,
  DEMO_APPLICATIONS,
  DEMO_CHALLENGES,
  DEMO_LEADERS,
  DEMO_ORGANIZATIONS,
  DEMO_TEAMS,
} from '../../src/seed/demo-data';
import { DEMO_BROKER, DEMO_PAST_PROJECT, DEMO_REGISTRAR } from '../../src/seed/demo-transfer-data';
import { seedDemo, SeedDemoResult } from '../../src/seed/seed-demo';
import { bearer } from '../support/factories';
import { passwordOnlyTokens, totpCodeAt } from '../support/mfa';
import { createTestApp, TestApp } from '../support/test-app';

const PASSWORD = 'demo-password-for-tests';
const quiet = () => undefined;

interface Summary {
  id: string;
  code: string | null;
  title: string;
  status: string;
  industryChain: string;
}

/** Rows per table the seed writes to: organizations, users, challenges, teams, applications, audit, outbox… */
async function counts(t: TestApp): Promise<Record<string, number>> {
  const tables = [
    'organizations',
    'users',
    'programs',
    'challenges',
    'challenge_indicators',
    'challenge_amendments',
    'teams',
    'team_consortium_members',
    'team_members',
    'applications',
    'application_commitments',
    'application_milestones',
    'audit_events',
    'outbox_events',
    'deadlines',
    'need_routes',
    'broker_profiles',
    'needs',
    'projects',
    'acceptances',
    'results',
    'technology_contracts',
  ];
  const result: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await t.dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM "${table}"`);
    result[table] = row.n;
  }
  return result;
}

/** The statuses of the demo applications (not the earlier year's selected one of the transfer part), counted. */
async function bidStatuses(t: TestApp): Promise<Array<{ status: string; n: number }>> {
  return t.dataSource.query(
    `SELECT a.status::text, count(*)::int AS n FROM applications a JOIN challenges c ON c.id = a.challenge_id
      WHERE c.title <> $1 GROUP BY a.status ORDER BY 1`,
    [DEMO_PAST_PROJECT.challenge.title],
  );
}

/** Rows of the applications' audit and outbox actions, counted by action or type. */
async function bidEvents(t: TestApp): Promise<Record<string, number>> {
  const rows = await t.dataSource.query<Array<{ what: string; n: number }>>(
    `SELECT action AS what, count(*)::int AS n FROM audit_events
      WHERE action LIKE 'application.%' OR action LIKE 'team.%' GROUP BY action
     UNION ALL
     SELECT 'outbox ' || type, count(*)::int FROM outbox_events WHERE type LIKE 'application.%' GROUP BY type`,
  );
  return Object.fromEntries(rows.map((r) => [r.what, r.n]));
}

const EXPECTED_STATUSES = [
  { status: 'draft', n: 1 },
  { status: 'eligible', n: 1 },
  { status: 'returned', n: 1 },
  { status: 'submitted', n: 2 },
];
const EXPECTED_EVENTS = {
  'team.created': 5,
  'application.created': 5,
  'application.pledged': 4,
  'application.submitted': 4,
  'application.formal_checked': 2,
  'outbox application.submitted': 4,
  'outbox application.formal_checked': 2,
};

const listTitle = (key: string) => DEMO_CHALLENGES.find((c) => c.key === key)?.body.title;

describe('demo seed (src/seed)', () => {
  let t: TestApp;
  let first: SeedDemoResult;

  beforeAll(async () => {
    t = await createTestApp();
    first = await seedDemo(t.app, { password: PASSWORD, log: quiet });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('creates the organizations, accounts, program and 12 challenges through the services', async () => {
    expect(first.status).toBe('created');
    expect(first.challenges).toEqual({ created: 12, total: 12 });
    expect(first.teams).toEqual({ created: 5, total: 5 });
    expect(first.applications).toEqual({ created: 5, total: 5 });
    expect(first.accounts.map((a) => a.email)).toEqual([
      DEMO_ADMIN_EMAIL,
      ...DEMO_ORGANIZATIONS.map((o) => o.user.email),
      ...DEMO_LEADERS.map((l) => l.email),
      DEMO_BROKER.email,
      DEMO_REGISTRAR.email,
    ]);

    const byStatus = await t.dataSource.query<Array<{ status: string; n: number }>>(
      `SELECT status, count(*)::int AS n FROM challenges WHERE program_id = $1 GROUP BY status ORDER BY status`,
      [first.programId],
    );
    // The drafts: the demo's own and the list a refined need was promoted to (the transfer part).
    expect(byStatus).toEqual([
      { status: 'draft', n: 2 },
      { status: 'pending_review', n: 1 },
      { status: 'published', n: 10 },
    ]);
    // The production side effects: audit and outbox per transition, open and close deadlines.
    const [audit] = await t.dataSource.query<Array<{ approved: number; amended: number }>>(
      `SELECT count(*) FILTER (WHERE action = 'challenge.approve')::int AS approved,
              count(*) FILTER (WHERE action = 'challenge.amended')::int AS amended FROM audit_events`,
    );
    expect(audit).toEqual({ approved: 10, amended: 1 });
    const [outbox] = await t.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM outbox_events WHERE type = 'challenge.published'`,
    );
    expect(outbox.n).toBe(10);
    // Each published challenge: its open and close deadlines, and the reminders before closing.
    const deadlines = await t.dataSource.query<Array<{ kind: string; n: number }>>(
      `SELECT kind, count(*)::int AS n FROM deadlines WHERE entity_type = 'challenge' AND status = 'pending'
       GROUP BY kind ORDER BY kind`,
    );
    expect(deadlines).toEqual([
      { kind: 'challenge.close', n: 10 },
      { kind: 'challenge.closing_reminder@168h', n: 10 },
      { kind: 'challenge.closing_reminder@24h', n: 10 },
      { kind: 'challenge.open', n: 10 },
    ]);
    const [unverified] = await t.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM organizations WHERE credit_code IS NOT NULL AND NOT verified`,
    );
    expect(unverified.n).toBe(0);

    // Every demo account signs in with the demo password.
    const tokens = passwordOnlyTokens(
      await t.get(AuthService).login(DEMO_ORGANIZATIONS[0].user.email, PASSWORD),
    );
    expect(tokens.accessToken).toEqual(expect.any(String));
    // The demo admin is enrolled in TOTP (ADR 0044): its secret is on its account, once.
    const totp = first.accounts[0].totp;
    expect(totp?.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(totp?.otpauthUri).toContain(`secret=${totp?.secret}`);
    expect(first.accounts.slice(1).every((a) => a.totp === undefined)).toBe(true);
    const challenge = await t.get(AuthService).login(DEMO_ADMIN_EMAIL, PASSWORD);
    expect(challenge).toMatchObject({ mfaRequired: true });
    const res = await t.http.post('/api/v1/auth/login/mfa').send({
      mfaToken: (challenge as { mfaToken: string }).mfaToken,
      code: totpCodeAt(totp!.secret, t.clock.now()),
    });
    expect(res.status).toBe(200);
    expect((await t.http.get('/api/v1/experts').set(bearer(res.body.accessToken))).status).toBe(200);
  });

  it('publishes ten challenges with codes JB-<year>-NNNN; six open at once, four next week', async () => {
    const res = await t.http.get('/api/v1/challenges').query({ limit: 50 });
    expect(res.status).toBe(200);
    const all = res.body.items as Array<Summary & { programId: string }>;
    // Besides the program's ten: the earlier year's awarded challenge of the transfer part.
    expect(all).toHaveLength(11);
    const past = all.filter((i) => i.programId !== first.programId);
    expect(past.map((i) => [i.title, i.status])).toEqual([[DEMO_PAST_PROJECT.challenge.title, 'awarded']]);
    expect(past[0].code).toBe(`JB-${t.clock.now().getUTCFullYear() - DEMO_PAST_PROJECT.yearsAgo}-0001`);
    const items = all.filter((i) => i.programId === first.programId);
    expect(items).toHaveLength(10);
    const year = t.clock.now().getUTCFullYear(); // the test clock is at 2027-03-01 10:00 Beijing time
    for (const item of items) expect(item.code).toMatch(new RegExp(`^JB-${year}-\\d{4}$`));
    expect(new Set(items.map((i) => i.code)).size).toBe(10);
    expect(items.filter((i) => i.status === 'open')).toHaveLength(6);
    expect(items.filter((i) => i.status === 'published')).toHaveLength(4);
    const chains = new Set(items.map((i) => i.industryChain));
    expect([...chains].sort()).toEqual([
      'aviation',
      'electronic_information',
      'new_energy_vehicles',
      'optoelectronics_led',
      'rare_earths',
      'traditional_chinese_medicine',
      'virtual_reality',
    ]);
  });

  it('keeps the draft and the challenge pending review out of public view', async () => {
    const hidden = DEMO_CHALLENGES.filter((c) => c.stage !== 'published').map((c) => c.body.title);
    const rows = await t.dataSource.query<Array<{ id: string; title: string }>>(
      `SELECT id, title FROM challenges WHERE title = ANY($1)`,
      [hidden],
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const res = await t.http.get(`/api/v1/challenges/${row.id}`);
      expect({ title: row.title, status: res.status }).toEqual({ title: row.title, status: 404 });
    }
  });

  it('finds the published rare-earth challenge with a Chinese keyword, not the draft one', async () => {
    const res = await t.http.get('/api/v1/challenges').query({ q: '稀土' });
    expect(res.status).toBe(200);
    // The earlier year's rare-earth magnet challenge (awarded) is found too; the draft is not.
    const items = (res.body.items as Summary[]).filter((i) => i.title !== DEMO_PAST_PROJECT.challenge.title);
    expect(res.body.items).toHaveLength(2);
    expect(items.map((i) => i.title)).toEqual(['离子型稀土矿绿色高效浸取与氨氮近零排放关键技术']);
    expect(items[0].industryChain).toBe('rare_earths');
  });

  it('records the amendment that extends a deadline in the public history', async () => {
    const amended = DEMO_CHALLENGES.find((c) => c.amendment);
    const [row] = await t.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM challenges WHERE title = $1`,
      [amended?.body.title],
    );
    const res = await t.http.get(`/api/v1/challenges/${row.id}/amendments`);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0].reason).toContain('申报截止时间延长');
    expect(res.body.items[0].changes.map((c: { field: string }) => c.field)).toEqual(['closesAt']);
  });

  it('creates five teams of the two applicants, one a consortium with an issuer enterprise (70/30)', async () => {
    const teams = await t.dataSource.query<
      Array<{ name: string; lead: string; leader_email: string; leader_org: string; share: number | null }>
    >(
      `SELECT t.name, o.name AS lead, u.email AS leader_email, lo.name AS leader_org,
              t.lead_share_percent AS share
         FROM teams t JOIN organizations o ON o.id = t.lead_organization_id
         JOIN users u ON u.id = t.leader_user_id JOIN organizations lo ON lo.id = u.organization_id
        WHERE t.name <> $1 ORDER BY t.created_at, t.name`,
      [DEMO_PAST_PROJECT.teamName],
    );
    expect(teams).toHaveLength(5);
    expect(teams.filter((r) => r.lead === '南昌大学')).toHaveLength(3);
    expect(teams.filter((r) => r.lead === '江西省科学院')).toHaveLength(2);
    // Every leader is an account of the lead organization.
    for (const team of teams) expect(team.leader_org).toBe(team.lead);

    const consortium = await t.dataSource.query<
      Array<{ team: string; member: string; type: string; share: number; lead_share: number }>
    >(
      `SELECT t.name AS team, o.name AS member, o.type::text AS type, m.share_percent AS share,
              t.lead_share_percent AS lead_share
         FROM team_consortium_members m JOIN teams t ON t.id = m.team_id
         JOIN organizations o ON o.id = m.organization_id`,
    );
    expect(consortium).toEqual([
      {
        team: '南昌大学—瑞视光电VR近眼显示光学联合攻关团队',
        member: '南昌瑞视光电科技有限公司',
        type: 'enterprise',
        share: 30,
        lead_share: 70,
      },
    ]);

    const [members] = await t.dataSource.query<Array<{ total: number; with_account: number }>>(
      `SELECT count(*)::int AS total, count(user_id)::int AS with_account FROM team_members`,
    );
    expect(members).toEqual({
      total: DEMO_TEAMS.reduce((n, team) => n + team.members.length, 0),
      with_account: 5,
    });
  });

  it('creates five applications on the open challenges through the services: 2 submitted, 1 eligible, 1 returned, 1 draft', async () => {
    expect(await bidStatuses(t)).toEqual(EXPECTED_STATUSES);
    expect(await bidEvents(t)).toEqual(EXPECTED_EVENTS);

    const bids = await t.dataSource.query<
      Array<{
        title: string;
        status: string;
        status_reason: string | null;
        pledged: boolean;
        checked_by: string | null;
        requested: string;
        fiscal: string;
        commitments: number;
        indicators: number;
        milestones: number;
        share_sum: number;
        last_due: number;
        duration: number;
      }>
    >(
      `SELECT c.title, a.status::text, a.status_reason, coalesce(a.pledge_accepted_by = a.leader_user_id, false) AS pledged,
              cu.email AS checked_by, a.requested_fiscal_fen AS requested, c.fiscal_fen AS fiscal,
              (SELECT count(*)::int FROM application_commitments x WHERE x.application_id = a.id) AS commitments,
              (SELECT count(*)::int FROM challenge_indicators i WHERE i.challenge_id = c.id) AS indicators,
              (SELECT count(*)::int FROM application_milestones m WHERE m.application_id = a.id) AS milestones,
              (SELECT sum(share_percent)::int FROM application_milestones m WHERE m.application_id = a.id) AS share_sum,
              (SELECT max(due_month)::int FROM application_milestones m WHERE m.application_id = a.id) AS last_due,
              c.duration_months AS duration
         FROM applications a JOIN challenges c ON c.id = a.challenge_id
         LEFT JOIN users cu ON cu.id = a.formal_checked_by WHERE c.title <> $1`,
      [DEMO_PAST_PROJECT.challenge.title],
    );
    expect(bids).toHaveLength(DEMO_APPLICATIONS.length);
    for (const bid of bids) {
      expect(bid.commitments).toBe(bid.indicators);
      expect(bid.milestones).toBeGreaterThanOrEqual(2);
      expect(bid.share_sum).toBe(100);
      expect(bid.last_due).toBeLessThanOrEqual(bid.duration);
      expect(Number(bid.requested)).toBeLessThanOrEqual(Number(bid.fiscal));
      expect({ title: bid.title, pledged: bid.pledged }).toEqual({
        title: bid.title,
        pledged: bid.status !== 'draft',
      });
    }
    const eligible = bids.find((b) => b.status === 'eligible');
    expect(eligible).toMatchObject({ title: listTitle('titanium-am'), checked_by: DEMO_ADMIN_EMAIL });
    const returned = bids.find((b) => b.status === 'returned');
    expect(returned).toMatchObject({ title: listTitle('tcm-granules'), checked_by: DEMO_ADMIN_EMAIL });
    expect(returned?.status_reason).toContain('重新提交');

    // No leader holds more applications in play than the limit (2 by default, 1 on the rare-earth challenge).
    const loads = await t.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM applications
        WHERE status IN ('submitted', 'eligible', 'returned') GROUP BY leader_user_id`,
    );
    for (const load of loads) expect(load.n).toBeLessThanOrEqual(2);
  });

  it('hides the application count of open challenges; the issuer of a challenge sees its submitted applications, never drafts', async () => {
    const lists = await t.dataSource.query<Array<{ id: string; title: string }>>(
      `SELECT id, title FROM challenges WHERE title = ANY($1)`,
      [DEMO_APPLICATIONS.map((b) => listTitle(b.challenge))],
    );
    expect(lists).toHaveLength(5);
    const idOf = (key: string) => lists.find((l) => l.title === listTitle(key))?.id;
    for (const list of lists) {
      const res = await t.http.get(`/api/v1/challenges/${list.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'open', submittedBidCount: null });
    }

    const issuerSees = async (issuer: string, list: string) => {
      const email = DEMO_ORGANIZATIONS.find((o) => o.key === issuer)?.user.email ?? '';
      const tokens = passwordOnlyTokens(await t.get(AuthService).login(email, PASSWORD));
      const res = await t.http
        .get(`/api/v1/challenges/${idOf(list)}/applications`)
        .set(bearer(tokens.accessToken));
      expect(res.status).toBe(200);
      return res.body.items as Array<{
        status: string;
        statusReason: string | null;
        bidder: { teamName: string };
      }>;
    };
    const vr = await issuerSees('vr', 'vr-pancake');
    expect(vr.map((b) => [b.status, b.bidder.teamName])).toEqual([
      ['submitted', '南昌大学—瑞视光电VR近眼显示光学联合攻关团队'],
    ]);
    expect((await issuerSees('aviation', 'titanium-am')).map((b) => b.status)).toEqual(['eligible']);
    expect((await issuerSees('rare-earth', 'ionic-rare-earth')).map((b) => b.status)).toEqual(['submitted']);
    const tcm = await issuerSees('tcm', 'tcm-granules');
    expect(tcm.map((b) => b.status)).toEqual(['returned']);
    expect(tcm[0].statusReason).toEqual(expect.any(String));
    // The draft on the optics challenge stays with its applicant.
    expect(await issuerSees('optics', 'auto-lens-aa')).toEqual([]);
  });

  it('lets a team leader sign in with the demo password', async () => {
    await expect(t.get(AuthService).login(DEMO_LEADERS[0].email, PASSWORD)).resolves.toBeDefined();
  });

  it('changes nothing when run again', async () => {
    const before = await counts(t);
    const again = await seedDemo(t.app, { password: PASSWORD, log: quiet });
    expect(again.status).toBe('skipped');
    expect(again.programId).toBe(first.programId);
    expect(again.teams).toEqual({ created: 0, total: 5 });
    expect(again.applications).toEqual({ created: 0, total: 5 });
    expect(await counts(t)).toEqual(before);
  });
});

describe('demo seed after an interrupted run', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
  });

  it('completes the teams and applications an interrupted run left out, without duplicating anything', async () => {
    // First run: one team fails, so no application is made.
    jest.spyOn(t.get(TeamsService), 'create').mockRejectedValueOnce(new Error('interrupted: team'));
    await expect(seedDemo(t.app, { password: PASSWORD, log: quiet })).rejects.toThrow('interrupted: team');
    const [afterFirst] = await t.dataSource.query<Array<{ teams: number; bids: number }>>(
      `SELECT (SELECT count(*)::int FROM teams) AS teams, (SELECT count(*)::int FROM applications) AS bids`,
    );
    expect(afterFirst).toEqual({ teams: 4, bids: 0 });

    // Second run: one submission fails, leaving a pledged draft.
    jest
      .spyOn(t.get(ApplicationSubmissionService), 'submit')
      .mockRejectedValueOnce(new Error('interrupted: submit'));
    await expect(seedDemo(t.app, { password: PASSWORD, log: quiet })).rejects.toThrow('interrupted: submit');

    const third = await seedDemo(t.app, { password: PASSWORD, log: quiet });
    expect(third.status).toBe('created');
    expect(third.challenges).toEqual({ created: 0, total: 12 });
    expect(third.teams).toEqual({ created: 0, total: 5 });
    expect(third.applications).toEqual({ created: 0, total: 5 });
    expect(await bidStatuses(t)).toEqual(EXPECTED_STATUSES);
    expect(await bidEvents(t)).toEqual(EXPECTED_EVENTS);

    const fourth = await seedDemo(t.app, { password: PASSWORD, log: quiet });
    expect(fourth.status).toBe('skipped');
  });
});
