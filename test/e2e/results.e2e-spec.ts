import { TestContext, WORLDS_ENV } from '../support/context';
import { Actor, createUser, outboxEvents, registerOrg } from '../support/factories';
import { AwardedList, awardedList } from '../support/projects';
import { jsonStrings } from '../support/reviews';
import { createTestApp, TestApp } from '../support/test-app';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';
import { JobQueue } from '../../src/infra/queue/job-queue.service';
import { JobName } from '../../src/infra/queue/queue.constants';
import { deadlineJobId } from '../../src/infra/scheduler/deadline-job';
import { ResultsEventsHandler } from '../../src/modules/transfer/results/results.events';
import { ResultUtilisationService } from '../../src/modules/transfer/results/result-utilisation.service';
import { isWebhookEventType, webhookBody } from '../../src/modules/outreach/webhooks/webhook-events';

const MARKER = 'RESULT-SECRET-7f3a';
const HOUR = 3_600_000;
const api = (path: string) => `/api/v1${path}`;

interface UtilisationRow {
  id: string;
  year: number;
  status: string;
  request_at: Date;
  due_at: Date;
}

/**
 * The results library (成果库, ADR 0059): a project runs to a passed acceptance with the panel's TRL
 * verdict; a result is drafted from it with that verified TRL; its holder completes and submits it;
 * a broker returns and publishes it; the public sees it without the confidential details; the
 * holder is asked yearly how it is used.
 */
