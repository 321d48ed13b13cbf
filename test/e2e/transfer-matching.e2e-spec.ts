import { TestContext, WORLDS_ENV } from '../support/context';
import { Actor, auditRows, outboxEvents, registerOrg } from '../support/factories';
import { fixtureNeeds, fixtureResults } from '../support/matching-fixture';
import { createTestApp, TestApp } from '../support/test-app';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';
import { needRoute, newBroker, refinedNeed, serviceCentre } from '../support/transfer';
import { MatchAlertsHandler } from '../../src/modules/transfer/matching/match-alerts.handler';
import { MATCH_ALERT_THRESHOLD } from '../../src/modules/transfer/matching/matching.constants';
import { receivableEventTypes, webhookEvent } from '../../src/modules/outreach/webhooks/webhook-events';

/**
 * Matching wired into the transfer loop (ADR 0060 "Wiring"): a refined need and a published result
 * with overlapping Chinese text (test/fixtures/matching) match with shared terms; a marker only in
 * the need's confidential details never matches; another centre's broker gets 404; brokers label
 * suggestions; publishing a matching result raises match.found once, to the enterprise and broker.
 */
interface MatchBody {
  id: string;
  score: number;
  explanation: {
    terms: { shared: Array<{ term: string; weight: number }> };
    chain: { overlap: string[] };
    trl: { query: number | null; candidate: number | null };
  };
  need?: Record<string, unknown>;
}

