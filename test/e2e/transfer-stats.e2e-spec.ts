import { randomUUID } from 'node:crypto';
import { DAY } from '../support/challenges';
import { TestContext, WORLDS_ENV } from '../support/context';
import { Actor, bearer, login, registerOrg } from '../support/factories';
import { newBroker, serviceCentre } from '../support/transfer';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * GET /stats/transfer and the open-data feeds of the transfer loop (ADR 0062). Needs are filed,
 * claimed, diagnosed, refined and promoted through the API on the injected clock, the list is
 * published through the API; the long tail (projects, results, contracts) is inserted with exact
 * times: a project's application is not built (session_replication_role = replica for that insert
 * only), results and contracts satisfy every constraint.
 *
 * | need | enterprise      | chain         | region | filed | refined | listed (published) | projects      | results                     | contracts (registered)               |
 * | A    | E1 (named)      | new_materials | 360102 | T0    | T0+2d   | T0+5d              | P1 T0+45, P2 T0+47 | R1 (P1) T0+100, R2 (P2) T0+110, R3 draft | C1 (R1 + A) T0+130, C2 (A) T0+102, C3 submitted |
 * | B    | E2 (anonymous)  | biomedicine   | 360702 | T0    | T0+4d   | –                  | –             | –                           | C4 (B, confidential) T0+50            |
 * | C    | E1              | new_materials | 360102 | T0    | –       | –                  | –             | –                           | –                                    |
 * | D    | E1              | new_materials | 360102 | T0+61 | –       | –                  | –             | –                           | –                                    |
 */
