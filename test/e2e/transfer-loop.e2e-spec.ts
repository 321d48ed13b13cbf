import { DAY } from '../support/challenges';
import { TestContext, WORLDS_ENV } from '../support/context';
import { Actor, bearer, createUser, login, outboxEvents, registerOrg } from '../support/factories';
import { fixtureResults } from '../support/matching-fixture';
import { AwardedList, awardedList } from '../support/projects';
import { jsonStrings } from '../support/reviews';
import { createTestApp, TestApp } from '../support/test-app';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';
import { needRoute, newBroker, refinedNeed, serviceCentre } from '../support/transfer';
import { isWebhookEventType, webhookBody } from '../../src/modules/outreach/webhooks/webhook-events';

/**
 * The whole transfer loop (选题—实施—转化) in one run, through the API only (TRANSFER.md, issue 18's
 * first acceptance point): an enterprise files a confidential, anonymous need; it is routed to the
 * Nanchang sub-centre; a broker there claims, diagnoses, refines and promotes it to a draft list; the
 * list runs the lifecycle to an accepted project; the result is drafted with the panel's TRL verdict
 * as its verified TRL, completed and published; it matches a second open need in Ganzhou and the
 * alert reaches that need's broker; a licence contract is registered; the funnel counts each step
 * once. Every public answer on the way is scanned for the first enterprise's name and a secret.
 */