describe('results library (成果库)', () => {
  let t: TestApp;
  let worker: TestWorker;
  let award: AwardedList;
  let holder: Actor;
  let broker: Actor;
  let stranger: Actor;
  let acceptanceId: string;
  let resultId: string;
  let chain: string;

  const resultCount = async () =>
    Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM results`))[0].n);
  const utilisationRows = () =>
    t.dataSource.query<UtilisationRow[]>(
      `SELECT id, year, status, request_at, due_at FROM result_utilisation_reports WHERE result_id = $1 ORDER BY year`,
      [resultId],
    );
  const version = async (id: string) =>
    (await t.http.get(api(`/results/${id}`)).set(holder.headers)).body.version as number;
  /** Runs a deadline's job now (its time has come by the clock), as the worker would at that time. */
  const fire = async (entityId: string, kind: string, dueAt: Date) => {
    const job = await t
      .get(JobQueue)
      .getJob(
        JobName.RunDeadline,
        deadlineJobId({ entityType: 'result_utilisation_report', entityId, kind, dueAt }),
      );
    expect(job).toBeDefined();
    if ((await job!.getState()) === 'delayed') await job!.promote();
    await waitFor(
      async () =>
        (
          await t.dataSource.query<Array<{ status: string }>>(
            `SELECT status FROM deadlines WHERE entity_id = $1 AND kind = $2`,
            [entityId, kind],
          )
        )[0]?.status === 'done',
      { what: `${kind} done` },
    );
  };

  beforeAll(async () => {
    t = await createTestApp({ env: WORLDS_ENV });
    worker = await startTestWorker(t.environment, t.clock);
    award = await awardedList(t, { winners: 1, losers: 0 });
    holder = award.lines[0].bidder;
    const centre = await registerOrg(t, { role: 'applicant', type: 'enterprise', name: '南昌技术转移中心' });
    broker = award.track(await createUser(t, centre.organizationId, ['broker']));
    stranger = award.track(
      await registerOrg(t, { role: 'issuer', type: 'enterprise', name: '赣州需求企业' }),
    );
    acceptanceId = await new TestContext(t).decidedAcceptance(award, 0, { outcome: 'passed', trlVerdict: 6 });
  }, 600_000);

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('drafts a result from the passed acceptance with verifiedTrl = the panel’s TRL verdict, once', async () => {
    const acceptance = await t.http.get(api(`/acceptances/${acceptanceId}`)).set(award.admin.headers);
    expect(acceptance.body).toMatchObject({ status: 'passed', trlVerdict: 6 });
    const [decided] = await outboxEvents(t, 'acceptance.decided', award.lines[0].projectId);
    expect(decided.data).toMatchObject({ trlVerdict: 6, status: 'passed' });

    await waitFor(async () => (await outboxEvents(t, 'result.drafted')).length === 1, {
      what: 'the result drafted by the acceptance event',
    });
    const mine = await t.http.get(api('/results')).query({ scope: 'mine' }).set(holder.headers);
    expect(mine.status).toBe(200);
    expect(mine.body.items).toHaveLength(1);
    const draft = mine.body.items[0];
    resultId = draft.id;
    chain = draft.industryChain as string;
    expect(draft).toMatchObject({
      status: 'draft',
      source: 'acceptance',
      verifiedTrl: 6,
      trlClaimed: null,
      projectId: award.lines[0].projectId,
      challengeId: award.list.id,
      organizationId: holder.organizationId,
    });
    expect(draft.indicators.length).toBeGreaterThan(0);
    expect(draft.indicators[0]).toMatchObject({
      met: 3,
      partiallyMet: 0,
      notMet: 0,
      measuredValue: '实测达标',
    });

    // Handled twice (a redelivery), still one result.
    const event = (
      await t.dataSource.query(
        `SELECT id, type, aggregate_type AS "aggregateType", aggregate_id AS "aggregateId", data, occurred_at AS "occurredAt"
         FROM outbox_events WHERE type = 'acceptance.decided'`,
      )
    )[0];
    const handler = t.get(ResultsEventsHandler);
    await t.dataSource.transaction((em) => handler.onAcceptanceDecided(event, em));
    await t.dataSource.transaction((em) => handler.onAcceptanceDecided(event, em));
    expect(await resultCount()).toBe(1);
    expect(await outboxEvents(t, 'result.drafted')).toHaveLength(1);

    // The yearly utilisation reports: three years (the default), each with its request, due date and reminders.
    const rows = await utilisationRows();
    expect(rows.map((r) => [r.year, r.status])).toEqual([
      [1, 'scheduled'],
      [2, 'scheduled'],
      [3, 'scheduled'],
    ]);
    const kinds = await t.dataSource.query<Array<{ kind: string }>>(
      `SELECT kind FROM deadlines WHERE entity_id = $1 AND status = 'pending' ORDER BY kind`,
      [rows[0].id],
    );
    expect(kinds.map((k) => k.kind)).toEqual([
      'result.utilisation_due',
      'result.utilisation_reminder@168h',
      'result.utilisation_reminder@24h',
      'result.utilisation_request',
    ]);

    // A draft is nobody else's business.
    expect((await t.http.get(api(`/results/${resultId}`))).status).toBe(404);
    expect((await t.http.get(api(`/results/${resultId}`)).set(stranger.headers)).status).toBe(404);
    expect((await t.http.get(api('/results'))).body.items).toEqual([]);
  });

  it('refuses bad input with 400 naming the field, and changes nothing', async () => {
    const valid = {
      title: '稀土永磁电机控制技术',
      abstract: '高功率密度电机控制方法',
      type: 'patent',
      industryChain: chain,
      keywords: ['永磁'],
      trlClaimed: 4,
      ipRecords: [
        {
          kind: '发明专利',
          number: 'ZL2027100001.1',
          holderOrganizationIds: [stranger.organizationId],
          status: 'granted',
        },
      ],
      holders: [{ name: '赣州需求企业', organizationId: stranger.organizationId }],
      transferModes: ['assignment'],
      priceGuidanceFen: 100_000_00,
    };
    const before = await resultCount();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ trlClaimed: 10 }, 'trlClaimed'],
      [{ trlClaimed: 0 }, 'trlClaimed'],
      [{ industryChain: 'no_such_chain' }, 'industryChain'],
      [{ priceGuidanceFen: -1 }, 'priceGuidanceFen'],
      [{ transferModes: ['sale'] }, 'transferModes'],
      [{ type: 'idea' }, 'type'],
      [{ verifiedTrl: 9 }, 'verifiedTrl'],
    ];
    for (const [change, field] of cases) {
      const res = await t.http
        .post(api('/results'))
        .set(stranger.headers)
        .send({ ...valid, ...change });
      expect({ field, status: res.status, type: res.type }).toEqual({
        field,
        status: 400,
        type: 'application/problem+json',
      });
      expect(JSON.stringify(res.body.errors)).toContain(field);
    }
    expect(await resultCount()).toBe(before);

    const v = await version(resultId);
    for (const [change, field] of cases) {
      const res = await t.http
        .patch(api(`/results/${resultId}`))
        .set(holder.headers)
        .set('If-Match', `"${v}"`)
        .send(change);
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
    }
    expect(await version(resultId)).toBe(v);
    const unchanged = await t.http.get(api(`/results/${resultId}`)).set(holder.headers);
    expect(unchanged.body).toMatchObject({ verifiedTrl: 6, trlClaimed: null, priceGuidanceFen: null });

    // The acceptance's TRL verdict is 1–9 too (refused before anything is looked at).
    const badTrl = await t.http
      .post(api(`/acceptances/${acceptanceId}/decide`))
      .set(award.admin.headers)
      .send({ outcome: 'passed', reason: 'x', issuerOpinion: 'y', trlVerdict: 10 });
    expect(badTrl.status).toBe(400);
    expect(JSON.stringify(badTrl.body.errors)).toContain('trlVerdict');

    // Any organization user enters a result of its own: a draft without a verified TRL.
    const created = await t.http.post(api('/results')).set(stranger.headers).send(valid);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'draft',
      source: 'submission',
      verifiedTrl: null,
      trlClaimed: 4,
      organizationId: stranger.organizationId,
    });
    expect(await resultCount()).toBe(before + 1);
    // Only the holder changes it; others do not even see the draft.
    expect((await t.http.post(api(`/results/${created.body.id}/submit`)).set(holder.headers)).status).toBe(
      404,
    );
    expect((await t.http.post(api(`/results/${created.body.id}/publish`)).set(holder.headers)).status).toBe(
      403,
    );
  });

  it('submit → return → submit → publish; the public list and detail never carry the confidential details', async () => {
    const incomplete = await t.http.post(api(`/results/${resultId}/submit`)).set(holder.headers);
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'transferModes',
      'trlClaimed',
    ]);

    const edited = await t.http
      .patch(api(`/results/${resultId}`))
      .set(holder.headers)
      .set('If-Match', `"${await version(resultId)}"`)
      .send({
        type: 'prototype',
        trlClaimed: 7,
        keywords: ['永磁同步电机', '矢量控制'],
        transferModes: ['exclusive_licence', 'joint_development'],
        priceGuidanceFen: 5_000_000_00,
        confidentialDetails: `关键工艺参数 ${MARKER}`,
      });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ trlClaimed: 7, verifiedTrl: 6, hasConfidentialDetails: true });
    expect(jsonStrings(edited.body).join('\n')).not.toContain(MARKER);

    const submitted = await t.http.post(api(`/results/${resultId}/submit`)).set(holder.headers);
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('submitted');
    // Vetting is for brokers and admins.
    expect((await t.http.post(api(`/results/${resultId}/publish`)).set(stranger.headers)).status).toBe(403);
    const all = await t.http
      .get(api('/results'))
      .query({ scope: 'all', status: 'submitted' })
      .set(broker.headers);
    expect(all.status).toBe(200);
    expect(all.body.items.map((r: { id: string }) => r.id)).toContain(resultId);
    expect((await t.http.get(api('/results')).query({ scope: 'all' }).set(stranger.headers)).status).toBe(
      403,
    );

    const returned = await t.http
      .post(api(`/results/${resultId}/return`))
      .set(broker.headers)
      .send({ reason: '请补充知识产权信息' });
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({ status: 'returned', returnReason: '请补充知识产权信息' });
    expect((await t.http.post(api(`/results/${resultId}/publish`)).set(broker.headers)).status).toBe(409);
    expect((await t.http.post(api(`/results/${resultId}/submit`)).set(holder.headers)).status).toBe(200);
    const published = await t.http.post(api(`/results/${resultId}/publish`)).set(broker.headers);
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ status: 'published', returnReason: null });

    // The public: filters by chain, type, TRL range and transfer mode; no confidential field, no person.
    const listed = await t.http.get(api('/results')).query({
      industryChain: chain,
      type: 'prototype',
      minTrl: 6,
      maxTrl: 8,
      transferMode: 'exclusive_licence',
    });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((r: { id: string }) => r.id)).toEqual([resultId]);
    expect(listed.body.nextCursor).toBeNull();
    for (const miss of [
      { minTrl: 8 },
      { maxTrl: 6 },
      { type: 'patent' },
      { transferMode: 'equity' },
      { industryChain: 'no_such_chain' },
    ]) {
      expect((await t.http.get(api('/results')).query(miss)).body.items).toEqual([]);
    }
    expect((await t.http.get(api('/results')).query({ minTrl: 10 })).status).toBe(400);
    const detail = await t.http.get(api(`/results/${resultId}`));
    expect(detail.status).toBe(200);
    const text = jsonStrings([listed.body, detail.body]).join('\n');
    expect(text).not.toContain(MARKER);
    expect(text).not.toContain(holder.userId);
    expect(text).not.toContain(holder.email);
    expect(detail.body).toMatchObject({ verifiedTrl: 6, trlClaimed: 7, hasConfidentialDetails: true });

    // The confidential details: behind the undertaking, as for challenge lists.
    const before = await t.http.get(api(`/results/${resultId}/confidential`)).set(stranger.headers);
    expect(before.status).toBe(403);
    expect(before.body.code).toBe('NDA_REQUIRED');
    expect((await t.http.get(api(`/results/${resultId}/confidential`))).status).toBe(401);
    const nda = await t.http
      .post(api(`/results/${resultId}/nda`))
      .set(stranger.headers)
      .send({ accepted: true });
    expect(nda.status).toBe(200);
    const after = await t.http.get(api(`/results/${resultId}/confidential`)).set(stranger.headers);
    expect(after.status).toBe(200);
    expect(after.body.details).toContain(MARKER);
    expect(
      (await t.http.get(api(`/results/${resultId}/confidential`)).set(holder.headers)).body.details,
    ).toContain(MARKER);

    // Events: drafted, submitted ×2, returned, published; none carries the confidential details.
    const types = ['result.drafted', 'result.submitted', 'result.returned', 'result.published'] as const;
    const events = (await Promise.all(types.map((type) => outboxEvents(t, type, resultId)))).flat();
    expect(events.map((e) => e.type).sort()).toEqual(
      [
        'result.drafted',
        'result.published',
        'result.returned',
        'result.submitted',
        'result.submitted',
      ].sort(),
    );
    for (const e of events) {
      expect(JSON.stringify(e.data)).not.toContain(MARKER);
      if (!isWebhookEventType(e.type)) throw new Error(`${e.type} is not in the webhook catalogue`);
      const body = webhookBody({
        id: 'x',
        type: e.type,
        aggregateType: 'result',
        aggregateId: resultId,
        data: e.data as never,
        occurredAt: new Date(),
      });
      expect(body).not.toContain(MARKER);
    }
    await waitFor(
      async () =>
        (await t.dataSource.query(`SELECT 1 FROM notifications WHERE user_id = $1`, [broker.userId])).length >
        0,
      { what: 'the broker told of the submitted result' },
    );

    // Withdrawn: gone from the public library.
    const withdrawn = await t.http.post(api(`/results/${resultId}/withdraw`)).set(holder.headers);
    expect(withdrawn.status).toBe(200);
    expect((await t.http.get(api('/results'))).body.items).toEqual([]);
    expect((await t.http.get(api(`/results/${resultId}`))).status).toBe(404);
    expect(await outboxEvents(t, 'result.withdrawn', resultId)).toHaveLength(1);
  });

  it('asks the holder once a year: each request fires once at its time, with reminders and an overdue notice', async () => {
    const [year1, year2] = await utilisationRows();
    // Not asked yet: nothing to file.
    const early = await t.http
      .post(api(`/results/${resultId}/utilisation-reports/1`))
      .set(holder.headers)
      .send({ used: true, kinds: ['licensed'], description: '已许可' });
    expect(early.status).toBe(409);

    await award.travel(year1.request_at);
    await fire(year1.id, 'result.utilisation_request', year1.request_at);
    await waitFor(
      async () => (await outboxEvents(t, 'result.utilisation_requested', resultId)).length === 1,
      {
        what: 'the first yearly request',
      },
    );
    // Once: the job again, or the handler again, asks nothing more.
    await fire(year1.id, 'result.utilisation_request', year1.request_at);
    expect(
      await t.dataSource.transaction((em) => t.get(ResultUtilisationService).request(em, year1.id)),
    ).toBe(false);
    expect(await outboxEvents(t, 'result.utilisation_requested', resultId)).toHaveLength(1);
    expect((await utilisationRows())[0].status).toBe('requested');

    const reminderAt = new Date(year1.due_at.getTime() - 24 * HOUR);
    await award.travel(reminderAt);
    await fire(year1.id, 'result.utilisation_reminder@24h', reminderAt);
    await waitFor(async () => (await outboxEvents(t, 'result.utilisation_due_soon', resultId)).length >= 1, {
      what: 'the reminder',
    });
    const reminders = await outboxEvents(t, 'result.utilisation_due_soon', resultId);
    expect(reminders.map((r) => r.data.hoursBefore)).toContain(24);

    await award.travel(year1.due_at);
    await fire(year1.id, 'result.utilisation_due', year1.due_at);
    await waitFor(async () => (await outboxEvents(t, 'result.utilisation_overdue', resultId)).length === 1, {
      what: 'the overdue notice',
    });
    expect((await utilisationRows())[0].status).toBe('overdue');

    // Filed late: accepted, and only by the holder.
    const body = {
      used: true,
      kinds: ['licensed'],
      description: '已许可省内企业使用',
      revenueFen: 3_000_000,
    };
    expect(
      (
        await t.http
          .post(api(`/results/${resultId}/utilisation-reports/1`))
          .set(stranger.headers)
          .send(body)
      ).status,
    ).toBe(404);
    const badKinds = await t.http
      .post(api(`/results/${resultId}/utilisation-reports/1`))
      .set(holder.headers)
      .send({ ...body, kinds: ['sold_out'] });
    expect(badKinds.status).toBe(400);
    const filed = await t.http
      .post(api(`/results/${resultId}/utilisation-reports/1`))
      .set(holder.headers)
      .send(body);
    expect(filed.status).toBe(200);
    expect(filed.body).toMatchObject({ year: 1, status: 'reported', used: true, kinds: ['licensed'] });
    expect(await outboxEvents(t, 'result.utilisation_reported', resultId)).toHaveLength(1);

    // Year 2 filed in time: its due date and reminders are cancelled, no overdue notice.
    await award.travel(year2.request_at);
    await fire(year2.id, 'result.utilisation_request', year2.request_at);
    await waitFor(
      async () => (await outboxEvents(t, 'result.utilisation_requested', resultId)).length === 2,
      {
        what: 'the second yearly request',
      },
    );
    const onTime = await t.http
      .post(api(`/results/${resultId}/utilisation-reports/2`))
      .set(holder.headers)
      .send({ used: false, kinds: ['not_used'], description: '暂未转化' });
    expect(onTime.status).toBe(200);
    const pending = await t.dataSource.query(
      `SELECT kind FROM deadlines WHERE entity_id = $1 AND status = 'pending'`,
      [year2.id],
    );
    expect(pending).toEqual([]);
    expect(await outboxEvents(t, 'result.utilisation_overdue', resultId)).toHaveLength(1);
    const listed = await t.http.get(api(`/results/${resultId}/utilisation-reports`)).set(broker.headers);
    expect(listed.status).toBe(200);
    expect(listed.body.map((r: { status: string }) => r.status)).toEqual([
      'reported',
      'reported',
      'scheduled',
    ]);
    expect(
      (await t.http.get(api(`/results/${resultId}/utilisation-reports`)).set(stranger.headers)).status,
    ).toBe(404);
  });
});
