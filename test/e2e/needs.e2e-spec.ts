import { DAY } from '../support/challenges';
import { TestContext, WORLDS_ENV } from '../support/context';
import { Actor, auditRows, bearer, login, outboxEvents, registerOrg } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';
import { needRoute, newBroker, serviceCentre } from '../support/transfer';
import { DeadlineDrainer } from '../../src/infra/scheduler/deadline.drainer';
import { isWebhookEventType, webhookBody } from '../../src/modules/outreach/webhooks/webhook-events';

/**
 * The industry-demand library and the service network (TRANSFER.md, ADR 0058): a provincial
 * centre with two sub-centres and their stations; needs routed by region and chain, claimed,
 * diagnosed, refined and promoted to a draft list; returned, long-term, expiry and renewal on the
 * injected clock; who sees what (404 for another centre's broker), and leak scans of every public
 * answer and webhook body for the enterprise's name and a secret in the confidential details.
 */
describe('industry-demand library (需求库) and the service network', () => {
  let t: TestApp;
  let ctx: TestContext;
  let worker: TestWorker;
  let admin: Actor;
  const centres: Record<'province' | 'nanchang' | 'ganzhou' | 'ncStation' | 'gzStation', string> = {
    province: '',
    nanchang: '',
    ganzhou: '',
    ncStation: '',
    gzStation: '',
  };
  const brokers = {} as Record<'province' | 'nanchang' | 'ganzhou' | 'ncStation', Actor>;
  const tracked: Actor[] = [];
  const api = (path: string) => `/api/v1${path}`;
  const SECRET = 'SECRET-MARKER-磁钢牌号N42SH-7f3a';
  const ENTERPRISE_NAME = '赣江隐名电机股份有限公司';

  const ok = (what: string, res: { status: number; body: unknown }, status = 200) => {
    if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const track = (actor: Actor) => {
    tracked.push(actor);
    return actor;
  };
  /** Moves the test clock and signs every tracked actor in again (access tokens expire). */
  const travel = async (to: Date) => {
    t.clock.set(to);
    for (const actor of tracked) {
      const tokens = await login(t, actor.email);
      actor.accessToken = tokens.accessToken;
      actor.headers = bearer(tokens.accessToken);
    }
  };
  const centre = (name: string, regionCode: string, parent?: string) =>
    serviceCentre(t, admin, name, regionCode, parent);
  const broker = async (centreId: string, regionCode: string) =>
    track(await newBroker(t, admin, centreId, regionCode, { keywords: ['永磁'] }));
  const newEnterprise = async (regionCode = '360102', name?: string) =>
    track(await registerOrg(t, { role: 'issuer', type: 'enterprise', regionCode, name }));
  const needBody = (overrides: Record<string, unknown> = {}) => ({
    title: '稀土永磁电机高温退磁问题',
    publicSummary: '电机在高温工况下磁钢退磁明显，寻求耐高温方案。',
    confidentialDetails: `现用牌号与工艺参数：${SECRET}`,
    industryChain: 'new_materials',
    desiredOutcome: '耐 180℃ 的磁体方案，小批量验证',
    budgetMinFen: 50_000_000,
    budgetMaxFen: 200_000_000,
    deadlineWish: '2027-12-31',
    ...overrides,
  });
  const file = async (enterprise: Actor, overrides: Record<string, unknown> = {}) => {
    const res = await t.http.post(api('/needs')).set(enterprise.headers).send(needBody(overrides));
    ok('file need', res, 201);
    return res.body as { id: string; version: number; centreOrganizationId: string; status: string };
  };
  const read = async (id: string, who: Actor = admin) => {
    const res = await t.http.get(api(`/needs/${id}`)).set(who.headers);
    ok('read need', res);
    return res.body as Record<string, unknown> & { version: number; status: string };
  };
  const act = (
    who: Actor,
    id: string,
    action: string,
    body: Record<string, unknown> = {},
    version?: number,
  ) => {
    const req = t.http.post(api(`/needs/${id}/${action}`)).set(who.headers);
    if (version !== undefined) req.set('If-Match', `"${version}"`);
    return req.send(body);
  };
  const diagnosis = {
    realProblem: '高温下钕铁硼矫顽力不足，需晶界扩散重稀土工艺',
    trlNeeded: 6,
    indicators: [
      { name: '180℃ 退磁率', targetValue: '≤2', unit: '%', verificationMethod: '第三方检测报告' },
      { name: '矫顽力', targetValue: '≥25', unit: 'kOe', verificationMethod: '磁性能测试' },
    ],
  };
  /** A need of the enterprise taken to `refined` by the station's broker. */
  const refinedNeed = async (enterprise: Actor, overrides: Record<string, unknown> = {}) => {
    const need = await file(enterprise, overrides);
    const broker = brokers.ncStation;
    ok('claim', await act(broker, need.id, 'claim'));
    ok('diagnose', await act(broker, need.id, 'diagnosis', diagnosis));
    ok(
      'refine',
      await act(broker, need.id, 'refine', { publicSummary: '寻求 180℃ 下退磁率不高于 2% 的永磁体技术。' }),
    );
    return need;
  };
  const rowCounts = async () => {
    const [row] = await t.dataSource.query(
      `SELECT (SELECT count(*)::int FROM needs) AS needs, (SELECT count(*)::int FROM challenges) AS challenges,
              (SELECT count(*)::int FROM outbox_events) AS events, (SELECT count(*)::int FROM need_routes) AS routes,
              (SELECT count(*)::int FROM broker_profiles) AS brokers`,
    );
    return row as Record<string, number>;
  };
  /** Fires every deadline due by the test clock (the worker's drainer, as the sweep does). */
  const drainDue = () => worker.get(DeadlineDrainer).drain({ upTo: t.clock.now() });

  beforeAll(async () => {
    t = await createTestApp({ env: WORLDS_ENV });
    ctx = new TestContext(t);
    worker = await startTestWorker(t.environment, t.clock);
    admin = track(await ctx.newAdmin());
    centres.province = await centre('江西省技术转移中心', '360000');
    centres.nanchang = await centre('南昌分中心', '360100', centres.province);
    centres.ganzhou = await centre('赣州分中心', '360700', centres.province);
    centres.ncStation = await centre('南昌高新区服务站', '360102', centres.nanchang);
    centres.gzStation = await centre('赣州章贡区服务站', '360702', centres.ganzhou);
    for (const route of [
      { regionCode: '360100', centreOrganizationId: centres.nanchang },
      { regionCode: '360102', industryChain: 'new_materials', centreOrganizationId: centres.ncStation },
      { regionCode: '360700', centreOrganizationId: centres.ganzhou },
    ]) {
      await needRoute(t, admin, route);
    }
    brokers.province = await broker(centres.province, '360000');
    brokers.nanchang = await broker(centres.nanchang, '360100');
    brokers.ganzhou = await broker(centres.ganzhou, '360700');
    brokers.ncStation = await broker(centres.ncStation, '360102');
  });

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  describe('routing along the region and chain, and the parent tree', () => {
    it('routes to the most specific centre, else the city, else the provincial root', async () => {
      const hiTech = await newEnterprise('360102');
      expect((await file(hiTech)).centreOrganizationId).toBe(centres.ncStation);
      // Another chain in the same district: the city's any-chain route.
      expect((await file(hiTech, { industryChain: 'biomedicine' })).centreOrganizationId).toBe(
        centres.nanchang,
      );
      const ganzhou = await newEnterprise('360702');
      expect((await file(ganzhou)).centreOrganizationId).toBe(centres.ganzhou);
      // No route for Jiujiang: the provincial root centre.
      const jiujiang = await newEnterprise('360400');
      const fallback = await file(jiujiang);
      expect(fallback.centreOrganizationId).toBe(centres.province);
      expect((await outboxEvents(t, 'need.routed', fallback.id))[0].data).toMatchObject({
        centreOrganizationId: centres.province,
      });
    });

    it('refuses a duplicate route and an unknown chain, naming the field; a broker needs a broker in a centre', async () => {
      const enterprise = await newEnterprise();
      const before = await rowCounts();
      const dup = await t.http
        .post(api('/need-routes'))
        .set(admin.headers)
        .send({ regionCode: '360100', centreOrganizationId: centres.ganzhou });
      expect(dup.status).toBe(409);
      const unknown = await t.http.post(api('/need-routes')).set(admin.headers).send({
        regionCode: '360900',
        industryChain: 'no_such_chain',
        centreOrganizationId: centres.ganzhou,
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'industryChain' })]);
      const notCentre = await t.http
        .post(api('/need-routes'))
        .set(admin.headers)
        .send({ regionCode: '360900', centreOrganizationId: enterprise.organizationId });
      expect(notCentre.status).toBe(400);
      const notBroker = await t.http.post(api('/brokers')).set(admin.headers).send({
        userId: enterprise.userId,
        industryChains: [],
        keywords: [],
        regionCode: '360100',
        certificateNumber: 'X-1',
      });
      expect(notBroker.status).toBe(400);
      expect(notBroker.body.errors[0].field).toBe('userId');
      const badChain = await t.http
        .patch(api(`/brokers/${(await t.http.get(api('/brokers/me')).set(brokers.ganzhou.headers)).body.id}`))
        .set(brokers.ganzhou.headers)
        .set('If-Match', '"1"')
        .send({ industryChains: ['new_materials', 'nope'] });
      expect(badChain.status).toBe(400);
      expect(badChain.body.errors[0].field).toBe('industryChains[1]');
      expect(await rowCounts()).toEqual(before);
    });

    it('lets a broker edit its own profile but not its active flag; only the admin lists them', async () => {
      const mine = await t.http.get(api('/brokers/me')).set(brokers.nanchang.headers);
      ok('me', mine);
      const edited = await t.http
        .patch(api(`/brokers/${mine.body.id}`))
        .set(brokers.nanchang.headers)
        .set('If-Match', `"${mine.body.version}"`)
        .send({ keywords: ['永磁', '稀土'] });
      ok('edit', edited);
      expect(edited.body.keywords).toEqual(['永磁', '稀土']);
      const deactivate = await t.http
        .patch(api(`/brokers/${mine.body.id}`))
        .set(brokers.nanchang.headers)
        .set('If-Match', `"${edited.body.version}"`)
        .send({ active: false });
      expect(deactivate.status).toBe(403);
      const other = await t.http.get(api(`/brokers/${mine.body.id}`)).set(brokers.ganzhou.headers);
      expect(other.status).toBe(404);
      expect((await t.http.get(api('/brokers')).set(brokers.ganzhou.headers)).status).toBe(403);
      expect((await t.http.get(api('/brokers')).set(admin.headers)).body.items.length).toBeGreaterThanOrEqual(
        4,
      );
    });
  });

  describe('the flow: file → route → claim → diagnose → refine → promote', () => {
    it('ends in a draft list of the enterprise carrying the indicators and amounts, linked both ways', async () => {
      const enterprise = await newEnterprise('360102', ENTERPRISE_NAME);
      const need = await file(enterprise);
      expect(need).toMatchObject({ status: 'submitted', centreOrganizationId: centres.ncStation });
      expect((await outboxEvents(t, 'need.filed', need.id)).length).toBe(1);

      // A broker of the routed station claims it; the sub-centre above would have been allowed too.
      const claimed = await act(brokers.ncStation, need.id, 'claim', {}, need.version);
      ok('claim', claimed);
      expect(claimed.body).toMatchObject({ status: 'diagnosing', brokerUserId: brokers.ncStation.userId });
      expect(claimed.headers.etag).toBe(`"${claimed.body.version}"`);
      // Another broker of a covering centre sees it, but only the claimer works on it.
      expect((await act(brokers.nanchang, need.id, 'diagnosis', diagnosis)).status).toBe(403);

      const diagnosed = await act(brokers.ncStation, need.id, 'diagnosis', diagnosis);
      ok('diagnose', diagnosed);
      expect(diagnosed.body.diagnosis).toMatchObject({ trlNeeded: 6, realProblem: diagnosis.realProblem });
      const refined = await act(brokers.ncStation, need.id, 'refine', { title: '耐高温稀土永磁体制备技术' });
      ok('refine', refined);
      expect(refined.body.status).toBe('refined');

      const { programId } = await ctx.newProgram({ admin });
      const now = t.clock.now().getTime();
      const promoted = await act(
        brokers.ncStation,
        need.id,
        'promote',
        {
          programId,
          opensAt: new Date(now + DAY).toISOString(),
          closesAt: new Date(now + 30 * DAY).toISOString(),
          durationMonths: 24,
          fiscalFen: 80_000_000,
        },
        refined.body.version,
      );
      ok('promote', promoted);
      expect(promoted.body.status).toBe('listed');
      const challengeId = promoted.body.challengeId as string;
      expect(challengeId).toBeTruthy();
      expect(promoted.body.projectIds).toEqual([]);

      const list = await t.http.get(api(`/challenges/${challengeId}`)).set(enterprise.headers);
      ok('the draft list', list);
      expect(list.body).toMatchObject({
        status: 'draft',
        needId: need.id,
        title: '耐高温稀土永磁体制备技术',
        industryChain: 'new_materials',
        category: 'enterprise_demand',
        totalFen: 200_000_000,
        fiscalFen: 80_000_000,
        cofundingFen: 120_000_000,
        issuerOrganization: { id: enterprise.organizationId, name: ENTERPRISE_NAME },
      });
      expect(
        (list.body.indicators as Array<Record<string, string>>).map(({ name, targetValue, unit }) => ({
          name,
          targetValue,
          unit,
        })),
      ).toEqual(diagnosis.indicators.map(({ name, targetValue, unit }) => ({ name, targetValue, unit })));
      const confidential = await t.http
        .get(api(`/challenges/${challengeId}/confidential`))
        .set(enterprise.headers);
      expect(confidential.body.details).toContain(SECRET);
      // The enterprise submits its draft for vetting as any other.
      expect(
        (
          await t.http
            .post(api(`/challenges/${challengeId}/submit`))
            .set(enterprise.headers)
            .set('If-Match', `"${list.body.version}"`)
        ).status,
      ).toBe(200);

      expect((await outboxEvents(t, 'need.listed', need.id))[0].data).toMatchObject({ challengeId });
      for (const action of ['need.claim', 'need.diagnose', 'need.refine', 'need.promote']) {
        expect(await auditRows(t, action, need.id)).toHaveLength(1);
      }
      // The deadlines of a listed need are gone.
      const pending = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM deadlines WHERE entity_id = $1 AND status = 'pending'`,
        [need.id],
      );
      expect(pending[0].n).toBe(0);
    });

    it('records interests in a public need; the broker introduces the parties and both are told', async () => {
      const enterprise = await newEnterprise();
      const need = await refinedNeed(enterprise);
      const team = track(await ctx.newApplicantOrg());
      const interest = await t.http
        .post(api(`/needs/${need.id}/interests`))
        .set(team.headers)
        .send({ kind: 'team', message: '我们有晶界扩散中试线' });
      ok('interest', interest, 201);
      expect(
        (
          await t.http
            .post(api(`/needs/${need.id}/interests`))
            .set(team.headers)
            .send({ kind: 'team', message: '再次' })
        ).status,
      ).toBe(409);
      const seen = await t.http.get(api(`/needs/${need.id}/interests`)).set(brokers.ncStation.headers);
      ok('interests', seen);
      expect(seen.body.map((i: { id: string }) => i.id)).toEqual([interest.body.id]);
      expect((await t.http.get(api(`/needs/${need.id}/interests`)).set(brokers.ganzhou.headers)).status).toBe(
        404,
      );

      const intro = await t.http
        .post(api(`/needs/${need.id}/introductions`))
        .set(brokers.ncStation.headers)
        .send({ interestId: interest.body.id, note: '已安排线上对接', markMatched: true });
      ok('introduction', intro, 201);
      expect(intro.body.needStatus).toBe('matched');
      const [made] = await outboxEvents(t, 'introduction.made', need.id);
      expect(made.data).toMatchObject({
        introductionId: intro.body.id,
        interestedOrganizationId: team.organizationId,
      });
      const listed = await t.http.get(api(`/needs/${need.id}/introductions`)).set(enterprise.headers);
      expect(listed.body).toHaveLength(1);
      // The worker's relay tells both sides (in-app notifications).
      for (const who of [enterprise, team]) {
        await waitFor(
          async () => {
            const res = await t.http.get(api('/notifications')).query({ limit: 100 }).set(who.headers);
            return (res.body.items as Array<{ title: string }>).some(
              (n) => n.title === '技术经纪人已安排对接',
            );
          },
          { what: 'the introduction notification', timeoutMs: 30_000 },
        );
      }
    });
  });

  describe('return, long-term, expiry and renewal', () => {
    it('returns a need with a reason; the enterprise files it again and it is routed again', async () => {
      const enterprise = await newEnterprise();
      const need = await file(enterprise);
      ok('claim', await act(brokers.ncStation, need.id, 'claim'));
      const returned = await act(brokers.ncStation, need.id, 'return', { reason: '请补充现有工艺参数' });
      ok('return', returned);
      expect(returned.body).toMatchObject({ status: 'returned', statusReason: '请补充现有工艺参数' });
      expect((await outboxEvents(t, 'need.returned', need.id))[0].data).toMatchObject({
        reason: '请补充现有工艺参数',
      });
      const again = await act(enterprise, need.id, 'resubmit', {}, returned.body.version);
      ok('resubmit', again);
      expect(again.body).toMatchObject({
        status: 'submitted',
        brokerUserId: null,
        centreOrganizationId: centres.ncStation,
      });
      expect(await outboxEvents(t, 'need.routed', need.id)).toHaveLength(2);
    });

    it('marks a refined need long-term; a submitted one cannot be', async () => {
      const enterprise = await newEnterprise();
      const need = await refinedNeed(enterprise);
      const longTerm = await act(brokers.ncStation, need.id, 'long-term', { reason: '技术难度大，长期跟踪' });
      ok('long-term', longTerm);
      expect(longTerm.body.status).toBe('long_term');
      const fresh = await file(enterprise);
      ok('claim', await act(brokers.ncStation, fresh.id, 'claim'));
      const early = await act(brokers.ncStation, fresh.id, 'long-term', { reason: 'x' });
      expect(early.status).toBe(409);
      expect(early.body.code).toBe('INVALID_STATE_TRANSITION');
    });

    it('reminds 7 days and 1 day before expiry, once each at their time, expires, and renews back', async () => {
      const start = t.clock.now();
      const enterprise = await newEnterprise();
      const need = await file(enterprise);
      const expiresAt = new Date(start.getTime() + 180 * DAY);
      expect(new Date((await read(need.id)).expiresAt as string).getTime()).toBe(expiresAt.getTime());
      const reminders = async () =>
        (await outboxEvents(t, 'need.expiring_soon', need.id)).map((e) => e.data.hoursBefore);

      await travel(new Date(expiresAt.getTime() - 7 * DAY - 60_000));
      await drainDue();
      expect(await reminders()).toEqual([]);
      await travel(new Date(expiresAt.getTime() - 7 * DAY));
      await drainDue();
      await drainDue();
      expect(await reminders()).toEqual([168]);
      await travel(new Date(expiresAt.getTime() - DAY));
      await drainDue();
      expect(await reminders()).toEqual([168, 24]);
      expect((await read(need.id)).status).toBe('submitted');

      await travel(expiresAt);
      await drainDue();
      await drainDue();
      expect((await read(need.id)).status).toBe('expired');
      expect(await outboxEvents(t, 'need.expired', need.id)).toHaveLength(1);
      expect(await reminders()).toEqual([168, 24]);

      const expired = await read(need.id, enterprise);
      const renewed = await act(enterprise, need.id, 'renew', {}, expired.version);
      ok('renew', renewed);
      expect(renewed.body.status).toBe('submitted');
      const newExpiry = new Date(t.clock.now().getTime() + 180 * DAY);
      expect(new Date(renewed.body.expiresAt).getTime()).toBe(newExpiry.getTime());
      // Renewed before its second expiry: the first deadlines of the new period are moved.
      await travel(new Date(newExpiry.getTime() - DAY - 60_000));
      const early = await act(enterprise, need.id, 'renew', {}, renewed.body.version);
      ok('renew early', early);
      await travel(newExpiry);
      await drainDue();
      expect((await read(need.id)).status).toBe('submitted');
      expect(await outboxEvents(t, 'need.expired', need.id)).toHaveLength(1);
    });
  });

  describe('authorization and leaks', () => {
    it('answers 404 to a broker of another centre for a need not routed to its centre or below', async () => {
      const enterprise = await newEnterprise('360102');
      const need = await file(enterprise);
      const ganzhou = brokers.ganzhou;
      expect((await t.http.get(api(`/needs/${need.id}`)).set(ganzhou.headers)).status).toBe(404);
      expect((await act(ganzhou, need.id, 'claim')).status).toBe(404);
      expect((await t.http.get(api(`/needs/${need.id}/confidential`)).set(ganzhou.headers)).status).toBe(404);
      const centreList = await t.http
        .get(api('/needs'))
        .query({ scope: 'centre', limit: 100 })
        .set(ganzhou.headers);
      ok('centre list', centreList);
      expect(centreList.body.items.map((n: { id: string }) => n.id)).not.toContain(need.id);
      // The provincial broker (an ancestor centre) and the sub-centre's see it and may claim it.
      expect((await t.http.get(api(`/needs/${need.id}`)).set(brokers.province.headers)).status).toBe(200);
      const nanchangList = await t.http
        .get(api('/needs'))
        .query({ scope: 'centre', limit: 100 })
        .set(brokers.nanchang.headers);
      expect(nanchangList.body.items.map((n: { id: string }) => n.id)).toContain(need.id);
      ok('claim by the sub-centre', await act(brokers.nanchang, need.id, 'claim'));
      // Another enterprise does not see a need before it is public.
      const rival = await newEnterprise();
      expect((await t.http.get(api(`/needs/${need.id}`)).set(rival.headers)).status).toBe(404);
      expect((await t.http.get(api(`/needs/${need.id}`))).status).toBe(404);
    });

    it('never shows the public or another enterprise the name, the id or the confidential details', async () => {
      const name = `${ENTERPRISE_NAME}（隐名）`;
      const enterprise = await newEnterprise('360102', name);
      const need = await refinedNeed(enterprise);
      const answers: Array<{ what: string; body: unknown }> = [];
      const rival = await newEnterprise('360102');
      const team = track(await ctx.newApplicantOrg());
      for (const [who, headers] of [
        ['anonymous', {}],
        ['rival', rival.headers],
        ['team', team.headers],
        ['other broker', brokers.ganzhou.headers],
      ] as const) {
        const one = await t.http.get(api(`/needs/${need.id}`)).set(headers);
        ok(`${who} read`, one);
        expect(one.body.enterprise).toEqual({
          organizationId: null,
          name: null,
          label: 'an enterprise in 360102, 新材料',
        });
        expect(one.body.diagnosis).toMatchObject({ realProblem: null, trlNeeded: 6 });
        const list = await t.http.get(api('/needs')).query({ limit: 100 }).set(headers);
        ok(`${who} list`, list);
        expect(list.body.items.map((n: { id: string }) => n.id)).toContain(need.id);
        answers.push({ what: `${who} detail`, body: one.body }, { what: `${who} list`, body: list.body });
      }
      const gated = await t.http.get(api(`/needs/${need.id}/confidential`)).set(team.headers);
      expect(gated.status).toBe(403);
      expect(gated.body.code).toBe('NDA_REQUIRED');
      answers.push({ what: 'gated', body: gated.body });
      expect((await t.http.get(api(`/needs/${need.id}/confidential`)).set(rival.headers)).status).toBe(403);

      // Promoted: the public need shows the list id; the list itself hides the need id from strangers.
      const { programId } = await ctx.newProgram({ admin });
      const now = t.clock.now().getTime();
      ok(
        'promote',
        await act(brokers.ncStation, need.id, 'promote', {
          programId,
          opensAt: new Date(now + DAY).toISOString(),
          closesAt: new Date(now + 30 * DAY).toISOString(),
          durationMonths: 12,
        }),
      );
      const after = await t.http.get(api(`/needs/${need.id}`));
      ok('public read after promotion', after);
      // The list will carry the enterprise's name once published: an anonymous need does not point to it.
      expect(after.body).toMatchObject({ status: 'listed', challengeId: null, projectIds: [] });
      answers.push({ what: 'after promotion', body: after.body });

      const webhookBodies = (
        await t.dataSource.query<
          Array<{ id: string; type: string; occurred_at: Date; data: Record<string, unknown> }>
        >(`SELECT id, type, occurred_at, data FROM outbox_events WHERE aggregate_id = $1`, [need.id])
      )
        .map((e) => ({ ...e, type: e.type }))
        .flatMap((e) =>
          isWebhookEventType(e.type)
            ? [
                {
                  what: `webhook ${e.type}`,
                  body: webhookBody({
                    id: e.id,
                    type: e.type,
                    aggregateType: 'need',
                    aggregateId: need.id,
                    occurredAt: e.occurred_at,
                    data: e.data as never,
                  }),
                },
              ]
            : [],
        );
      expect(webhookBodies.map((w) => w.what).sort()).toEqual([
        'webhook need.filed',
        'webhook need.listed',
        'webhook need.refined',
      ]);
      for (const { what, body } of [...answers, ...webhookBodies]) {
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        expect({ what, leaks: text.includes(SECRET) }).toEqual({ what, leaks: false });
        expect({ what, leaks: text.includes(name) }).toEqual({ what, leaks: false });
        expect({ what, leaks: text.includes(enterprise.organizationId) }).toEqual({ what, leaks: false });
      }
      // Every outbox event of the need is free of the secret and the name (notifications read them).
      const all = await t.dataSource.query(`SELECT data FROM outbox_events WHERE aggregate_id = $1`, [
        need.id,
      ]);
      expect(JSON.stringify(all)).not.toContain(SECRET);
      expect(JSON.stringify(all)).not.toContain(name);

      // The enterprise and its broker read the confidential details.
      for (const who of [enterprise, brokers.ncStation]) {
        const details = await t.http.get(api(`/needs/${need.id}/confidential`)).set(who.headers);
        expect(details.body.details).toContain(SECRET);
      }
      // After the undertaking, the team reads them too.
      ok(
        'nda',
        await t.http
          .post(api(`/needs/${need.id}/nda`))
          .set(team.headers)
          .send({ accepted: true }),
      );
      expect(
        (await t.http.get(api(`/needs/${need.id}/confidential`)).set(team.headers)).body.details,
      ).toContain(SECRET);
    });

    it('a need filed by name shows the organization to the public', async () => {
      const enterprise = await newEnterprise('360102', '公开署名电机有限公司');
      const need = await refinedNeed(enterprise, { anonymous: false });
      const res = await t.http.get(api(`/needs/${need.id}`));
      expect(res.body.enterprise).toMatchObject({
        organizationId: enterprise.organizationId,
        name: '公开署名电机有限公司',
      });
    });

    it('refuses filing by a non-enterprise organization and the work of a non-broker', async () => {
      const university = track(await ctx.newApplicantOrg());
      const res = await t.http.post(api('/needs')).set(university.headers).send(needBody());
      expect(res.status).toBe(403);
      const enterprise = await newEnterprise();
      const need = await file(enterprise);
      expect((await act(enterprise, need.id, 'claim')).status).toBe(403);
      expect(
        (await t.http.get(api('/needs')).query({ scope: 'centre' }).set(enterprise.headers)).status,
      ).toBe(403);
      expect((await t.http.get(api('/needs')).query({ scope: 'mine' })).status).toBe(401);
    });
  });

  describe('bad input changes nothing', () => {
    it('a reversed budget, a TRL out of range or an unknown chain is 400 naming the field', async () => {
      const enterprise = await newEnterprise();
      const need = await file(enterprise);
      ok('claim', await act(brokers.ncStation, need.id, 'claim'));
      const before = await rowCounts();
      const beforeNeed = await read(need.id);

      const reversed = await t.http
        .post(api('/needs'))
        .set(enterprise.headers)
        .send(needBody({ budgetMinFen: 300_000_000, budgetMaxFen: 100_000_000 }));
      expect(reversed.status).toBe(400);
      expect(reversed.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(reversed.body.errors).toEqual([expect.objectContaining({ field: 'budgetMinFen' })]);

      const chain = await t.http
        .post(api('/needs'))
        .set(enterprise.headers)
        .send(needBody({ industryChain: 'no_such_chain' }));
      expect(chain.status).toBe(400);
      expect(chain.body.errors).toEqual([expect.objectContaining({ field: 'industryChain' })]);

      for (const trlNeeded of [0, 10, 6.5, '6']) {
        const trl = await act(brokers.ncStation, need.id, 'diagnosis', { ...diagnosis, trlNeeded });
        expect(trl.status).toBe(400);
        expect(trl.body.errors.map((e: { field: string }) => e.field)).toContain('trlNeeded');
      }
      const refineEarly = await act(brokers.ncStation, need.id, 'refine', {});
      expect(refineEarly.status).toBe(422);
      expect(refineEarly.body.errors[0].field).toBe('diagnosis');

      expect(await rowCounts()).toEqual(before);
      expect((await read(need.id)).version).toBe(beforeNeed.version);
    });
  });
});