describe('the transfer loop, need to registered contract', () => {
  let t: TestApp;
  let ctx: TestContext;
  let worker: TestWorker;
  let admin: Actor;
  let brokerNc: Actor;
  let brokerGz: Actor;
  let registrar: Actor;
  let enterpriseA: Actor;
  let enterpriseB: Actor;
  const api = (path: string) => `/api/v1${path}`;
  const SECRET = 'LOOP-SECRET-镝含量4.5%-磁悬浮-9c1e';
  const ENTERPRISE_A = '赣江隐名稀土永磁股份有限公司';
  const r01 = fixtureResults().find((r) => r.id === 'r01')!;
  const ids = { province: '', nanchang: '', ganzhou: '', ncStation: '', needA: '', needB: '' };
  let award: AwardedList;
  let projectId: string;
  let resultId: string;
  let contractId: string;

  const ok = (what: string, res: { status: number; body: unknown }, status = 200) => {
    if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  /** Signs actors in again after the clock moved (access tokens expire by the clock). */
  const refresh = async (...actors: Actor[]) => {
    for (const actor of actors) {
      const tokens = await login(t, actor.email);
      actor.accessToken = tokens.accessToken;
      actor.refreshToken = tokens.refreshToken;
      actor.headers = bearer(tokens.accessToken);
    }
  };
  const centre = (name: string, regionCode: string, parent?: string) =>
    serviceCentre(t, admin, name, regionCode, parent);
  const broker = (centreId: string, regionCode: string) =>
    newBroker(t, admin, centreId, regionCode, { keywords: ['钕铁硼'] });
  const need = async (id: string, who: Actor = admin) => {
    const res = await t.http.get(api(`/needs/${id}`)).set(who.headers);
    ok('need', res);
    return res.body as Record<string, unknown> & { version: number; status: string };
  };
  const act = async (who: Actor, id: string, action: string, body: Record<string, unknown> = {}) => {
    const res = await t.http
      .post(api(`/needs/${id}/${action}`))
      .set(who.headers)
      .set('If-Match', `"${(await need(id, who)).version}"`)
      .send(body);
    ok(action, res);
    return res.body as Record<string, unknown> & { status: string };
  };
  /** Every public answer and webhook body must hold neither the enterprise's name, its id, nor the secret. */
  const expectNoLeak = (what: string, body: unknown) => {
    const text = jsonStrings(body).join('\n') + JSON.stringify(body);
    for (const needle of [ENTERPRISE_A, enterpriseA.organizationId, SECRET]) {
      if (text.includes(needle)) throw new Error(`${what} leaks ${needle}`);
    }
  };

  beforeAll(async () => {
    t = await createTestApp({ env: WORLDS_ENV });
    ctx = new TestContext(t);
    t.clock.set('2027-03-01T02:00:00.000Z');
    worker = await startTestWorker(t.environment, t.clock);
    admin = await ctx.newAdmin();
    ids.province = await centre('江西省技术转移中心', '360000');
    ids.nanchang = await centre('南昌分中心', '360100', ids.province);
    ids.ganzhou = await centre('赣州分中心', '360700', ids.province);
    ids.ncStation = await centre('红谷滩服务站', '360113', ids.nanchang);
    await centre('章贡服务站', '360702', ids.ganzhou);
    for (const route of [
      { regionCode: '360100', centreOrganizationId: ids.nanchang },
      { regionCode: '360700', centreOrganizationId: ids.ganzhou },
      { regionCode: '360113', centreOrganizationId: ids.ncStation },
    ]) {
      await needRoute(t, admin, route);
    }
    brokerNc = await broker(ids.nanchang, '360100');
    brokerGz = await broker(ids.ganzhou, '360700');
    registrar = await createUser(t, ids.province, ['registrar']);
    enterpriseA = await registerOrg(t, {
      role: 'issuer',
      type: 'enterprise',
      regionCode: '360102',
      name: ENTERPRISE_A,
    });
    enterpriseB = await registerOrg(t, { role: 'issuer', type: 'enterprise', regionCode: '360702' });
  });

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('routes a confidential, anonymous need to the Nanchang sub-centre; another centre gets 404', async () => {
    const filed = await t.http
      .post(api('/needs'))
      .set(enterpriseA.headers)
      .send({
        title: '新能源汽车驱动电机磁钢重稀土减量',
        publicSummary: '驱动电机用烧结钕铁硼磁钢镝铽用量高，寻求晶界扩散工艺，在重稀土减量的同时保持矫顽力。',
        confidentialDetails: `配套车型与现有配方：${SECRET}`,
        industryChain: 'new_materials',
        desiredOutcome: '重稀土用量减少一半，矫顽力不低于20kOe，小批量验证',
        budgetMinFen: 100_000_000,
        budgetMaxFen: 300_000_000,
        deadlineWish: '2028-06-30',
        anonymous: true,
      });
    ok('file', filed, 201);
    ids.needA = filed.body.id;
    // District 360102 has no route of its own: the city's (360100) sub-centre takes it.
    expect(filed.body).toMatchObject({
      status: 'submitted',
      centreOrganizationId: ids.nanchang,
      anonymous: true,
    });
    expect((await t.http.get(api(`/needs/${ids.needA}`)).set(brokerGz.headers)).status).toBe(404);
    expect((await t.http.get(api(`/needs/${ids.needA}`)).set(enterpriseB.headers)).status).not.toBe(200);
  });

  it('is claimed, diagnosed, refined and promoted to a draft list of the enterprise', async () => {
    expect((await act(brokerNc, ids.needA, 'claim')).status).toBe('diagnosing');
    await act(brokerNc, ids.needA, 'diagnosis', {
      realProblem: '晶界扩散铽的涂覆与热处理工艺窗口',
      trlNeeded: 6,
      indicators: [
        { name: '矫顽力', targetValue: '≥ 20', unit: 'kOe', verificationMethod: '第三方磁性能测试' },
        { name: '重稀土减量', targetValue: '≥ 50', unit: '%', verificationMethod: '成分分析' },
      ],
    });
    expect(
      (await act(brokerNc, ids.needA, 'refine', { title: '烧结钕铁硼磁体晶界扩散减重稀土技术' })).status,
    ).toBe('refined');
    // Public while refined: anonymous, and nothing of the enterprise or its secret.
    const open = await t.http.get(api(`/needs/${ids.needA}`));
    ok('public need', open);
    expectNoLeak('GET /needs/{id} (public)', open.body);

    const programId = (
      await ctx.newProgram({
        admin,
        settings: { panelSize: 3, reserveExperts: 0, minEnterpriseExpertPercent: 0 },
      })
    ).programId;
    const now = t.clock.now().getTime();
    const promoted = await act(brokerNc, ids.needA, 'promote', {
      programId,
      opensAt: new Date(now + 60_000).toISOString(),
      closesAt: new Date(now + 10 * DAY).toISOString(),
      durationMonths: 24,
      fiscalFen: 100_000_000,
    });
    expect(promoted.status).toBe('listed');
    const challengeId = promoted.challengeId as string;
    const draft = await t.http.get(api(`/challenges/${challengeId}`)).set(enterpriseA.headers);
    ok('draft list', draft);
    expect(draft.body).toMatchObject({ status: 'draft', needId: ids.needA, totalFen: 300_000_000 });

    // The list runs the existing lifecycle: published, bid, reviewed, selected, awarded, signed,
    // its milestones passed and its acceptance passed with a TRL verdict of 7.
    t.clock.advance(2 * 60_000);
    award = await awardedList(t, {
      admin,
      issuer: enterpriseA,
      draft: { id: challengeId, programId },
      expertProfile: { keywords: ['钕铁硼', '晶界扩散'] },
      winners: 1,
      losers: 0,
    });
    projectId = award.lines[0].projectId;
    await ctx.decidedAcceptance(award, 0, { outcome: 'passed', trlVerdict: 7 });
    await refresh(brokerNc, brokerGz, registrar, enterpriseB);
    const listed = await need(ids.needA, brokerNc);
    expect(listed).toMatchObject({ status: 'listed', challengeId, projectIds: [projectId] });
  });

  it('drafts the result with the verified TRL; the holder completes it and a broker publishes it', async () => {
    const holder = award.lines[0].bidder;
    await waitFor(
      async () =>
        (await outboxEvents(t, 'result.drafted')).some((e) => e.data.projectId === projectId) ||
        (await t.dataSource.query<unknown[]>(`SELECT 1 FROM results WHERE project_id = $1`, [projectId]))
          .length > 0,
      { what: 'the result drafted from the passed acceptance' },
    );
    const mine = await t.http.get(api('/results')).query({ scope: 'mine' }).set(holder.headers);
    ok('my results', mine);
    const draft = (mine.body.items as Array<Record<string, unknown>>).find((r) => r.projectId === projectId)!;
    expect(draft).toMatchObject({ status: 'draft', source: 'acceptance', verifiedTrl: 7 });
    resultId = draft.id as string;

    const edited = await t.http
      .patch(api(`/results/${resultId}`))
      .set(holder.headers)
      .set('If-Match', `"${draft.version as number}"`)
      .send({
        title: r01.title,
        abstract: r01.abstract,
        keywords: r01.keywords,
        type: 'patent',
        trlClaimed: 7,
        transferModes: ['exclusive_licence', 'non_exclusive_licence'],
      });
    ok('complete the result', edited);
    ok('submit', await t.http.post(api(`/results/${resultId}/submit`)).set(holder.headers));
    // Need B is open (refined) before the result is published, so that publishing raises the alert.
    await openNeedB();
    const published = await t.http.post(api(`/results/${resultId}/publish`)).set(brokerNc.headers);
    ok('publish', published);
    expect(published.body).toMatchObject({ status: 'published', verifiedTrl: 7, trlClaimed: 7 });
  });

  /** A second enterprise's open need in Ganzhou, written like fixture n01, refined by the Ganzhou broker. */
  const openNeedB = async () => {
    const refined = await refinedNeed(t, enterpriseB, brokerGz, { industryChain: 'new_materials' });
    ids.needB = refined.id;
    expect(refined.centreOrganizationId).toBe(ids.ganzhou);
    expect(refined.status).toBe('refined');
  };

  it("matches the second open need and the alert reaches that need's broker", async () => {
    await waitFor(
      async () => (await outboxEvents(t, 'match.found', ids.needB)).some((e) => e.data.resultId === resultId),
      { what: 'match.found for need B' },
    );
    expect(
      (await outboxEvents(t, 'match.found', ids.needB)).filter((e) => e.data.resultId === resultId),
    ).toHaveLength(1);
    // Need A is listed, so it is no longer in the index: the result does not alert it.
    expect(await outboxEvents(t, 'match.found', ids.needA)).toHaveLength(0);
    await waitFor(
      async () => {
        const res = await t.http.get(api('/notifications')).query({ limit: 100 }).set(brokerGz.headers);
        ok('notifications', res);
        return (res.body.items as Array<{ kind: string }>).some((n) => n.kind === 'match.found');
      },
      { what: "the Ganzhou broker's match.found notification" },
    );
    const matches = await t.http
      .get(api(`/needs/${ids.needB}/matches`))
      .query({ kind: 'result', limit: 5 })
      .set(brokerGz.headers);
    ok('matches', matches);
    const match = (
      matches.body as Array<{
        id: string;
        explanation: { terms: { shared: Array<{ term: string }> }; trl: { candidate: number | null } };
      }>
    ).find((m) => m.id === resultId)!;
    expect(match.explanation.terms.shared.map((s) => s.term)).toEqual(
      expect.arrayContaining(['钕铁硼', '矫顽力', '晶界']),
    );
    // The verified TRL, not only the claimed one, is what the fit compares.
    expect(match.explanation.trl.candidate).toBe(7);
  });

  it('registers a licence contract for the result with a JS- code', async () => {
    const seller = award.lines[0].bidder;
    const filed = await t.http
      .post(api('/contracts'))
      .set(seller.headers)
      .send({
        title: '烧结钕铁硼晶界扩散技术许可合同',
        type: 'licence',
        sellerOrganizationId: seller.organizationId,
        buyerOrganizationId: enterpriseB.organizationId,
        contractAmountFen: 200_000_000,
        technologyTransactionAmountFen: 180_000_000,
        signedOn: t.clock.now().toISOString().slice(0, 10),
        regionCode: '360700',
        industryChain: 'new_materials',
        resultId,
        needId: ids.needB,
        projectId,
        brokerUserId: brokerGz.userId,
      });
    ok('file contract', filed, 201);
    contractId = filed.body.id;
    ok(
      'submit',
      await t.http
        .post(api(`/contracts/${contractId}/submit`))
        .set(seller.headers)
        .send({}),
    );
    const registered = await t.http
      .post(api(`/contracts/${contractId}/register`))
      .set(registrar.headers)
      .send({});
    ok('register', registered);
    const year = new Date(t.clock.now()).getUTCFullYear();
    expect(registered.body).toMatchObject({ status: 'registered', type: 'licence' });
    expect(registered.body.registrationNumber ?? registered.body.code).toMatch(
      new RegExp(`^JS-360700-${year}-\\d+$`),
    );
    // The result's transfers are listed on it, publicly; an unknown result is 404.
    const transfers = await t.http.get(api(`/results/${resultId}/transfers`));
    ok('transfers', transfers);
    expect(transfers.body.items).toEqual([
      expect.objectContaining({ id: contractId, type: 'licence', contractAmountFen: 200_000_000 }),
    ]);
    const unknown = await t.http.get(api(`/results/${ids.needA}/transfers`));
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
  });

  it('counts each step of the funnel once, overall, by chain and by region', async () => {
    const stats = await t.http.get(api('/stats/transfer'));
    ok('stats', stats);
    const counts = (steps: Array<{ step: string; count: number }>) =>
      Object.fromEntries(steps.map((s) => [s.step, s.count]));
    const expected = { filed: 2, refined: 2, listed: 1, projects: 1, results: 1, contracts: 1 };
    expect(counts(stats.body.funnel.steps)).toEqual(expected);
    const chain = (stats.body.funnelByChain as Array<{ industryChainCode: string; steps: [] }>).find(
      (c) => c.industryChainCode === 'new_materials',
    )!;
    expect(counts(chain.steps)).toEqual(expected);
    // Need A's chain of objects is Nanchang's; the contract follows the result it transfers.
    const nanchang = t.http.get(api('/stats/transfer')).query({ regionCode: '360102' });
    const byA = await nanchang;
    ok('stats of 360102', byA);
    expect(counts(byA.body.funnel.steps)).toMatchObject({ filed: 1, listed: 1, projects: 1, results: 1 });
    // Durations are present and not negative.
    for (const step of stats.body.funnel.steps as Array<{ medianDaysFromPrevious: number | null }>) {
      if (step.medianDaysFromPrevious !== null) expect(step.medianDaysFromPrevious).toBeGreaterThanOrEqual(0);
    }

    // Nothing of enterprise A or its secret in any public answer or webhook body of the loop.
    for (const path of [
      '/stats/transfer',
      '/stats/overview',
      '/needs',
      `/needs/${ids.needA}`,
      `/needs/${ids.needB}/matches?kind=result`,
      '/results',
      `/results/${resultId}`,
      `/results/${resultId}/matches?kind=need`,
      `/results/${resultId}/transfers`,
      '/contracts/registered',
      '/open-data/needs',
      '/open-data/results',
      '/open-data/contracts',
    ]) {
      // Matches are for the need's enterprise and brokers; the result's side for its brokers.
      const reader = path.startsWith('/needs/') && path.includes('/matches') ? enterpriseB : brokerNc;
      const res = await t.http.get(api(path)).set(path.includes('/matches') ? reader.headers : {});
      ok(path, res);
      expectNoLeak(path, res.body);
    }
    const events = await t.dataSource.query<
      Array<{
        id: string;
        type: string;
        aggregate_type: string;
        aggregate_id: string;
        data: never;
        occurred_at: Date;
      }>
    >(
      `SELECT id, type, aggregate_type, aggregate_id, data, occurred_at FROM outbox_events
        WHERE aggregate_id = ANY($1) OR data->>'needId' = $2`,
      [[ids.needA, ids.needB, resultId, contractId], ids.needA],
    );
    const bodies = events.flatMap((e) =>
      isWebhookEventType(e.type)
        ? [
            webhookBody({
              id: e.id,
              type: e.type,
              aggregateType: e.aggregate_type,
              aggregateId: e.aggregate_id,
              occurredAt: e.occurred_at,
              data: e.data,
            }),
          ]
        : [],
    );
    expect(bodies.length).toBeGreaterThan(5);
    for (const body of bodies) expectNoLeak('a webhook body of the loop', JSON.parse(body));
  });
});
