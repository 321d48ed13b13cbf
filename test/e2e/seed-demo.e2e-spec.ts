import { AuthService } from '../../src/modules/auth/auth.service';
import { DEMO_ADMIN_EMAIL, DEMO_CHALLENGES, DEMO_ORGANIZATIONS } from '../../src/seed/demo-data';
import { seedDemo, SeedDemoResult } from '../../src/seed/seed-demo';
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

/** Rows per table the seed writes to: organizations, users, lists, audit, outbox, deadlines… */
async function counts(t: TestApp): Promise<Record<string, number>> {
  const tables = [
    'organizations',
    'users',
    'programs',
    'challenges',
    'challenge_indicators',
    'challenge_amendments',
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

  it('creates the organizations, accounts, program and 12 lists through the services', async () => {
    expect(first.status).toBe('created');
    expect(first.challenges).toEqual({ created: 12, total: 12 });
    expect(first.accounts.map((a) => a.email)).toEqual([
      DEMO_ADMIN_EMAIL,
      ...DEMO_ORGANIZATIONS.map((o) => o.user.email),
    ]);

    const byStatus = await t.dataSource.query<Array<{ status: string; n: number }>>(
      `SELECT status, count(*)::int AS n FROM challenges WHERE program_id = $1 GROUP BY status ORDER BY status`,
      [first.programId],
    );
    expect(byStatus).toEqual([
      { status: 'draft', n: 1 },
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
    const [deadlines] = await t.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM deadlines WHERE entity_type = 'challenge' AND status = 'pending'`,
    );
    expect(deadlines.n).toBe(20);
    const [unverified] = await t.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM organizations WHERE credit_code IS NOT NULL AND NOT verified`,
    );
    expect(unverified.n).toBe(0);

    // Every demo account signs in with the demo password.
    const tokens = await t.get(AuthService).login(DEMO_ORGANIZATIONS[0].user.email, PASSWORD);
    expect(tokens.accessToken).toEqual(expect.any(String));
    await expect(t.get(AuthService).login(DEMO_ADMIN_EMAIL, PASSWORD)).resolves.toBeDefined();
  });

  it('publishes ten lists with codes JB-<year>-NNNN; six open at once, four next week', async () => {
    const res = await t.http.get('/api/v1/challenges').query({ limit: 50 });
    expect(res.status).toBe(200);
    const items = res.body.items as Summary[];
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

  it('keeps the draft and the list pending review out of public view', async () => {
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

  it('finds the published rare-earth list with a Chinese keyword, not the draft one', async () => {
    const res = await t.http.get('/api/v1/challenges').query({ q: '稀土' });
    expect(res.status).toBe(200);
    const items = res.body.items as Summary[];
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

  it('changes nothing when run again', async () => {
    const before = await counts(t);
    const again = await seedDemo(t.app, { password: PASSWORD, log: quiet });
    expect(again.status).toBe('skipped');
    expect(again.programId).toBe(first.programId);
    expect(await counts(t)).toEqual(before);
  });
});
