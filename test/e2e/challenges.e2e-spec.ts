import { JobQueue } from '../../src/infra/queue/job-queue.service';
import {
  Actor,
  auditRows,
  bearer,
  createAdmin,
  createUser,
  login,
  outboxEvents,
  registerOrg,
} from '../support/factories';
import {
  challengeBody,
  createProgram,
  DAY,
  draftChallenge,
  promoteDeadline,
  publishChallenge,
} from '../support/challenges';
import { createTeam, draftBid, Listed } from '../support/applications';
import { createTestApp, TestApp } from '../support/test-app';
import { DeadlineDispatcher } from '../../src/infra/scheduler/deadline.dispatcher';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';

function fields(body: { errors?: Array<{ field: string }> }): string[] {
  return (body.errors ?? []).map((e) => e.field);
}

describe('challenges', () => {
  let t: TestApp;
  let worker: TestWorker;
  let admin: Actor;
  let issuer: Actor;
  let otherIssuer: Actor;
  let applicant: Actor;
  let programId: string;

  const notificationsOf = async (actor: Actor): Promise<Array<{ kind: string; body: string }>> => {
    const res = await t.http.get('/api/v1/notifications').query({ limit: 100 }).set(actor.headers);
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const waitForNotification = (actor: Actor, kind: string, count = 1) =>
    waitFor(async () => (await notificationsOf(actor)).filter((n) => n.kind === kind).length >= count, {
      what: `${kind} notification`,
    });

  const START = '2027-03-01T02:00:00.000Z';
  /** Moves the test clock and signs everyone in again (access tokens expire by the same clock). */
  const travel = async (to: Date | string, ...actors: Actor[]) => {
    t.clock.set(to);
    for (const actor of actors.length ? actors : everyone()) {
      const tokens = await login(t, actor.email);
      actor.accessToken = tokens.accessToken;
      actor.headers = bearer(tokens.accessToken);
    }
  };
  const everyone = () => [admin, issuer, otherIssuer, applicant];

  afterEach(async () => {
    if (t.clock.now().toISOString() !== START) await travel(START);
  });

  beforeAll(async () => {
    // 50 approvals at once queue for 5 pooled connections and the year's code counter: on a busy
    // machine the last ones wait longer than the default 5 s for a connection (a 503), which is
    // the service shedding load, not what this file tests.
    t = await createTestApp({ env: { DATABASE_POOL_WAIT_MS: '120000' } });
    worker = await startTestWorker(t.environment, t.clock);
    admin = await createAdmin(t);
    issuer = await registerOrg(t, { role: 'issuer', name: '江西某电网公司' });
    otherIssuer = await registerOrg(t, { role: 'issuer' });
    applicant = await registerOrg(t, { role: 'applicant' });
    programId = await createProgram(t, admin);
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('goes draft → pending_review → published → open (job at opensAt) → closed (job at closesAt), audited and notified', async () => {
    const draft = await draftChallenge(t, issuer, programId);
    expect(draft).toMatchObject({ status: 'draft', code: null, version: 1, totalFen: 500_000_000 });
    expect(draft.indicators).toHaveLength(2);
    t.clock.advance(1000);

    const submitted = await t.http
      .post(`/api/v1/challenges/${draft.id}/submit`)
      .set({ ...issuer.headers, 'If-Match': '"1"' });
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'pending_review', version: 2 });
    expect(submitted.headers.etag).toBe('"2"');
    await waitForNotification(admin, 'challenge.submitted');
    t.clock.advance(1000);

    const approved = await t.http
      .post(`/api/v1/challenges/${draft.id}/approve`)
      .set({ ...admin.headers, 'If-Match': '"2"' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'published', version: 3 });
    expect(approved.body.code).toMatch(/^JB-2027-\d{4}$/);
    expect(approved.body.publishedAt).toBe(t.clock.now().toISOString());
    await waitForNotification(issuer, 'challenge.published');
    expect(await outboxEvents(t, 'challenge.published', draft.id)).toHaveLength(1);

    // Publicly visible now, not yet open: the open job is waiting for opensAt.
    const jobs = worker.get(JobQueue);
    expect((await t.http.get(`/api/v1/challenges/${draft.id}`)).body.status).toBe('published');

    await travel(approved.body.opensAt);
    expect(await promoteDeadline(jobs, draft.id, 'open', approved.body.opensAt)).toBe(true);
    await waitFor(async () => (await auditRows(t, 'challenge.open', draft.id)).length === 1, {
      what: 'open',
    });
    const stored = async () =>
      (await t.dataSource.query(`SELECT status FROM challenges WHERE id = $1`, [draft.id]))[0].status;
    expect(await stored()).toBe('open');
    await waitForNotification(issuer, 'challenge.opened');

    await travel(approved.body.closesAt);
    expect(await promoteDeadline(jobs, draft.id, 'close', approved.body.closesAt)).toBe(true);
    await waitFor(async () => (await auditRows(t, 'challenge.close', draft.id)).length === 1, {
      what: 'close',
    });
    expect(await stored()).toBe('closed');
    await waitForNotification(issuer, 'challenge.closed');
    expect(await outboxEvents(t, 'challenge.closed', draft.id)).toHaveLength(1);

    const trail = await t.dataSource.query(
      `SELECT action, actor_type FROM audit_events WHERE object_id = $1 ORDER BY occurred_at, id`,
      [draft.id],
    );
    expect(trail).toEqual([
      { action: 'challenge.created', actor_type: 'user' },
      { action: 'challenge.submit', actor_type: 'user' },
      { action: 'challenge.approve', actor_type: 'user' },
      { action: 'challenge.open', actor_type: 'system' },
      { action: 'challenge.close', actor_type: 'system' },
    ]);
  });

  describe('who may do what', () => {
    it("hides another organization's draft (404) and refuses its edit (404); an applicant cannot draft (403)", async () => {
      const draft = await draftChallenge(t, issuer, programId);
      expect((await t.http.get(`/api/v1/challenges/${draft.id}`).set(otherIssuer.headers)).status).toBe(404);
      expect((await t.http.get(`/api/v1/challenges/${draft.id}`)).status).toBe(404);
      expect((await t.http.get(`/api/v1/challenges/${draft.id}`).set(issuer.headers)).status).toBe(200);
      expect((await t.http.get(`/api/v1/challenges/${draft.id}`).set(admin.headers)).status).toBe(200);
      const edit = await t.http
        .patch(`/api/v1/challenges/${draft.id}`)
        .set({ ...otherIssuer.headers, 'If-Match': '"1"' })
        .send({ title: '改' });
      expect(edit.status).toBe(404);
      const byApplicant = await t.http
        .post('/api/v1/challenges')
        .set(applicant.headers)
        .send(challengeBody(t, programId));
      expect(byApplicant.status).toBe(403);
      expect(byApplicant.body.code).toBe('FORBIDDEN');
    });

    it('edits a draft only with the current If-Match, and refuses an edit after submission (409 naming the state)', async () => {
      const draft = await draftChallenge(t, issuer, programId);
      const url = `/api/v1/challenges/${draft.id}`;
      const noIfMatch = await t.http.patch(url).set(issuer.headers).send({ title: '新标题' });
      expect(noIfMatch.status).toBe(428);
      expect(noIfMatch.body.code).toBe('PRECONDITION_REQUIRED');

      const edited = await t.http
        .patch(url)
        .set({ ...issuer.headers, 'If-Match': '"1"' })
        .send({ title: '新标题', totalFen: 600_000_000, fiscalFen: 400_000_000 });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ title: '新标题', totalFen: 600_000_000, version: 2 });
      expect(await auditRows(t, 'challenge.updated', draft.id)).toHaveLength(1);

      const stale = await t.http
        .patch(url)
        .set({ ...issuer.headers, 'If-Match': '"1"' })
        .send({ title: '过期' });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ code: 'VERSION_MISMATCH', currentVersion: 2 });

      expect((await t.http.post(`${url}/submit`).set(issuer.headers)).status).toBe(200);
      const afterSubmit = await t.http
        .patch(url)
        .set({ ...issuer.headers, 'If-Match': '"3"' })
        .send({ title: '提交后修改' });
      expect(afterSubmit.status).toBe(409);
      expect(afterSubmit.body).toMatchObject({
        code: 'INVALID_STATE_TRANSITION',
        state: 'pending_review',
        action: 'edit',
      });
      expect((await t.http.get(url).set(issuer.headers)).body.title).toBe('新标题');
    });

    it('approves once: a second approval is 409; only admins approve', async () => {
      const draft = await draftChallenge(t, issuer, programId);
      await t.http.post(`/api/v1/challenges/${draft.id}/submit`).set(issuer.headers).expect(200);
      expect((await t.http.post(`/api/v1/challenges/${draft.id}/approve`).set(issuer.headers)).status).toBe(
        403,
      );
      const first = await t.http.post(`/api/v1/challenges/${draft.id}/approve`).set(admin.headers);
      expect(first.status).toBe(200);
      const second = await t.http.post(`/api/v1/challenges/${draft.id}/approve`).set(admin.headers);
      expect(second.status).toBe(409);
      expect(second.body).toMatchObject({
        code: 'INVALID_STATE_TRANSITION',
        state: 'published',
        action: 'approve',
      });
      expect((await t.http.get(`/api/v1/challenges/${draft.id}`)).body.code).toBe(first.body.code);
    });

    it('rejects with a reason back to draft (the issuer is told why), and cancels with a reason', async () => {
      const draft = await draftChallenge(t, issuer, programId);
      await t.http.post(`/api/v1/challenges/${draft.id}/submit`).set(issuer.headers).expect(200);
      const noReason = await t.http.post(`/api/v1/challenges/${draft.id}/reject`).set(admin.headers).send({});
      expect(noReason.status).toBe(400);
      const rejected = await t.http
        .post(`/api/v1/challenges/${draft.id}/reject`)
        .set(admin.headers)
        .send({ reason: '指标不够具体' });
      expect(rejected.status).toBe(200);
      expect(rejected.body).toMatchObject({ status: 'draft', statusReason: '指标不够具体' });
      await waitFor(
        async () =>
          (await notificationsOf(issuer)).some(
            (n) => n.kind === 'challenge.rejected' && n.body.includes('指标不够具体'),
          ),
        { what: 'rejection notice' },
      );

      const published = await publishChallenge(t, issuer, admin, programId);
      const cancelled = await t.http
        .post(`/api/v1/challenges/${published.id}/cancel`)
        .set(admin.headers)
        .send({ reason: '需求已由其他渠道解决' });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('cancelled');
      // Cancelled challenges stay public with their reason; their deadline jobs are gone.
      expect((await t.http.get(`/api/v1/challenges/${published.id}`)).body.statusReason).toBe(
        '需求已由其他渠道解决',
      );
      const deadlines = await t.dataSource.query(
        `SELECT kind, status FROM deadlines WHERE entity_id = $1 ORDER BY kind`,
        [published.id],
      );
      expect(deadlines.map((d: { kind: string; status: string }) => `${d.kind}:${d.status}`)).toEqual([
        'challenge.close:cancelled',
        'challenge.closing_reminder@168h:cancelled',
        'challenge.closing_reminder@24h:cancelled',
        'challenge.open:cancelled',
      ]);
    });

    it('withdraws before opening, not after (DEADLINE_PASSED even before the open job ran)', async () => {
      const early = await publishChallenge(t, issuer, admin, programId);
      const withdrawn = await t.http.post(`/api/v1/challenges/${early.id}/withdraw`).set(issuer.headers);
      expect(withdrawn.status).toBe(200);
      expect(withdrawn.body.status).toBe('withdrawn');

      const late = await publishChallenge(t, issuer, admin, programId);
      await travel(new Date(t.clock.now().getTime() + DAY + 1000), issuer);
      const refused = await t.http.post(`/api/v1/challenges/${late.id}/withdraw`).set(issuer.headers);
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ code: 'DEADLINE_PASSED', state: 'open', action: 'withdraw' });
      expect((await t.http.get(`/api/v1/challenges/${late.id}`)).body.status).toBe('open');
    });
  });

  it('lists drafts only to their organization (scope=mine) and admins (scope=all), never publicly', async () => {
    const draft = await draftChallenge(t, issuer, programId, { title: '只给本单位看的草稿' });
    const ids = (res: { body: { items: Array<{ id: string }> } }) => res.body.items.map((i) => i.id);
    const listing = (query: Record<string, string>, headers: Record<string, string> = {}) =>
      t.http
        .get('/api/v1/challenges')
        .query({ limit: 100, ...query })
        .set(headers);

    expect(ids(await listing({}))).not.toContain(draft.id);
    expect(ids(await listing({}, issuer.headers))).not.toContain(draft.id);
    const mine = await listing({ scope: 'mine' }, issuer.headers);
    expect(mine.status).toBe(200);
    expect(ids(mine)).toContain(draft.id);
    expect(ids(await listing({ scope: 'mine' }, otherIssuer.headers))).not.toContain(draft.id);
    expect(ids(await listing({ scope: 'all' }, admin.headers))).toContain(draft.id);

    expect((await listing({ scope: 'mine' })).status).toBe(401);
    expect((await listing({ scope: 'all' }, issuer.headers)).status).toBe(403);
    expect((await listing({ scope: 'mine', sort: '-publishedAt' }, issuer.headers)).status).toBe(400);
    expect((await listing({}, { Authorization: 'Bearer not-a-token' })).status).toBe(401);
    // Nobody outside can follow it either.
    expect((await t.http.put(`/api/v1/challenges/${draft.id}/watch`).set(applicant.headers)).status).toBe(
      404,
    );
  });

  it('hands out 50 distinct consecutive codes to 50 concurrent approvals', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const draft = await draftChallenge(t, issuer, programId, { title: `并发审核榜单 ${i}` });
      await t.http.post(`/api/v1/challenges/${draft.id}/submit`).set(issuer.headers).expect(200);
      ids.push(draft.id);
    }
    const answers = await Promise.all(
      ids.map((id) => t.http.post(`/api/v1/challenges/${id}/approve`).set(admin.headers)),
    );
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));
    const numbers = answers
      .map((a) => Number(/^JB-2027-(\d{4})$/.exec(a.body.code as string)?.[1]))
      .sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(50);
    expect(numbers[49] - numbers[0]).toBe(49);
    const [{ last }] = await t.dataSource.query(
      `SELECT last_value AS last FROM challenge_code_counters WHERE year = 2027`,
    );
    expect(last).toBe(numbers[49]);
  });

  describe('validation', () => {
    const refused = async (overrides: Record<string, unknown>) => {
      const before = (await t.dataSource.query(`SELECT count(*)::int AS n FROM challenges`))[0].n;
      const res = await t.http
        .post('/api/v1/challenges')
        .set(issuer.headers)
        .send(challengeBody(t, programId, overrides));
      expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM challenges`))[0].n).toBe(before);
      return res;
    };

    it('refuses totalFen unequal to the parts', async () => {
      const res = await refused({ totalFen: 500_000_001 });
      expect(res.status).toBe(400);
      expect(fields(res.body)).toEqual(['totalFen']);
    });

    it('refuses negative and fractional amounts', async () => {
      const res = await refused({ fiscalFen: -1, cofundingFen: 1.5 });
      expect(res.status).toBe(400);
      expect(fields(res.body)).toEqual(expect.arrayContaining(['fiscalFen', 'cofundingFen']));
    });

    it('refuses closesAt before opensAt, and times without an offset', async () => {
      const now = t.clock.now().getTime();
      const res = await refused({
        opensAt: new Date(now + 10 * DAY).toISOString(),
        closesAt: new Date(now + 5 * DAY).toISOString(),
      });
      expect(res.status).toBe(400);
      expect(fields(res.body)).toEqual(['closesAt']);
      const local = await refused({ opensAt: '2027-04-01T09:00:00' });
      expect(local.status).toBe(400);
      expect(fields(local.body)).toEqual(['opensAt']);
    });

    it('refuses an empty indicator list and a half-filled indicator', async () => {
      const empty = await refused({ indicators: [] });
      expect(empty.status).toBe(400);
      expect(fields(empty.body)).toEqual(['indicators']);
      const half = await refused({ indicators: [{ name: '临界电流', unit: 'A' }] });
      expect(half.status).toBe(400);
      expect(fields(half.body)).toEqual(
        expect.arrayContaining(['indicators[0].targetValue', 'indicators[0].verificationMethod']),
      );
    });

    it('refuses a horse race with more teams than the program allows (422), and one of a single team (400)', async () => {
      const many = await refused({ selectionMode: 'horse_race', teamCount: 4 });
      expect(many.status).toBe(422);
      expect(many.body.code).toBe('BUSINESS_RULE_VIOLATION');
      expect(fields(many.body)).toEqual(['teamCount']);
      const one = await refused({ selectionMode: 'horse_race', teamCount: 1 });
      expect(one.status).toBe(400);
      expect(fields(one.body)).toEqual(['teamCount']);
      const three = await t.http
        .post('/api/v1/challenges')
        .set(issuer.headers)
        .send(challengeBody(t, programId, { selectionMode: 'horse_race', teamCount: 3 }));
      expect(three.status).toBe(201);
    });

    it('refuses an unknown category, an unknown program and unknown fields', async () => {
      const res = await refused({ category: 'nonsense', programId: '00000000-0000-4000-8000-000000000000' });
      expect(res.status).toBe(400);
      const unknown = await refused({ secret: 1 });
      expect(unknown.status).toBe(400);
      expect(fields(unknown.body)).toEqual(['secret']);
    });
  });

  describe('confidential details', () => {
    /** Read only: no test changes it. */
    let listId: string;

    beforeAll(async () => {
      listId = (await publishChallenge(t, issuer, admin, programId, { title: '稀土永磁保密测试榜单' })).id;
    });

    it('never appear in the public detail, the listing or search', async () => {
      const detail = await t.http.get(`/api/v1/challenges/${listId}`);
      expect(detail.status).toBe(200);
      expect(JSON.stringify(detail.body)).not.toContain('220kV');
      expect(detail.body).not.toHaveProperty('confidentialDetails');
      const listing = await t.http.get('/api/v1/challenges').query({ limit: 100 });
      expect(JSON.stringify(listing.body)).not.toContain('220kV');
      const search = await t.http.get('/api/v1/challenges').query({ q: '220kV' });
      expect(search.body.items).toEqual([]);
      const found = await t.http.get('/api/v1/challenges').query({ q: '稀土永磁' });
      expect(found.body.items.map((i: { id: string }) => i.id)).toEqual([listId]);
    });

    it('are readable by an applicant only after its undertaking, which is audited', async () => {
      // A list of this test's own: the undertaking changes it (the describe's list stays read-only).
      const listId = (await publishChallenge(t, issuer, admin, programId, { title: '保密承诺测试榜单' })).id;
      const url = `/api/v1/challenges/${listId}/confidential`;
      expect((await t.http.get(url)).status).toBe(401);
      const before = await t.http.get(url).set(applicant.headers);
      expect(before.status).toBe(403);
      expect(before.body.code).toBe('NDA_REQUIRED');

      const bad = await t.http
        .post(`/api/v1/challenges/${listId}/nda`)
        .set(applicant.headers)
        .send({ accepted: false });
      expect(bad.status).toBe(400);
      const nda = await t.http
        .post(`/api/v1/challenges/${listId}/nda`)
        .set(applicant.headers)
        .send({ accepted: true });
      expect(nda.status).toBe(200);
      expect(nda.body).toMatchObject({ challengeId: listId, userId: applicant.userId });
      const again = await t.http
        .post(`/api/v1/challenges/${listId}/nda`)
        .set(applicant.headers)
        .send({ accepted: true });
      expect(again.body.acceptedAt).toBe(nda.body.acceptedAt);
      expect(await auditRows(t, 'challenge.nda_accepted', listId)).toEqual([
        expect.objectContaining({ actor_id: applicant.userId }),
      ]);

      const after = await t.http.get(url).set(applicant.headers);
      expect(after.status).toBe(200);
      expect(after.body.details).toContain('220kV');
      // A colleague who made no undertaking of their own still cannot read it.
      const colleague = await createUser(t, applicant.organizationId, ['applicant']);
      expect((await t.http.get(url).set(colleague.headers)).body.code).toBe('NDA_REQUIRED');
    });

    it('are readable by the issuer organization and admins, by nobody else', async () => {
      const url = `/api/v1/challenges/${listId}/confidential`;
      expect((await t.http.get(url).set(issuer.headers)).status).toBe(200);
      expect((await t.http.get(url).set(admin.headers)).status).toBe(200);
      const other = await t.http.get(url).set(otherIssuer.headers);
      expect(other.status).toBe(403);
      expect(other.body.code).toBe('FORBIDDEN');
    });
  });

  describe('attachments', () => {
    const upload = async (actor: Actor, filename: string, text: string): Promise<string> => {
      const res = await t.http
        .post('/api/v1/attachments')
        .set(actor.headers)
        .attach('file', Buffer.from(text, 'utf8'), { filename, contentType: 'text/plain' });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };

    it('serves public ones to everyone and confidential ones only under the undertaking rule', async () => {
      const publicId = await upload(issuer, '榜单说明.txt', '公开的榜单说明');
      const secretId = await upload(issuer, '负荷曲线.txt', '保密的负荷曲线');
      const list = await publishChallenge(t, issuer, admin, programId, {
        attachments: [
          { attachmentId: publicId, visibility: 'public' },
          { attachmentId: secretId, visibility: 'confidential' },
        ],
      });
      const detail = await t.http.get(`/api/v1/challenges/${list.id}`);
      expect(detail.body.attachments).toEqual([
        expect.objectContaining({ attachmentId: publicId, filename: '榜单说明.txt', visibility: 'public' }),
      ]);
      const own = await t.http.get(`/api/v1/challenges/${list.id}`).set(issuer.headers);
      expect(own.body.attachments.map((a: { attachmentId: string }) => a.attachmentId)).toEqual([
        publicId,
        secretId,
      ]);

      const file = (id: string) => `/api/v1/challenges/${list.id}/attachments/${id}`;
      const anonymous = await t.http.get(file(publicId));
      expect(anonymous.status).toBe(200);
      expect(anonymous.text).toBe('公开的榜单说明');
      expect((await t.http.get(file(secretId))).status).toBe(401);

      const reader = await createUser(t, applicant.organizationId, ['applicant']);
      const refused = await t.http.get(file(secretId)).set(reader.headers);
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('NDA_REQUIRED');
      await t.http
        .post(`/api/v1/challenges/${list.id}/nda`)
        .set(reader.headers)
        .send({ accepted: true })
        .expect(200);
      const allowed = await t.http.get(file(secretId)).set(reader.headers);
      expect(allowed.status).toBe(200);
      expect(allowed.text).toBe('保密的负荷曲线');
      const confidential = await t.http.get(`/api/v1/challenges/${list.id}/confidential`).set(reader.headers);
      expect(confidential.body.attachments.map((a: { attachmentId: string }) => a.attachmentId)).toEqual([
        secretId,
      ]);
    });

    it("refuses another organization's upload", async () => {
      const foreign = await upload(otherIssuer, '别人的.txt', '别人的文件');
      const res = await t.http
        .post('/api/v1/challenges')
        .set(issuer.headers)
        .send(
          challengeBody(t, programId, { attachments: [{ attachmentId: foreign, visibility: 'public' }] }),
        );
      expect(res.status).toBe(400);
      expect(fields(res.body)).toEqual(['attachments[0].attachmentId']);
    });
  });

  describe('the clock, not the job, decides', () => {
    it('shows a challenge closed and refuses amendments once closesAt passed, before the close job ran', async () => {
      const list = await publishChallenge(t, issuer, admin, programId);
      await travel(new Date(new Date(list.closesAt as string).getTime() + 1), issuer);
      {
        const stored = await t.dataSource.query(`SELECT status FROM challenges WHERE id = $1`, [list.id]);
        expect(stored[0].status).toBe('published');
        expect((await t.http.get(`/api/v1/challenges/${list.id}`)).body.status).toBe('closed');
        const open = await t.http.get('/api/v1/challenges').query({ status: 'open', limit: 100 });
        expect(open.body.items.map((i: { id: string }) => i.id)).not.toContain(list.id);
        const closed = await t.http.get('/api/v1/challenges').query({ status: 'closed', limit: 100 });
        expect(closed.body.items.map((i: { id: string }) => i.id)).toContain(list.id);
        const amend = await t.http
          .post(`/api/v1/challenges/${list.id}/amendments`)
          .set(issuer.headers)
          .send({ reason: '延期', changes: { title: '迟到的修改' } });
        expect(amend.status).toBe(422);
        expect(amend.body).toMatchObject({ code: 'DEADLINE_PASSED', state: 'closed', action: 'amend' });
      }
    });
  });

  describe('amendments', () => {
    it('moves the close job and the reminders before it with closesAt: they fire at the new times only, once', async () => {
      // Open already (opensAt an hour ago), so that an application can be drafted.
      const list = await publishChallenge(t, issuer, admin, programId, {
        opensAt: new Date(t.clock.now().getTime() - 3_600_000).toISOString(),
      });
      const jobs = worker.get(JobQueue);
      const watcher = await createUser(t, applicant.organizationId, ['applicant']);
      await t.http.put(`/api/v1/challenges/${list.id}/watch`).set(watcher.headers).expect(204);
      // A holder of a draft application is reminded too.
      const team = await createTeam(t, applicant);
      await draftBid(t, applicant, list as unknown as Listed, team.id);
      const oldClose = new Date(list.closesAt as string);
      const newClose = new Date(oldClose.getTime() + 7 * DAY);
      const reminders = async () =>
        (
          await t.dataSource.query<Array<{ kind: string; due_at: Date; status: string }>>(
            `SELECT kind, due_at, status FROM deadlines
             WHERE entity_id = $1 AND kind LIKE 'challenge.closing_reminder@%' ORDER BY kind`,
            [list.id],
          )
        ).map((r) => [r.kind, r.due_at.toISOString(), r.status]);
      const before = (close: Date, hours: number) => new Date(close.getTime() - hours * 3_600_000);
      // The program's default offsets: 7 days and 1 day before closing.
      expect(await reminders()).toEqual([
        ['challenge.closing_reminder@168h', before(oldClose, 168).toISOString(), 'pending'],
        ['challenge.closing_reminder@24h', before(oldClose, 24).toISOString(), 'pending'],
      ]);

      // The open job may have run meanwhile (a new version): amend the current one.
      await waitFor(async () => (await t.http.get(`/api/v1/challenges/${list.id}`)).body.status === 'open', {
        what: 'the list open',
      });
      list.version = (await t.http.get(`/api/v1/challenges/${list.id}`)).body.version;
      const amended = await t.http
        .post(`/api/v1/challenges/${list.id}/amendments`)
        .set({ ...issuer.headers, 'If-Match': `"${list.version}"` })
        .send({
          reason: '应申报单位要求延长申报期',
          changes: { closesAt: newClose.toISOString(), confidentialDetails: '新的保密内容' },
        });
      expect(amended.status).toBe(201);
      expect(amended.body).toMatchObject({ number: 1, versionAfter: list.version + 1 });
      expect(amended.body.changes).toEqual([
        { field: 'closesAt', before: oldClose.toISOString(), after: newClose.toISOString() },
        { field: 'confidentialDetails', confidential: true },
      ]);
      const history = await t.http.get(`/api/v1/challenges/${list.id}/amendments`);
      expect(history.status).toBe(200);
      expect(history.body.items).toEqual([amended.body]);
      expect(JSON.stringify(history.body)).not.toContain('新的保密内容');
      await waitForNotification(watcher, 'challenge.amended');
      expect(await reminders()).toEqual([
        ['challenge.closing_reminder@168h', before(newClose, 168).toISOString(), 'pending'],
        ['challenge.closing_reminder@24h', before(newClose, 24).toISOString(), 'pending'],
      ]);

      // The old reminder time: its job is gone.
      await travel(before(oldClose, 24), watcher);
      await waitFor(
        async () =>
          !(await promoteDeadline(jobs, list.id, 'challenge.closing_reminder@24h', before(oldClose, 24))),
        { what: 'the old reminder job removed' },
      );

      // The old time: no job any more, and running it by hand would do nothing.
      await travel(oldClose, watcher);
      expect(await promoteDeadline(jobs, list.id, 'close', oldClose)).toBe(false);
      expect((await t.http.get(`/api/v1/challenges/${list.id}`)).body.status).toBe('open');

      // The reminders at the new offsets: each fires once and reaches the watcher and the draft holder.
      await travel(before(newClose, 24), watcher, applicant, team.leader);
      for (const hours of [168, 24]) {
        expect(
          await promoteDeadline(
            jobs,
            list.id,
            `challenge.closing_reminder@${hours}h`,
            before(newClose, hours),
          ),
        ).toBe(true);
      }
      await waitFor(async () => (await outboxEvents(t, 'challenge.closing_soon', list.id)).length === 2, {
        what: 'two reminders',
      });
      expect(
        (await outboxEvents(t, 'challenge.closing_soon', list.id)).map((e) => e.data.hoursBefore).sort(),
      ).toEqual([168, 24].sort());
      await waitForNotification(watcher, 'challenge.closing_soon', 2);
      await waitForNotification(team.leader, 'challenge.closing_soon', 2);
      // A duplicate run of a reminder does nothing.
      expect(
        await worker.get(DeadlineDispatcher).run({
          entityType: 'challenge',
          entityId: list.id,
          kind: 'challenge.closing_reminder@24h',
          dueAt: before(newClose, 24),
        }),
      ).toBe('skipped');
      expect(await outboxEvents(t, 'challenge.closing_soon', list.id)).toHaveLength(2);

      await travel(newClose, watcher);
      expect(await promoteDeadline(jobs, list.id, 'close', newClose)).toBe(true);
      await waitFor(async () => (await auditRows(t, 'challenge.close', list.id)).length === 1, {
        what: 'close',
      });
      const [row] = await t.dataSource.query(`SELECT status, closes_at FROM challenges WHERE id = $1`, [
        list.id,
      ]);
      expect(row.status).toBe('closed');
      expect(row.closes_at.toISOString()).toBe(newClose.toISOString());
      await waitForNotification(watcher, 'challenge.closed');
    });

    it('refuses an amendment that changes nothing, and a stale one', async () => {
      const list = await publishChallenge(t, issuer, admin, programId);
      const same = await t.http
        .post(`/api/v1/challenges/${list.id}/amendments`)
        .set(issuer.headers)
        .send({ reason: '无变化', changes: { title: list.title } });
      expect(same.status).toBe(422);
      const stale = await t.http
        .post(`/api/v1/challenges/${list.id}/amendments`)
        .set({ ...issuer.headers, 'If-Match': '"1"' })
        .send({ reason: '过期', changes: { title: '新' } });
      expect(stale.status).toBe(409);
      const other = await t.http
        .post(`/api/v1/challenges/${list.id}/amendments`)
        .set(otherIssuer.headers)
        .send({ reason: '越权', changes: { title: '新' } });
      expect(other.status).toBe(404);
    });
  });
});