describe('GET /stats/transfer and the open-data feeds (ADR 0062)', () => {
  let t: TestApp;
  let ctx: TestContext;
  let admin: Actor;
  let broker: Actor;
  let e1: Actor;
  let e2: Actor;
  const tracked: Actor[] = [];
  const api = (path: string) => `/api/v1${path}`;
  const SECRET = 'SECRET-MARKER-转化漏斗-9c41';
  const HIDDEN_NAME = '赣南隐名生物医药股份有限公司';
  const T0 = new Date('2027-03-01T02:00:00.000Z');
  const at = (days: number) => new Date(T0.getTime() + days * DAY);
  const ids = {} as Record<'A' | 'B' | 'C' | 'D' | 'challenge' | 'P1' | 'P2' | 'R1' | 'R2', string>;

  const ok = (what: string, res: { status: number; body: unknown }, status = 200) => {
    if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const track = (actor: Actor) => {
    tracked.push(actor);
    return actor;
  };
  const travel = async (to: Date) => {
    t.clock.set(to);
    for (const actor of tracked) actor.headers = bearer((await login(t, actor.email)).accessToken);
  };
  const file = async (who: Actor, overrides: Record<string, unknown>) => {
    const res = await t.http
      .post(api('/needs'))
      .set(who.headers)
      .send({
        title: '转化漏斗测试需求',
        publicSummary: '公开摘要：寻求技术方案。',
        confidentialDetails: `保密细节 ${SECRET}`,
        industryChain: 'new_materials',
        desiredOutcome: '小批量验证',
        budgetMinFen: 10_000_000,
        budgetMaxFen: 50_000_000,
        ...overrides,
      });
    ok('file need', res, 201);
    return res.body.id as string;
  };
  const act = (id: string, action: string, body: Record<string, unknown> = {}) =>
    t.http
      .post(api(`/needs/${id}/${action}`))
      .set(broker.headers)
      .send(body);
  const refine = async (id: string) => {
    ok('claim', await act(id, 'claim'));
    ok(
      'diagnose',
      await act(id, 'diagnosis', {
        realProblem: `真实问题 ${SECRET}`,
        trlNeeded: 5,
        indicators: [{ name: '效率', targetValue: '≥90', unit: '%', verificationMethod: '检测报告' }],
      }),
    );
    ok('refine', await act(id, 'refine', {}));
  };
  const sql = (query: string, params: unknown[] = []) => t.dataSource.query(query, params);
  const insertProject = async (challengeId: string, createdAt: Date) => {
    const [c] = await sql(`SELECT program_id, issuer_organization_id FROM challenges WHERE id = $1`, [
      challengeId,
    ]);
    return t.dataSource.transaction(async (em) => {
      await em.query(`SET LOCAL session_replication_role = replica`);
      const [row] = await em.query(
        `INSERT INTO projects (challenge_id, application_id, program_id, issuer_organization_id, lead_organization_id,
           status, task_book, fiscal_fen, issuer_fen, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'active', '{}', 0, 0, $6, $6) RETURNING id`,
        [challengeId, randomUUID(), c.program_id, c.issuer_organization_id, e1.organizationId, createdAt],
      );
      return row.id as string;
    });
  };
  const insertResult = async (
    projectId: string,
    status: string,
    publishedAt: Date | null,
    extra: { type: string; verifiedTrl: number | null; confidential?: string },
  ) => {
    const [row] = await sql(
      `INSERT INTO results (status, source, title, abstract, type, industry_chain_code, keywords, verified_trl, ip_records,
         holders, transfer_modes, organization_id, project_id, challenge_id, indicators, published_at, created_at, updated_at)
       VALUES ($1, 'submission', '转化成果', '公开摘要', $2, 'new_materials', '[]', $3, '[]', $4, '[]', $5, $6, $7, '[]', $8, $9, $9)
       RETURNING id`,
      [
        status,
        extra.type,
        extra.verifiedTrl,
        JSON.stringify([{ name: '南昌成果持有企业', organizationId: e1.organizationId }]),
        e1.organizationId,
        projectId,
        ids.challenge,
        publishedAt,
        publishedAt ?? at(90),
      ],
    );
    if (extra.confidential) {
      await sql(`INSERT INTO result_confidential (result_id, details, updated_at) VALUES ($1, $2, $3)`, [
        row.id,
        extra.confidential,
        at(90),
      ]);
    }
    return row.id as string;
  };
  let contractNumber = 0;
  const insertContract = async (c: {
    needId?: string;
    resultId?: string;
    registeredAt: Date | null;
    confidential?: boolean;
    seller: string;
    buyer: string;
    region: string;
    chain: string;
    type: string;
    amount: number;
    transaction: number;
  }) => {
    contractNumber += 1;
    await sql(
      `INSERT INTO technology_contracts (registration_number, title, type, seller_organization_id, buyer_organization_id,
         filed_by_organization_id, contract_amount_fen, technology_transaction_amount_fen, signed_on, region_code,
         industry_chain_code, result_id, need_id, confidential, status, submitted_at, registered_at, created_by, created_at, updated_at)
       VALUES ($1, '技术合同', $2, $3, $4, $3, $5, $6, '2027-04-01', $7, $8, $9, $10, $11, $12, $13, $14, $15, $13, $13)`,
      [
        c.registeredAt ? `2027${c.region}${String(contractNumber).padStart(5, '0')}` : null,
        c.type,
        c.seller,
        c.buyer,
        c.amount,
        c.transaction,
        c.region,
        c.chain,
        c.resultId ?? null,
        c.needId ?? null,
        c.confidential ?? false,
        c.registeredAt ? 'registered' : 'submitted',
        at(40),
        c.registeredAt,
        e1.userId,
      ],
    );
  };
  const transfer = (query: Record<string, string> = {}) => t.http.get(api('/stats/transfer')).query(query);
  const step = (name: string, count: number, median: number | null = null, mean: number | null = median) => ({
    step: name,
    count,
    medianDaysFromPrevious: median,
    meanDaysFromPrevious: mean,
  });

  beforeAll(async () => {
    t = await createTestApp({ env: WORLDS_ENV });
    t.clock.set(T0);
    ctx = new TestContext(t);
    admin = track(await ctx.newAdmin());
    const centre = await serviceCentre(t, admin, '江西省技术转移中心', '360000');
    broker = track(
      await newBroker(t, admin, centre, '360000', { industryChains: ['new_materials', 'biomedicine'] }),
    );
    e1 = track(
      await registerOrg(t, {
        role: 'issuer',
        type: 'enterprise',
        regionCode: '360102',
        name: '南昌公开企业',
      }),
    );
    e2 = track(
      await registerOrg(t, { role: 'issuer', type: 'enterprise', regionCode: '360702', name: HIDDEN_NAME }),
    );
    const { programId } = await ctx.newProgram({ admin });

    ids.A = await file(e1, { anonymous: false });
    ids.B = await file(e2, { industryChain: 'biomedicine', anonymous: true });
    ids.C = await file(e1, {});
    await travel(at(2));
    await refine(ids.A);
    await travel(at(3));
    const promoted = await act(ids.A, 'promote', {
      programId,
      opensAt: at(10).toISOString(),
      closesAt: at(40).toISOString(),
      durationMonths: 24,
      fiscalFen: 10_000_000,
    });
    ok('promote', promoted);
    ids.challenge = promoted.body.challengeId;
    await travel(at(4));
    await refine(ids.B);
    await travel(at(5));
    ok('submit the list', await t.http.post(api(`/challenges/${ids.challenge}/submit`)).set(e1.headers));
    ok('approve the list', await t.http.post(api(`/challenges/${ids.challenge}/approve`)).set(admin.headers));
    await travel(at(61));
    ids.D = await file(e1, {});

    ids.P1 = await insertProject(ids.challenge, at(45));
    ids.P2 = await insertProject(ids.challenge, at(47));
    ids.R1 = await insertResult(ids.P1, 'published', at(100), { type: 'patent', verifiedTrl: 6 });
    ids.R2 = await insertResult(ids.P2, 'published', at(110), {
      type: 'software',
      verifiedTrl: null,
      confidential: `成果保密 ${SECRET}`,
    });
    await insertResult(ids.P2, 'draft', null, { type: 'patent', verifiedTrl: null });
    const base = {
      seller: e1.organizationId,
      buyer: admin.organizationId,
      region: '360102',
      chain: 'new_materials',
    };
    // C1: linked to the need and to its result: one contract, through the result (30 days after R1).
    await insertContract({
      ...base,
      needId: ids.A,
      resultId: ids.R1,
      registeredAt: at(130),
      type: 'transfer',
      amount: 3_000_000,
      transaction: 2_000_000,
    });
    // C2: linked to the need only: 100 days after its refinement.
    await insertContract({
      ...base,
      needId: ids.A,
      registeredAt: at(102),
      type: 'development',
      amount: 5_000_000,
      transaction: 5_000_000,
    });
    // C3: submitted, not registered: never counted.
    await insertContract({
      ...base,
      resultId: ids.R2,
      registeredAt: null,
      type: 'licence',
      amount: 9_000_000,
      transaction: 1,
    });
    // C4: the anonymous enterprise buys, confidentially: 46 days after B's refinement.
    await insertContract({
      seller: e1.organizationId,
      buyer: e2.organizationId,
      region: '360702',
      chain: 'biomedicine',
      needId: ids.B,
      registeredAt: at(50),
      confidential: true,
      type: 'consulting',
      amount: 700_000,
      transaction: 600_000,
    });
  }, 300_000);

  afterAll(async () => {
    await t?.close();
  });

  it('counts each object of the chain once, with the days each step took', async () => {
    const res = await transfer();
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    expect(res.body.generatedAt).toBe(t.clock.now().toISOString());
    expect(res.body.funnel.steps).toEqual([
      step('filed', 4),
      step('refined', 2, 3),
      step('listed', 1, 3),
      step('projects', 2, 41),
      step('results', 2, 59),
      step('contracts', 3, 46, 58.67),
    ]);
    expect(res.body.funnelByChain).toEqual([
      {
        industryChainCode: 'biomedicine',
        steps: [
          step('filed', 1),
          step('refined', 1, 4),
          step('listed', 0),
          step('projects', 0),
          step('results', 0),
          step('contracts', 1, 46),
        ],
      },
      {
        industryChainCode: 'new_materials',
        steps: [
          step('filed', 3),
          step('refined', 1, 2),
          step('listed', 1, 3),
          step('projects', 2, 41),
          step('results', 2, 59),
          step('contracts', 2, 65),
        ],
      },
    ]);
    expect(res.body.funnelByRegion.map((r: { regionCode: string }) => r.regionCode)).toEqual([
      '360102',
      '360702',
    ]);
    expect(res.body.funnelByRegion[0].steps).toEqual(res.body.funnelByChain[1].steps);
    expect(res.body.funnelByRegion[1].steps).toEqual(res.body.funnelByChain[0].steps);
    // The totals are the sums over the chains.
    for (const [i, total] of res.body.funnel.steps.entries()) {
      const sum = res.body.funnelByChain.reduce(
        (n: number, c: { steps: Array<{ count: number }> }) => n + c.steps[i].count,
        0,
      );
      expect(sum).toBe(total.count);
    }

    expect(res.body.needs).toEqual({
      total: 2,
      byStatus: [
        { key: 'listed', count: 1 },
        { key: 'refined', count: 1 },
      ],
      byIndustryChain: [
        { key: 'biomedicine', count: 1 },
        { key: 'new_materials', count: 1 },
      ],
      byRegion: [
        { key: '360102', count: 1 },
        { key: '360702', count: 1 },
      ],
    });
    expect(res.body.results).toEqual({
      total: 2,
      byType: [
        { key: 'patent', count: 1 },
        { key: 'software', count: 1 },
      ],
      byIndustryChain: [{ key: 'new_materials', count: 2 }],
      byVerifiedTrl: [
        { key: '6', count: 1 },
        { key: 'none', count: 1 },
      ],
    });
    const figure = (key: string, contracts: number, amount: number, transaction: number) => ({
      key,
      contracts,
      contractAmountFen: amount,
      technologyTransactionAmountFen: transaction,
    });
    expect(res.body.contracts).toEqual({
      total: figure('all', 3, 8_700_000, 7_600_000),
      byType: [
        figure('consulting', 1, 700_000, 600_000),
        figure('development', 1, 5_000_000, 5_000_000),
        figure('transfer', 1, 3_000_000, 2_000_000),
      ],
      byIndustryChain: [
        figure('biomedicine', 1, 700_000, 600_000),
        figure('new_materials', 2, 8_000_000, 7_000_000),
      ],
      byRegion: [figure('360102', 2, 8_000_000, 7_000_000), figure('360702', 1, 700_000, 600_000)],
    });
  });

  it('filters by chain, region and the filing period', async () => {
    const chain = await transfer({ industryChainCode: 'biomedicine' });
    expect(chain.status).toBe(200);
    expect(chain.body.funnel.steps.map((s: { count: number }) => s.count)).toEqual([1, 1, 0, 0, 0, 1]);
    expect(chain.body.funnelByChain.map((c: { industryChainCode: string }) => c.industryChainCode)).toEqual([
      'biomedicine',
    ]);
    expect(chain.body.needs.total).toBe(1);
    expect(chain.body.results.total).toBe(0);
    expect(chain.body.contracts.total.contracts).toBe(1);

    const region = await transfer({ regionCode: '360102' });
    expect(region.body.funnel.steps.map((s: { count: number }) => s.count)).toEqual([3, 1, 1, 2, 2, 2]);
    expect(region.body.contracts.total.contracts).toBe(2);
    expect(region.body.results.total).toBe(2);

    // March 2027 (Asia/Shanghai): D, filed on 1 May, is out; the chain of A is whole.
    const march = await transfer({ from: '2027-03-01', to: '2027-03-31' });
    expect(march.body.funnel.steps.map((s: { count: number }) => s.count)).toEqual([3, 2, 1, 2, 2, 3]);
    const may = await transfer({ from: '2027-05-01', to: '2027-05-01' });
    expect(may.body.funnel.steps.map((s: { count: number }) => s.count)).toEqual([1, 0, 0, 0, 0, 0]);
    expect(may.body.funnel.steps[1]).toEqual(step('refined', 0));
    // The day before T0 in Beijing: nothing.
    const before = await transfer({ to: '2027-02-28' });
    expect(before.body.funnel.steps.map((s: { count: number }) => s.count)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(before.body.funnelByChain).toEqual([]);
  });

  it('refuses a bad query with 400 naming the field', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ regionCode: '36' }, 'regionCode'],
      [{ from: 'yesterday' }, 'from'],
      [{ from: '2027-02-30' }, 'from'],
      [{ to: '2027-13-01' }, 'to'],
      [{ from: '2027-03-02', to: '2027-03-01' }, 'to'],
      [{ industryChainCode: 'no_such_chain' }, 'industryChainCode'],
    ];
    for (const [query, field] of cases) {
      const res = await transfer(query);
      expect({ query, status: res.status, type: res.type }).toEqual({
        query,
        status: 400,
        type: 'application/problem+json',
      });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
    }
  });

  it('feeds public needs, published results and registered contracts, oldest change first, keyset-paged', async () => {
    const needs = await t.http.get(api('/open-data/needs'));
    expect(needs.status).toBe(200);
    expect(needs.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    expect(needs.body.items.map((n: { id: string }) => n.id)).toEqual([ids.A, ids.B]);
    const [a, b] = needs.body.items;
    expect(a).toMatchObject({
      status: 'listed',
      anonymous: false,
      enterprise: { organizationId: e1.organizationId, name: '南昌公开企业' },
      challengeId: ids.challenge,
      budgetMinFen: 10_000_000,
    });
    expect(b).toMatchObject({
      status: 'refined',
      anonymous: true,
      enterprise: { organizationId: null, name: null },
      challengeId: null,
      diagnosis: { realProblem: null, trlNeeded: 5 },
    });
    for (const field of ['brokerUserId', 'centreOrganizationId', 'statusReason', 'projectIds', 'version']) {
      expect(a).not.toHaveProperty(field);
    }
    expect(needs.body.links.next).toBeNull();

    const first = await t.http.get(api('/open-data/needs')).query({ limit: 1 });
    expect(first.body.items.map((n: { id: string }) => n.id)).toEqual([ids.A]);
    expect(first.body.links.next).toContain(`cursor=${first.body.nextCursor}`);
    const second = await t.http
      .get(api('/open-data/needs'))
      .query({ limit: 1, cursor: first.body.nextCursor });
    expect(second.body.items.map((n: { id: string }) => n.id)).toEqual([ids.B]);
    expect(second.body.nextCursor).toBeNull();
    // since: B changed last on day 4 (its refinement), A on day 3 (its promotion).
    const since = await t.http
      .get(api('/open-data/needs'))
      .query({ since: at(4).toISOString().replace('Z', '+00:00') });
    expect(since.body.items.map((n: { id: string }) => n.id)).toEqual([ids.B]);
    const later = await t.http.get(api('/open-data/needs')).query({ since: '2030-01-01T00:00:00+08:00' });
    expect(later.body.items).toEqual([]);

    const results = await t.http.get(api('/open-data/results'));
    expect(results.status).toBe(200);
    expect(results.body.items.map((r: { id: string }) => r.id).sort()).toEqual([ids.R1, ids.R2].sort());
    const r2 = results.body.items.find((r: { id: string }) => r.id === ids.R2);
    expect(r2).toMatchObject({ status: 'published', hasConfidentialDetails: true, projectId: ids.P2 });

    const contracts = await t.http.get(api('/open-data/contracts'));
    expect(contracts.status).toBe(200);
    expect(contracts.body.items).toHaveLength(3);
    const confidential = contracts.body.items.find((c: { confidential: boolean }) => c.confidential);
    expect(confidential).toMatchObject({
      regionCode: '360702',
      contractAmountFen: 700_000,
      type: 'consulting',
    });
    expect(confidential.seller).toBeUndefined();
    expect(confidential.buyer).toBeUndefined();
    const open = contracts.body.items.find((c: { type: string }) => c.type === 'transfer');
    expect(open.seller).toEqual({ organizationId: e1.organizationId, name: '南昌公开企业' });

    for (const path of ['/open-data/needs', '/open-data/results', '/open-data/contracts']) {
      const badCursor = await t.http.get(api(path)).query({ cursor: 'not-a-cursor' });
      expect([path, badCursor.status, badCursor.body.errors?.[0]?.field]).toEqual([path, 400, 'cursor']);
      const badSince = await t.http.get(api(path)).query({ since: 'yesterday' });
      expect([path, badSince.status, badSince.body.errors?.[0]?.field]).toEqual([path, 400, 'since']);
    }
  });

  it('never shows the anonymous enterprise, its id or a confidential marker in any public answer', async () => {
    const answers: Array<[string, unknown]> = [];
    for (const [path, query] of [
      ['/stats/transfer', {}],
      ['/stats/transfer', { industryChainCode: 'biomedicine' }],
      ['/stats/transfer', { regionCode: '360702' }],
      ['/stats/overview', {}],
      ['/open-data/needs', { limit: 100 }],
      ['/open-data/results', { limit: 100 }],
      ['/open-data/contracts', { limit: 100 }],
      ['/open-data/ocds', { limit: 100 }],
    ] as const) {
      const res = await t.http.get(api(path)).query(query);
      expect([path, res.status]).toEqual([path, 200]);
      answers.push([path, res.body]);
    }
    // The scan can find things: the named enterprise and the need's public title are there.
    expect(JSON.stringify(answers)).toContain('南昌公开企业');
    for (const [path, body] of answers) {
      const text = JSON.stringify(body);
      for (const needle of [HIDDEN_NAME, e2.organizationId, SECRET]) {
        expect([path, needle, text.includes(needle)]).toEqual([path, needle, false]);
      }
    }
  });
});