describe('matching in the transfer loop', () => {
  let t: TestApp;
  let ctx: TestContext;
  let worker: TestWorker;
  let admin: Actor;
  let brokerNc: Actor;
  let brokerGz: Actor;
  let enterprise: Actor;
  let holder: Actor;
  const api = (path: string) => `/api/v1${path}`;
  const SECRET = '霍尔推进器羰基铁粉';
  const ENTERPRISE_NAME = '赣江隐名磁材股份有限公司';
  const n01 = fixtureNeeds().find((n) => n.id === 'n01')!;
  const r01 = fixtureResults().find((r) => r.id === 'r01')!;
  let needId: string;
  let resultId: string;

  const ok = (what: string, res: { status: number; body: unknown }, status = 200) => {
    if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const centre = (name: string, regionCode: string, parent?: string) =>
    serviceCentre(t, admin, name, regionCode, parent);
  const broker = (centreId: string, regionCode: string) =>
    newBroker(t, admin, centreId, regionCode, { industryChains: ['rare_earths'], keywords: ['稀土'] });
  const publishResult = async (title: string, abstract: string, keywords: string[]) => {
    const created = await t.http
      .post(api('/results'))
      .set(holder.headers)
      .send({
        title,
        abstract,
        type: 'patent',
        industryChain: 'rare_earths',
        keywords,
        trlClaimed: 7,
        ipRecords: [],
        holders: [{ name: '赣州稀土研究院', organizationId: holder.organizationId }],
        transferModes: ['assignment'],
      });
    ok('result', created, 201);
    ok('submit', await t.http.post(api(`/results/${created.body.id}/submit`)).set(holder.headers));
    ok('publish', await t.http.post(api(`/results/${created.body.id}/publish`)).set(brokerNc.headers));
    return created.body.id as string;
  };
  const matchFound = (need: string) => outboxEvents(t, 'match.found', need);

  beforeAll(async () => {
    t = await createTestApp({ env: WORLDS_ENV });
    ctx = new TestContext(t);
    worker = await startTestWorker(t.environment, t.clock);
    admin = await ctx.newAdmin();
    const province = await centre('江西省技术转移中心', '360000');
    const nanchang = await centre('南昌分中心', '360100', province);
    const ganzhou = await centre('赣州分中心', '360700', province);
    for (const route of [
      { regionCode: '360100', centreOrganizationId: nanchang },
      { regionCode: '360700', centreOrganizationId: ganzhou },
    ]) {
      await needRoute(t, admin, route);
    }
    brokerNc = await broker(nanchang, '360100');
    brokerGz = await broker(ganzhou, '360700');
    enterprise = await registerOrg(t, {
      role: 'issuer',
      type: 'enterprise',
      regionCode: '360102',
      name: ENTERPRISE_NAME,
    });
    holder = await registerOrg(t, { role: 'applicant', regionCode: '360702' });

    // A refined need (public fields from fixture n01; a secret only in its confidential details).
    needId = (
      await refinedNeed(t, enterprise, brokerNc, { confidentialDetails: `${n01.confidential} ${SECRET}` })
    ).id;
    resultId = await publishResult(r01.title, r01.abstract, r01.keywords);
  });

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it("lists the result among the need's matches with shared terms, chain, TRL and region", async () => {
    for (const who of [enterprise, brokerNc, admin]) {
      const res = await t.http
        .get(api(`/needs/${needId}/matches`))
        .query({ kind: 'result', limit: 5 })
        .set(who.headers);
      ok('need matches', res);
      const match = (res.body as MatchBody[]).find((m) => m.id === resultId)!;
      expect(match).toBeDefined();
      expect(match.score).toBeGreaterThan(0);
      const terms = (match.explanation.terms.shared as Array<{ term: string; weight: number }>).map(
        (s) => s.term,
      );
      expect(terms).toEqual(expect.arrayContaining(['钕铁硼', '矫顽力']));
      expect(match.explanation.chain.overlap).toEqual(['rare_earths']);
      expect(match.explanation.trl).toMatchObject({ query: 6, candidate: 7 });
    }
    // The result's side: the need's public view, never the anonymous enterprise.
    const back = await t.http
      .get(api(`/results/${resultId}/matches`))
      .query({ kind: 'need' })
      .set(holder.headers);
    ok('result matches', back);
    const need = (back.body as MatchBody[]).find((m) => m.id === needId)!;
    expect(need.need).toMatchObject({ id: needId, enterprise: { organizationId: null, name: null } });
    const text = JSON.stringify(back.body);
    expect(text).not.toContain(ENTERPRISE_NAME);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(enterprise.organizationId);
  });

  it("never matches on the need's confidential details", async () => {
    const decoy = await publishResult(SECRET, `${SECRET}。`, [SECRET]);
    const res = await t.http
      .get(api(`/needs/${needId}/matches`))
      .query({ kind: 'result', limit: 50 })
      .set(brokerNc.headers);
    ok('need matches', res);
    expect((res.body as Array<{ id: string }>).map((m) => m.id)).not.toContain(decoy);
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
  });

  it("answers 404 to another centre's broker, a stranger and a bad kind", async () => {
    const stranger = await registerOrg(t, { role: 'issuer', regionCode: '360102' });
    for (const who of [brokerGz, stranger]) {
      const res = await t.http
        .get(api(`/needs/${needId}/matches`))
        .query({ kind: 'result' })
        .set(who.headers);
      expect(res.status).toBe(404);
      const label = await t.http
        .post(api(`/needs/${needId}/matches/result/${resultId}/label`))
        .set(who.headers)
        .send({ verdict: 'accept', reason: '对口' });
      expect(label.status).toBe(who === brokerGz ? 404 : 403);
    }
    expect(
      (
        await t.http
          .get(api(`/results/${resultId}/matches`))
          .query({ kind: 'need' })
          .set(stranger.headers)
      ).status,
    ).toBe(404);
    const bad = await t.http
      .get(api(`/needs/${needId}/matches`))
      .query({ kind: 'patent' })
      .set(brokerNc.headers);
    expect(bad.status).toBe(400);
  });

  it('keeps one label per need and subject: accept, then reject replaces it (audited)', async () => {
    const path = api(`/needs/${needId}/matches/result/${resultId}/label`);
    const accepted = await t.http
      .post(path)
      .set(brokerNc.headers)
      .send({ verdict: 'accept', reason: '工艺对口' });
    ok('accept', accepted);
    expect(accepted.body).toMatchObject({
      needId,
      subjectKind: 'result',
      subjectId: resultId,
      verdict: 'accept',
    });
    expect(accepted.body.score).toBeGreaterThan(0);
    const rejected = await t.http
      .post(path)
      .set(brokerNc.headers)
      .send({ verdict: 'reject', reason: 'TRL 不足' });
    ok('reject', rejected);
    expect(rejected.body).toMatchObject({ id: accepted.body.id, verdict: 'reject', reason: 'TRL 不足' });
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM match_labels`);
    expect(count).toBe(1);
    expect(await auditRows(t, 'match.labelled', accepted.body.id)).toHaveLength(2);
    const invalid = await t.http.post(path).set(brokerNc.headers).send({ verdict: 'maybe', reason: 'x' });
    expect(invalid.status).toBe(400);
    const unknown = await t.http
      .post(api(`/needs/${needId}/matches/result/${needId}/label`))
      .set(brokerNc.headers)
      .send({ verdict: 'accept', reason: 'x' });
    expect(unknown.status).toBe(404);
  });

  it('raises match.found once per pair, to the enterprise and the broker; the webhook is a party event', async () => {
    await waitFor(async () => (await matchFound(needId)).some((e) => e.data.resultId === resultId), {
      what: 'match.found',
      timeoutMs: 30_000,
    });
    const events = (await matchFound(needId)).filter((e) => e.data.resultId === resultId);
    expect(events).toHaveLength(1);
    expect(events[0].data.score).toBeGreaterThanOrEqual(MATCH_ALERT_THRESHOLD);
    // The enterprise's users and the claiming broker, each through GET /notifications.
    for (const reader of [enterprise, brokerNc]) {
      await waitFor(
        async () => {
          const res = await t.http.get(api('/notifications')).set(reader.headers);
          ok('notifications', res, 200);
          return (res.body.items as Array<{ kind: string }>).some((n) => n.kind === 'match.found');
        },
        { what: 'the match notification', timeoutMs: 30_000 },
      );
    }
    // A party event: to the enterprise's subscription only, never naming it in the body.
    const definition = webhookEvent('match.found');
    expect(definition.audience).toBe('parties');
    expect(definition.parties(events[0].data as never)).toEqual([enterprise.organizationId]);
    expect(receivableEventTypes({ kind: 'organization', roles: new Set(['lead']) })).not.toContain(
      'match.found',
    );
    expect(definition.fields).not.toContain('enterpriseOrganizationId');

    // Publishing again (withdrawn, then another matching result) never alerts the same pair twice.
    const handler = worker.get(MatchAlertsHandler);
    const [published] = await t.dataSource.query(
      `SELECT id, type, aggregate_type AS "aggregateType", aggregate_id AS "aggregateId", data, occurred_at AS "occurredAt"
       FROM outbox_events WHERE type = 'result.published' AND aggregate_id = $1`,
      [resultId],
    );
    await t.dataSource.transaction((em) => handler.onResultPublished(published, em));
    expect((await matchFound(needId)).filter((e) => e.data.resultId === resultId)).toHaveLength(1);
  });
});
