import { randomUUID } from 'node:crypto';
import { TestContext, WORLDS_ENV } from '../support/context';
import { Actor, auditRows, outboxEvents, registerOrg } from '../support/factories';
import { fixtureResults } from '../support/matching-fixture';
import { createExpert, TestExpert } from '../support/reviews';
import { needRoute, newBroker, refinedNeed, serviceCentre } from '../support/transfer';
import { createTestApp, TestApp } from '../support/test-app';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';
import { MatchIndex } from '../../src/modules/platform/terms/match-index.service';
import { MatchBackfill, MatchBackfillRunner } from '../../src/modules/transfer/matching/match-backfill';

/**
 * The smaller gaps of matching in the transfer loop (ADR 0060 "Wiring"): an introduction from an
 * accepted match (recorded and told like one from an interest, once), team and expert views on a
 * need's matches, the index backfill of subjects saved before matching existed, the TRL a result
 * is indexed with after an edit, and stale If-Match on need and result transitions.
 */
interface MatchBody {
  id: string;
  explanation: { trl: { query: number | null; candidate: number | null; fit: number } };
  team?: Record<string, unknown>;
  expert?: Record<string, unknown>;
}

describe('matches: introductions, views, backfill', () => {
  let t: TestApp;
  let worker: TestWorker;
  let admin: Actor;
  let broker: Actor;
  let enterprise: Actor;
  let holder: Actor;
  let expert: TestExpert;
  let teamId: string;
  let needId: string;
  let resultId: string;
  const api = (path: string) => `/api/v1${path}`;
  const r01 = fixtureResults().find((r) => r.id === 'r01')!;
  const HOLDER_NAME = '赣州稀土永磁研究院';
  const EXPERT_NAME = '钕铁硼匹配专家';

  const ok = (what: string, res: { status: number; body: unknown }, status = 200) => {
    if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const post = async (who: Actor, path: string, body: object = {}, status = 200) => {
    const res = await t.http.post(api(path)).set(who.headers).send(body);
    ok(path, res, status);
    return res.body as Record<string, unknown>;
  };
  const createResult = async (trlClaimed: number) =>
    (
      await post(
        holder,
        '/results',
        {
          title: r01.title,
          abstract: r01.abstract,
          type: 'patent',
          industryChain: 'rare_earths',
          keywords: r01.keywords,
          trlClaimed,
          ipRecords: [],
          holders: [{ name: HOLDER_NAME, organizationId: holder.organizationId }],
          transferModes: ['assignment'],
        },
        201,
      )
    ).id as string;
  const matches = async (who: Actor, kind: string, path = `/needs/${needId}/matches`) => {
    const res = await t.http.get(api(path)).query({ kind, limit: 50 }).set(who.headers);
    ok(`matches ${kind}`, res);
    return res.body as MatchBody[];
  };
  const documents = async (kind: string, id: string) =>
    t.dataSource.query<Array<{ trl: number | null }>>(
      `SELECT trl FROM match_documents WHERE subject_kind = $1 AND subject_id = $2`,
      [kind, id],
    );
  const introductionsOf = async (need: string) =>
    (
      await t.dataSource.query<Array<{ count: number }>>(
        `SELECT count(*)::int AS count FROM need_introductions WHERE need_id = $1`,
        [need],
      )
    )[0].count;
  const notified = (reader: Actor, kind: string) =>
    waitFor(
      async () => {
        const res = await t.http.get(api('/notifications')).set(reader.headers);
        ok('notifications', res);
        return (res.body.items as Array<{ kind: string }>).some((n) => n.kind === kind);
      },
      { what: `${kind} notified`, timeoutMs: 30_000 },
    );
  const fileRefinedNeed = async (refine = true) => (await refinedNeed(t, enterprise, broker, { refine })).id;

  beforeAll(async () => {
    t = await createTestApp({ env: WORLDS_ENV });
    admin = await new TestContext(t).newAdmin();
    const centre = await serviceCentre(t, admin, '南昌技术转移中心', '360100');
    await needRoute(t, admin, { regionCode: '360100', centreOrganizationId: centre });
    broker = await newBroker(t, admin, centre, '360100', {
      industryChains: ['rare_earths'],
      keywords: ['稀土'],
    });
    enterprise = await registerOrg(t, { role: 'issuer', type: 'enterprise', regionCode: '360102' });
    holder = await registerOrg(t, { role: 'applicant', regionCode: '360702', name: HOLDER_NAME });
    needId = await fileRefinedNeed();
    resultId = await createResult(7);
    await post(holder, `/results/${resultId}/submit`);
    await post(broker, `/results/${resultId}/publish`);

    // An expert and a team saved before matching existed: indexed on save, then taken out again.
    expert = await createExpert(t, admin, holder.organizationId, EXPERT_NAME, {
      industryChains: ['rare_earths'],
      keywords: ['钕铁硼', '矫顽力', '晶界扩散'],
    });
    teamId = (
      await post(
        holder,
        '/teams',
        {
          name: '钕铁硼晶界扩散攻关团队',
          leaderUserId: holder.userId,
          members: [
            {
              name: '张三',
              title: '研究员',
              role: '矫顽力提升与重稀土减量',
              organizationId: holder.organizationId,
            },
          ],
        },
        201,
      )
    ).id as string;
    expect(await documents('team', teamId)).toHaveLength(1);
    await t.get(MatchIndex).remove('expert', expert.expertId);
    await t.get(MatchIndex).remove('team', teamId);
    expect(await documents('expert', expert.expertId)).toHaveLength(0);

    worker = await startTestWorker(t.environment, t.clock);
  });

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('backfills the index at the worker start with what is missing; running again indexes nothing', async () => {
    await worker.get(MatchBackfillRunner).started;
    expect(await documents('expert', expert.expertId)).toHaveLength(1);
    expect(await documents('team', teamId)).toHaveLength(1);
    const backfill = worker.get(MatchBackfill);
    expect(await backfill.run()).toEqual({ need: 0, result: 0, team: 0, expert: 0 });
    // Out again (and a need and a result too): exactly these come back, once.
    for (const [kind, id] of [
      ['expert', expert.expertId],
      ['team', teamId],
      ['need', needId],
      ['result', resultId],
    ] as const) {
      await t.get(MatchIndex).remove(kind, id);
    }
    expect(await backfill.run()).toEqual({ need: 1, result: 1, team: 1, expert: 1 });
    expect(await backfill.run()).toEqual({ need: 0, result: 0, team: 0, expert: 0 });
    expect(await documents('result', resultId)).toEqual([{ trl: 7 }]);
    // A need not yet refined is not eligible: the backfill leaves it out.
    const diagnosing = await fileRefinedNeed(false);
    expect(await backfill.run()).toEqual({ need: 0, result: 0, team: 0, expert: 0 });
    expect(await documents('need', diagnosing)).toHaveLength(0);
  });

  it('shows teams (name, lead organization, chains) and experts (fields, region; the name to brokers only)', async () => {
    const team = (await matches(broker, 'team')).find((m) => m.id === teamId);
    expect(team?.team).toEqual({
      id: teamId,
      name: '钕铁硼晶界扩散攻关团队',
      leadOrganizationName: HOLDER_NAME,
      chains: [],
    });
    const seen = (await matches(broker, 'expert')).find((m) => m.id === expert.expertId);
    expect(seen?.expert).toEqual({
      id: expert.expertId,
      displayName: EXPERT_NAME,
      keywords: ['钕铁硼', '矫顽力', '晶界扩散'],
      industryChains: ['rare_earths'],
      regionCode: '360702',
    });
    const [email] = await t.dataSource.query<Array<{ email: string }>>(
      `SELECT email FROM users WHERE id = $1`,
      [expert.actor.userId],
    );
    // The enterprise sees the expert's fields, never the name; nobody sees contact data.
    const forEnterprise = await matches(enterprise, 'expert');
    expect(forEnterprise.find((m) => m.id === expert.expertId)?.expert).toMatchObject({ displayName: null });
    expect(JSON.stringify(forEnterprise)).not.toContain(EXPERT_NAME);
    for (const body of [await matches(broker, 'expert'), forEnterprise]) {
      expect(JSON.stringify(body)).not.toContain(email.email);
      expect(JSON.stringify(body)).not.toContain(expert.actor.userId);
    }
  });

  it('introduces an accepted match once (told like an interest introduction); never a rejected one', async () => {
    const intro = `/needs/${needId}/matches/result/${resultId}/introduction`;
    const label = (verdict: string) =>
      post(broker, `/needs/${needId}/matches/result/${resultId}/label`, { verdict, reason: '工艺对口' });
    const refused = async (status: number, code: string) => {
      const res = await t.http.post(api(intro)).set(broker.headers).send({ note: '安排对接' });
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.code).toBe(code);
      expect(await introductionsOf(needId)).toBe(0);
    };
    await refused(422, 'BUSINESS_RULE_VIOLATION'); // not labelled yet
    await label('reject');
    await refused(422, 'BUSINESS_RULE_VIOLATION');
    const byEnterprise = await t.http.post(api(intro)).set(enterprise.headers).send({ note: 'x' });
    expect(byEnterprise.status).toBe(403);
    const bad = await t.http.post(api(intro)).set(broker.headers).send({ note: '' });
    expect(bad.status).toBe(400);

    await label('accept');
    const made = await post(broker, intro, { note: '已安排双方线上对接' }, 201);
    expect(made).toMatchObject({
      needId,
      interestId: null,
      subjectKind: 'result',
      subjectId: resultId,
      brokerUserId: broker.userId,
      note: '已安排双方线上对接',
      needStatus: 'refined',
    });
    const again = await post(broker, intro, { note: '再次对接' }, 200);
    expect(again).toEqual(made);
    expect(await introductionsOf(needId)).toBe(1);
    const events = await outboxEvents(t, 'introduction.made', needId);
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({
      introductionId: made.id,
      interestId: null,
      interestedOrganizationId: holder.organizationId,
      subjectKind: 'result',
      subjectId: resultId,
    });
    expect(await auditRows(t, 'need.introduce', needId)).toHaveLength(1);
    const listed = await t.http.get(api(`/needs/${needId}/introductions`)).set(enterprise.headers);
    ok('introductions', listed);
    expect(listed.body).toEqual([made]);
    await notified(enterprise, 'introduction.made');
    await notified(holder, 'introduction.made');

    // An expert is told alone (its account), with the need then matched.
    await post(broker, `/needs/${needId}/matches/expert/${expert.expertId}/label`, {
      verdict: 'accept',
      reason: '晶界扩散专长',
    });
    const expertIntro = await post(
      broker,
      `/needs/${needId}/matches/expert/${expert.expertId}/introduction`,
      { note: '请专家提供咨询', markMatched: true },
      201,
    );
    expect(expertIntro).toMatchObject({ subjectKind: 'expert', needStatus: 'matched' });
    const expertEvent = (await outboxEvents(t, 'introduction.made', needId)).find(
      (e) => e.data.introductionId === expertIntro.id,
    );
    expect(expertEvent?.data).toMatchObject({
      interestedOrganizationId: null,
      introducedUserId: expert.actor.userId,
    });
    await notified(expert.actor, 'introduction.made');
    // Replayed after the need was matched: the same introduction, nothing new.
    const replay = await post(
      broker,
      `/needs/${needId}/matches/expert/${expert.expertId}/introduction`,
      { note: '请专家提供咨询', markMatched: true },
      200,
    );
    expect(replay.id).toBe(expertIntro.id);
    expect(await outboxEvents(t, 'introduction.made', needId)).toHaveLength(2);
    expect(await outboxEvents(t, 'need.matched', needId)).toHaveLength(1);
  });

  it('replays an introduction under the same Idempotency-Key: the first answer, nothing made or told again; another body is 422', async () => {
    const need = await fileRefinedNeed();
    await post(broker, `/needs/${need}/matches/result/${resultId}/label`, {
      verdict: 'accept',
      reason: '工艺对口',
    });
    const key = randomUUID();
    const send = (body: object) =>
      t.http
        .post(api(`/needs/${need}/matches/result/${resultId}/introduction`))
        .set(broker.headers)
        .set('Idempotency-Key', key)
        .send(body);
    const body = { note: '已安排双方线上对接' };
    const first = await send(body);
    expect(first.status).toBe(201);
    expect(first.headers['idempotency-replayed']).toBeUndefined();
    expect(first.body).toMatchObject({ needId: need, subjectKind: 'result', subjectId: resultId });
    const replayed = await send(body);
    expect(replayed.status).toBe(201);
    expect(replayed.headers['idempotency-replayed']).toBe('true');
    expect(replayed.body).toEqual(first.body);

    const changed = await send({ note: '改为线下对接' });
    expect(changed.status).toBe(422);
    expect(changed.headers['content-type']).toContain('application/problem+json');
    expect(changed.body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    // One introduction, one event, one audit row; each party (every user of the enterprise and of the
    // holder, the expert too) told once, after the worker's delivery.
    expect(await introductionsOf(need)).toBe(1);
    expect(await outboxEvents(t, 'introduction.made', need)).toHaveLength(1);
    expect(await auditRows(t, 'need.introduce', need)).toHaveLength(1);
    const toldUsers = async () =>
      (
        await t.dataSource.query<Array<{ user_id: string }>>(
          `SELECT n.user_id FROM notifications n JOIN outbox_events e ON e.id = n.event_id
            WHERE e.type = 'introduction.made' AND e.aggregate_id = $1`,
          [need],
        )
      ).map((row) => row.user_id);
    const parties = [enterprise.userId, holder.userId];
    await waitFor(
      async () => {
        const told = await toldUsers();
        return parties.every((id) => told.includes(id));
      },
      { what: 'introduction.made told to the enterprise and the holder', timeoutMs: 30_000 },
    );
    const told = await toldUsers();
    expect(new Set(told).size).toBe(told.length);
    const listed = await t.http.get(api(`/needs/${need}/introductions`)).set(enterprise.headers);
    ok('introductions', listed);
    expect(listed.body).toEqual([first.body]);
  });

  it("re-indexes a result with its new TRL when it is edited and published again: the need's TRL fit follows", async () => {
    const need = await fileRefinedNeed();
    const id = await createResult(3);
    const trlOf = async (): Promise<MatchBody['explanation']['trl'] | undefined> =>
      (await matches(holder, 'need', `/results/${id}/matches`)).find((m) => m.id === need)?.explanation.trl;
    // A draft is matched from its fields on the fly: its TRL 3 against the need's 6, ⅓ less per level short.
    expect(await trlOf()).toEqual({ query: 3, candidate: 6, fit: 0 });
    await post(holder, `/results/${id}/submit`);
    await post(broker, `/results/${id}/return`, { reason: '请核实技术就绪度' });
    const current = await t.http.get(api(`/results/${id}`)).set(holder.headers);
    const edited = await t.http
      .patch(api(`/results/${id}`))
      .set(holder.headers)
      .set('If-Match', `"${current.body.version}"`)
      .send({ trlClaimed: 8 });
    ok('edit', edited);
    expect(await trlOf()).toEqual({ query: 8, candidate: 6, fit: 1 });
    await post(holder, `/results/${id}/submit`);
    await post(broker, `/results/${id}/publish`);
    expect(await documents('result', id)).toEqual([{ trl: 8 }]);
    const fromNeed = (await matches(broker, 'result', `/needs/${need}/matches`)).find((m) => m.id === id);
    expect(fromNeed?.explanation.trl).toEqual({ query: 6, candidate: 8, fit: 1 });
    // Withdrawn: out of the index, and out of the need's matches.
    await post(holder, `/results/${id}/withdraw`);
    expect(await documents('result', id)).toHaveLength(0);
    expect((await matches(broker, 'result', `/needs/${need}/matches`)).map((m) => m.id)).not.toContain(id);
  });

  it('refuses a need and a result transition with a stale If-Match: 409 VERSION_MISMATCH, nothing changed', async () => {
    const need = await fileRefinedNeed(false);
    const before = await t.http.get(api(`/needs/${need}`)).set(broker.headers);
    ok('need', before);
    const staleNeed = await t.http
      .post(api(`/needs/${need}/refine`))
      .set(broker.headers)
      .set('If-Match', `"${before.body.version - 1}"`)
      .send({});
    expect(staleNeed.status).toBe(409);
    expect(staleNeed.headers['content-type']).toContain('application/problem+json');
    expect(staleNeed.body).toMatchObject({ code: 'VERSION_MISMATCH', currentVersion: before.body.version });
    const after = await t.http.get(api(`/needs/${need}`)).set(broker.headers);
    expect(after.body).toMatchObject({ status: 'diagnosing', version: before.body.version });
    expect(await documents('need', need)).toHaveLength(0);

    const id = await createResult(7);
    await post(holder, `/results/${id}/submit`);
    const submitted = await t.http.get(api(`/results/${id}`)).set(holder.headers);
    const staleResult = await t.http
      .post(api(`/results/${id}/publish`))
      .set(broker.headers)
      .set('If-Match', `"${submitted.body.version - 1}"`)
      .send({});
    expect(staleResult.status).toBe(409);
    expect(staleResult.headers['content-type']).toContain('application/problem+json');
    expect(staleResult.body).toMatchObject({
      code: 'VERSION_MISMATCH',
      currentVersion: submitted.body.version,
    });
    const unchanged = await t.http.get(api(`/results/${id}`)).set(holder.headers);
    expect(unchanged.body).toMatchObject({ status: 'submitted', version: submitted.body.version });
    expect(await documents('result', id)).toHaveLength(0);
    expect(await outboxEvents(t, 'result.published', id)).toHaveLength(0);
  });
});
