import { AuthService } from '../../src/modules/platform/auth/auth.service';
import { ContractRegistrationService } from '../../src/modules/transfer/contracts/contract-registration.service';
import { ResultDraftingService } from '../../src/modules/transfer/results/result-drafting.service';
import { DEMO_ADMIN_EMAIL, DEMO_ORGANIZATIONS } from '../../src/seed/demo-data';
import {
  DEMO_BROKER,
  DEMO_CENTRES,
  DEMO_NEEDS,
  DEMO_PAST_PROJECT,
  DEMO_REGISTRAR,
} from '../../src/seed/demo-transfer-data';
import { seedDemo, SeedDemoResult } from '../../src/seed/seed-demo';
import { bearer } from '../support/factories';
import { passwordOnlyTokens, totpCodeAt } from '../support/mfa';
import { createTestApp, TestApp } from '../support/test-app';

const PASSWORD = 'demo-password-for-tests';
const quiet = () => undefined;

interface Organization {
  id: string;
  name: string;
  type: string;
  parentOrganizationId: string | null;
}

interface Need {
  id: string;
  title: string;
  status: string;
  enterprise: { organizationId: string | null; name: string | null; label: string };
}

/** Rows per table the transfer part writes to, and the audit and outbox rows. */
async function counts(t: TestApp): Promise<Record<string, number>> {
  const tables = [
    'organizations',
    'users',
    'broker_profiles',
    'need_routes',
    'needs',
    'challenges',
    'applications',
    'projects',
    'acceptances',
    'results',
    'technology_contracts',
    'technology_contract_counters',
    'audit_events',
    'outbox_events',
    'deadlines',
  ];
  const result: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await t.dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM "${table}"`);
    result[table] = row.n;
  }
  return result;
}

describe('demo seed: the transfer loop (src/seed/seed-transfer.ts)', () => {
  let t: TestApp;
  let first: SeedDemoResult;
  const signIn = async (email: string) =>
    bearer(passwordOnlyTokens(await t.get(AuthService).login(email, PASSWORD)).accessToken);

  beforeAll(async () => {
    t = await createTestApp();
    first = await seedDemo(t.app, { password: PASSWORD, log: quiet });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('builds the centre tree: the provincial centre, two sub-centres under it, a station under each', async () => {
    const challenge = await t.get(AuthService).login(DEMO_ADMIN_EMAIL, PASSWORD);
    const mfa = await t.http.post('/api/v1/auth/login/mfa').send({
      mfaToken: (challenge as { mfaToken: string }).mfaToken,
      code: totpCodeAt(first.accounts[0].totp!.secret, t.clock.now()),
    });
    expect(mfa.status).toBe(200);
    const res = await t.http
      .get('/api/v1/organizations')
      .query({ type: 'service_center', limit: 100 })
      .set(bearer(mfa.body.accessToken));
    expect(res.status).toBe(200);
    const centres = res.body.items as Organization[];
    expect(centres).toHaveLength(5);
    const byName = (name: string) => centres.find((c) => c.name === name)!;
    const nameOf = (key: string) => DEMO_CENTRES.find((c) => c.key === key)!.name;
    const root = byName(nameOf('province'));
    expect(root.parentOrganizationId).toBeNull();
    const subCentres = centres.filter((c) => c.parentOrganizationId === root.id);
    expect(subCentres.map((c) => c.name).sort()).toEqual([nameOf('nanchang'), nameOf('ncu-ttc')].sort());
    for (const sub of subCentres) {
      const stations = centres.filter((c) => c.parentOrganizationId === sub.id);
      expect(stations).toHaveLength(1);
    }
    expect(byName(nameOf('honggutan')).parentOrganizationId).toBe(byName(nameOf('nanchang')).id);
  });

  it('gives the broker a profile in its sub-centre; it sees its centre’s needs, not the one routed to the province', async () => {
    const broker = await signIn(DEMO_BROKER.email);
    const profile = await t.http.get('/api/v1/brokers/me').set(broker);
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({
      active: true,
      certificateNumber: DEMO_BROKER.profile.certificateNumber,
    });

    const res = await t.http.get('/api/v1/needs').query({ scope: 'centre', limit: 50 }).set(broker);
    expect(res.status).toBe(200);
    const seen = (res.body.items as Need[]).map((n) => [n.title, n.status]).sort();
    const expected = DEMO_NEEDS.filter((n) => n.enterprise !== 'rare-earth')
      .map((n) => [n.body.title, n.stage])
      .sort();
    expect(seen).toEqual(expected);
    // The broker of the sub-centre reads the anonymous need in full, enterprise included.
    const tcm = (res.body.items as Need[]).find((n) => n.title === DEMO_NEEDS[0].body.title)!;
    expect(tcm.enterprise.name).toBe(DEMO_ORGANIZATIONS.find((o) => o.key === 'tcm')!.name);
  });

  it('lists the refined and listed needs publicly and hides the anonymous one’s enterprise', async () => {
    const res = await t.http.get('/api/v1/needs').query({ limit: 50 });
    expect(res.status).toBe(200);
    const items = res.body.items as Need[];
    expect(items.map((n) => n.title).sort()).toEqual(
      DEMO_NEEDS.filter((n) => n.stage === 'refined' || n.stage === 'listed')
        .map((n) => n.body.title)
        .sort(),
    );
    const anonymous = items.find((n) => n.title === DEMO_NEEDS.find((d) => d.body.anonymous)!.body.title)!;
    expect(anonymous.enterprise).toMatchObject({ organizationId: null, name: null });
    expect(anonymous.enterprise.label).toContain('360100');
    expect(JSON.stringify(res.body)).not.toContain('江西杏林中药');
    const named = items.find((n) => n.enterprise.organizationId !== null)!;
    expect(named.enterprise.name).toBe(DEMO_ORGANIZATIONS.find((o) => o.key === 'nev')!.name);
  });

  it('promotes a refined need to a draft list of its enterprise in the demo program, linked both ways', async () => {
    const promoted = DEMO_NEEDS.find((n) => n.stage === 'listed')!;
    const rows = await t.dataSource.query<
      Array<{ status: string; program_id: string; issuer: string; linked: boolean; total: string }>
    >(
      `SELECT c.status::text, c.program_id, o.name AS issuer, n.challenge_id = c.id AS linked, c.total_fen AS total
         FROM needs n JOIN challenges c ON c.need_id = n.id JOIN organizations o ON o.id = c.issuer_organization_id
        WHERE n.title = $1`,
      [promoted.body.title],
    );
    expect(rows).toEqual([
      {
        status: 'draft',
        program_id: first.programId,
        issuer: DEMO_ORGANIZATIONS.find((o) => o.key === promoted.enterprise)!.name,
        linked: true,
        total: String(promoted.body.budgetMaxFen),
      },
    ]);
  });

  it('publishes the result of the accepted project, with the acceptance panel’s verified TRL', async () => {
    const res = await t.http.get('/api/v1/results').query({ limit: 50 });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({
      title: DEMO_PAST_PROJECT.result.title,
      status: 'published',
      source: 'acceptance',
      verifiedTrl: DEMO_PAST_PROJECT.challenge.trlVerdict,
      trlClaimed: DEMO_PAST_PROJECT.result.trlClaimed,
    });
    const [row] = await t.dataSource.query<Array<{ project: string; acceptance: string }>>(
      `SELECT p.status AS project, a.status AS acceptance FROM results r JOIN projects p ON p.id = r.project_id
         JOIN acceptances a ON a.id = r.acceptance_id WHERE r.id = $1`,
      [res.body.items[0].id],
    );
    expect(row).toEqual({ project: 'accepted', acceptance: 'passed' });
  });

  it('lists the licence contract the registrar registered, numbered JS-<region>-<year>-<seq>', async () => {
    const res = await t.http.get('/api/v1/contracts/registered').query({ limit: 50 });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    const year = new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(
      t.clock.now(),
    );
    expect(res.body.items[0]).toMatchObject({
      title: DEMO_PAST_PROJECT.contract.title,
      type: 'licence',
      registrationNumber: `JS-360100-${year}-0001`,
      contractAmountFen: DEMO_PAST_PROJECT.contract.contractAmountFen,
    });
    const [registrar] = await t.dataSource.query<Array<{ email: string; centre: string }>>(
      `SELECT u.email, o.type::text AS centre FROM technology_contracts c JOIN users u ON u.id = c.registered_by
         JOIN organizations o ON o.id = u.organization_id`,
    );
    expect(registrar).toEqual({ email: DEMO_REGISTRAR.email, centre: 'service_center' });
  });

  it('changes nothing when run again', async () => {
    const before = await counts(t);
    const again = await seedDemo(t.app, { password: PASSWORD, log: quiet });
    expect(again.status).toBe('skipped');
    expect(await counts(t)).toEqual(before);
  });
});

describe('demo seed: the transfer loop after an interrupted run', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
  });

  it('rolls the past project back whole when drafting its result fails, and completes a half-registered contract', async () => {
    // First run: the result drafting fails inside the past project's transaction: none of its rows stay.
    jest
      .spyOn(t.get(ResultDraftingService), 'draftFromAcceptance')
      .mockRejectedValueOnce(new Error('interrupted: drafting'));
    await expect(seedDemo(t.app, { password: PASSWORD, log: quiet })).rejects.toThrow(
      'interrupted: drafting',
    );
    const [afterFirst] = await t.dataSource.query<
      Array<{ challenges: number; projects: number; needs: number }>
    >(
      `SELECT (SELECT count(*)::int FROM challenges WHERE title = $1) AS challenges,
              (SELECT count(*)::int FROM projects) AS projects, (SELECT count(*)::int FROM needs) AS needs`,
      [DEMO_PAST_PROJECT.challenge.title],
    );
    expect(afterFirst).toEqual({ challenges: 0, projects: 0, needs: DEMO_NEEDS.length });

    // Second run: the registration fails: the contract stays submitted, without a number.
    jest
      .spyOn(t.get(ContractRegistrationService), 'register')
      .mockRejectedValueOnce(new Error('interrupted: register'));
    await expect(seedDemo(t.app, { password: PASSWORD, log: quiet })).rejects.toThrow(
      'interrupted: register',
    );
    const [contract] = await t.dataSource.query<Array<{ status: string; number: string | null }>>(
      `SELECT status, registration_number AS number FROM technology_contracts`,
    );
    expect(contract).toEqual({ status: 'submitted', number: null });

    const third = await seedDemo(t.app, { password: PASSWORD, log: quiet });
    expect(third.status).toBe('created');
    const year = t.clock.now().getUTCFullYear();
    const [done] = await t.dataSource.query<Array<{ code: string; contracts: string[]; results: string[] }>>(
      `SELECT (SELECT code FROM challenges WHERE title = $1) AS code,
              (SELECT array_agg(registration_number) FROM technology_contracts) AS contracts,
              (SELECT array_agg(status) FROM results) AS results`,
      [DEMO_PAST_PROJECT.challenge.title],
    );
    expect(done).toEqual({
      code: `JB-${year - DEMO_PAST_PROJECT.yearsAgo}-0001`,
      contracts: [`JS-360100-${year}-0001`],
      results: ['published'],
    });

    const fourth = await seedDemo(t.app, { password: PASSWORD, log: quiet });
    expect(fourth.status).toBe('skipped');
  });
});
