import { createTeam, draftBid, Listed, submittedBid } from '../support/applications';
import { DAY, publishChallenge } from '../support/challenges';
import { TestContext, WORLDS_ENV } from '../support/context';
import { Actor, auditRows, bearer, login, outboxEvents } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';

const HOUR = 60 * 60 * 1000;
const fields = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((e) => e.field);
const ifMatch = (actor: Actor, version: number) => ({ ...actor.headers, 'If-Match': `"${version}"` });

/**
 * Defence and site-visit sessions (答辩, 现场考察; ADR 0025). Each test has a world of its own
 * (beforeEach): a list taken into review through the API (ctx.newChallengeUnderReview: bids of the
 * applicant and the rival eligible, panel drawn), closing just at START, so that the clock stands at
 * START when the test begins; a draft of the applicant on it; another list, still open.
 */
describe('review sessions (答辩, 现场考察)', () => {
  let t: TestApp;
  let ctx: TestContext;
  let worker: TestWorker;
  let admin: Actor;
  let issuer: Actor;
  let applicant: Actor;
  let rival: Actor;
  let stranger: Actor;
  let list: Listed;
  let otherList: Listed;
  /** The applicant's application and the rival's, both under_review on `list`. */
  let bid: string;
  let rivalBid: string;
  /** A draft of the applicant on `list` (another team). */
  let draft: string;
  /** An application under_review of the applicant on `otherList` (still open). */
  let otherBid: string;

  const START = '2027-03-01T02:00:00.000Z';
  const everyone = () => [admin, issuer, applicant, rival, stranger];
  const travel = async (to: Date | string) => {
    t.clock.set(to);
    for (const actor of everyone()) {
      const tokens = await login(t, actor.email);
      actor.accessToken = tokens.accessToken;
      actor.headers = bearer(tokens.accessToken);
    }
  };
  const inHours = (hours: number) => new Date(t.clock.now().getTime() + hours * HOUR).toISOString();
  const openList = async (): Promise<Listed> => {
    const now = t.clock.now().getTime();
    return (await publishChallenge(t, issuer, admin, programId, {
      opensAt: new Date(now - HOUR).toISOString(),
      closesAt: new Date(now + 10 * DAY).toISOString(),
    })) as unknown as Listed;
  };
  const schedule = (body: Record<string, unknown> = {}, actor: Actor = admin, challengeId = list.id) =>
    t.http
      .post(`/api/v1/challenges/${challengeId}/sessions`)
      .set(actor.headers)
      .send({
        applicationId: bid,
        kind: 'defence',
        scheduledAt: inHours(48),
        durationMinutes: 90,
        location: '南昌市红谷滩区科技大厦 3 楼会议室',
        ...body,
      });
  const scheduled = async (body: Record<string, unknown> = {}) => {
    const res = await schedule(body);
    if (res.status !== 201) throw new Error(`schedule: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; version: number; scheduledAt: string };
  };
  const patch = (id: string, body: Record<string, unknown>, version?: number, actor: Actor = admin) =>
    t.http
      .patch(`/api/v1/sessions/${id}`)
      .set(version === undefined ? actor.headers : ifMatch(actor, version))
      .send(body);
  const notificationsOf = async (actor: Actor, kind: string) => {
    const res = await t.http.get('/api/v1/notifications').query({ limit: 100 }).set(actor.headers);
    return (
      res.body.items as Array<{ kind: string; title: string; body: string; data: { sessionId?: string } }>
    ).filter((n) => n.kind === kind);
  };
  const notified = (actor: Actor, kind: string, sessionId: string) =>
    waitFor(async () => (await notificationsOf(actor, kind)).find((n) => n.data.sessionId === sessionId), {
      what: `${kind} notification of ${sessionId}`,
    });
  let programId: string;

  beforeAll(async () => {
    t = await createTestApp({ env: WORLDS_ENV });
    ctx = new TestContext(t);
    worker = await startTestWorker(t.environment, t.clock);
  });

  beforeEach(async () => {
    // The world is built from eleven days before START: the list closes and goes to review at START.
    t.clock.set(new Date(new Date(START).getTime() - 11 * DAY));
    admin = await ctx.newAdmin();
    issuer = await ctx.newIssuerOrg();
    applicant = await ctx.newApplicantOrg({ type: 'university', name: '南昌大学' });
    rival = await ctx.newApplicantOrg({ type: 'research_institute', name: '江西省科学院' });
    stranger = await ctx.newApplicantOrg({ type: 'enterprise', name: '江西某材料公司' });
    const review = await ctx.newChallengeUnderReview({
      admin,
      issuer,
      bidders: [applicant, rival],
      winners: 1,
      losers: 1,
      beforeClose: async (open) => {
        draft = (await draftBid(t, applicant, open, (await createTeam(t, applicant)).id)).id;
      },
    });
    expect(t.clock.now().toISOString()).toBe(START);
    await travel(START);
    programId = review.programId;
    list = review.list;
    [bid, rivalBid] = review.bids.map((b) => b.id);

    otherList = await openList();
    otherBid = (await submittedBid(t, applicant, otherList, await createTeam(t, applicant))).id;
    // Raw SQL on purpose: a bid under review on a list that is still open is a state no API
    // reaches; it lets the list's own refusal (challengeId) show alone.
    await t.dataSource.query(`UPDATE applications SET status = 'under_review' WHERE id = $1`, [otherBid]);
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });
  afterEach(async () => {
    if (t.clock.now().toISOString() !== START) await travel(START);
  });

  it('schedules a defence: audited, published, and both parties notified in Chinese', async () => {
    const res = await schedule({ meetingLink: 'https://meeting.example.cn/j/100200' });
    expect(res.status).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({
      challengeId: list.id,
      applicationId: bid,
      kind: 'defence',
      durationMinutes: 90,
      location: '南昌市红谷滩区科技大厦 3 楼会议室',
      meetingLink: 'https://meeting.example.cn/j/100200',
      status: 'scheduled',
      minutes: null,
      outcome: null,
      cancelReason: null,
      version: 1,
    });
    const id = res.body.id as string;

    expect(await auditRows(t, 'session.scheduled', id)).toEqual([
      expect.objectContaining({ actor_type: 'user', actor_id: admin.userId }),
    ]);
    const [event] = await outboxEvents(t, 'session.scheduled', id);
    expect(event.data).toMatchObject({
      sessionId: id,
      applicationId: bid,
      challengeId: list.id,
      kind: 'defence',
    });
    // The issuer's users receive the data too: it names the application, never its organization.
    expect(JSON.stringify(event.data)).not.toContain(applicant.organizationId);

    const toBidder = await notified(applicant, 'session.scheduled', id);
    expect(toBidder.title).toBe('答辩已安排');
    expect(toBidder.body).toContain('北京时间');
    expect(toBidder.body).toContain('南昌市红谷滩区科技大厦');
    const toIssuer = await notified(issuer, 'session.scheduled', id);
    expect(toIssuer.body).toBe(toBidder.body);
    // 2027-03-03T02:00Z is 10:00 in Beijing.
    expect(toIssuer.body).toContain('2027/03/03 10:00');
    expect(await notificationsOf(rival, 'session.scheduled')).toEqual([]);
  });

  it('reschedules with If-Match: new time and link, audited with before and after, parties notified', async () => {
    const session = await scheduled({ kind: 'site_visit' });
    const res = await patch(
      session.id,
      {
        scheduledAt: '2027-03-06T14:00:00+08:00',
        location: null,
        meetingLink: 'https://meeting.example.cn/j/7',
      },
      1,
    );
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.body).toMatchObject({
      scheduledAt: '2027-03-06T06:00:00.000Z',
      location: null,
      meetingLink: 'https://meeting.example.cn/j/7',
      status: 'scheduled',
      version: 2,
    });
    const [row] = await t.dataSource.query(
      `SELECT before, after FROM audit_events WHERE action = 'session.rescheduled' AND object_id = $1`,
      [session.id],
    );
    expect(row.before).toMatchObject({ scheduledAt: session.scheduledAt, version: 1 });
    expect(row.after).toMatchObject({ scheduledAt: '2027-03-06T06:00:00.000Z', location: null, version: 2 });

    const toBidder = await notified(applicant, 'session.rescheduled', session.id);
    expect(toBidder.title).toBe('现场考察安排已变更');
    expect(toBidder.body).toContain('2027/03/06 14:00（北京时间）');
    expect(toBidder.body).toContain('https://meeting.example.cn/j/7');
    await notified(issuer, 'session.rescheduled', session.id);

    // Removing the only place left, or moving into the past, is refused.
    const noPlace = await patch(session.id, { meetingLink: null }, 2);
    expect(noPlace.status).toBe(400);
    expect(fields(noPlace.body)).toEqual(['location']);
    const past = await patch(session.id, { scheduledAt: '2027-03-01T09:00:00+08:00' }, 2);
    expect(past.status).toBe(400);
    expect(fields(past.body)).toEqual(['scheduledAt']);
  });

  it('records a session held with minutes and outcome, not before it starts; then it is final (409)', async () => {
    const session = await scheduled();
    const held = {
      status: 'held',
      minutes: '答辩专家组听取汇报并质询，团队对临界电流指标的实现路径回答清楚。',
      outcome: 'concerns',
    };
    const early = await patch(session.id, held, 1);
    expect(early.status).toBe(422);
    expect(early.body.code).toBe('BUSINESS_RULE_VIOLATION');

    await travel(new Date(new Date(session.scheduledAt).getTime() + HOUR));
    const noMinutes = await patch(session.id, { status: 'held', outcome: 'concerns' }, 1);
    expect(noMinutes.status).toBe(400);
    expect(fields(noMinutes.body)).toEqual(['minutes']);
    const stray = await patch(session.id, { ...held, location: '别处' }, 1);
    expect(stray.status).toBe(400);
    expect(fields(stray.body)).toEqual(['location']);

    const res = await patch(session.id, held, 1);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'held',
      minutes: held.minutes,
      outcome: 'concerns',
      version: 2,
    });
    expect(await auditRows(t, 'session.held', session.id)).toHaveLength(1);
    const [event] = await outboxEvents(t, 'session.held', session.id);
    expect(event.data).toMatchObject({ outcome: 'concerns', status: 'held' });
    expect(event.data).not.toHaveProperty('minutes');

    for (const body of [{ scheduledAt: inHours(24) }, { status: 'cancelled', reason: '改期' }, held]) {
      const refused = await patch(session.id, body, 2);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'INVALID_STATE_TRANSITION', state: 'held' });
    }

    // Minutes and outcome are for admins: the application's organization sees the schedule only.
    const own = await t.http.get(`/api/v1/sessions/${session.id}`).set(applicant.headers);
    expect(own.status).toBe(200);
    expect(own.body.status).toBe('held');
    expect(own.body).not.toHaveProperty('minutes');
    expect(own.body).not.toHaveProperty('outcome');
  });

  it('cancels with a reason (parties notified); a cancelled session is final', async () => {
    const session = await scheduled({ location: undefined, meetingLink: 'https://meeting.example.cn/j/9' });
    const noReason = await patch(session.id, { status: 'cancelled' }, 1);
    expect(noReason.status).toBe(400);
    expect(fields(noReason.body)).toEqual(['reason']);

    const res = await patch(session.id, { status: 'cancelled', reason: '两名专家临时无法到场' }, 1);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'cancelled', cancelReason: '两名专家临时无法到场', version: 2 });
    expect(await auditRows(t, 'session.cancelled', session.id)).toHaveLength(1);
    const toBidder = await notified(applicant, 'session.cancelled', session.id);
    expect(toBidder.title).toBe('答辩已取消');
    expect(toBidder.body).toContain('原因：两名专家临时无法到场');
    await notified(issuer, 'session.cancelled', session.id);

    const again = await patch(session.id, { durationMinutes: 60 }, 2);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'INVALID_STATE_TRANSITION', state: 'cancelled' });
  });

  it('needs If-Match on PATCH (428) and refuses a stale one (409), changing nothing', async () => {
    const session = await scheduled();
    const missing = await patch(session.id, { durationMinutes: 60 });
    expect(missing.status).toBe(428);
    expect(missing.body.code).toBe('PRECONDITION_REQUIRED');
    expect((await patch(session.id, { durationMinutes: 60 }, 1)).status).toBe(200);
    const stale = await patch(session.id, { durationMinutes: 45 }, 1);
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'VERSION_MISMATCH', currentVersion: 2 });
    const read = await t.http.get(`/api/v1/sessions/${session.id}`).set(admin.headers);
    expect(read.body).toMatchObject({ durationMinutes: 60, version: 2 });
    expect(read.headers.etag).toBe('"2"');
    expect(await auditRows(t, 'session.rescheduled', session.id)).toHaveLength(1);
  });

  it('refuses an application of another challenge (400), a draft application (422), a challenge not in review (422) and bad bodies (400)', async () => {
    const foreign = await schedule({ applicationId: otherBid });
    expect(foreign.status).toBe(400);
    expect(fields(foreign.body)).toEqual(['applicationId']);

    const drafted = await schedule({ applicationId: draft });
    expect(drafted.status).toBe(422);
    expect(drafted.body.code).toBe('BUSINESS_RULE_VIOLATION');
    expect(fields(drafted.body)).toEqual(['applicationId']);

    const open = await schedule({ applicationId: otherBid }, admin, otherList.id);
    expect(open.status).toBe(422);
    expect(fields(open.body)).toEqual(['challengeId']);

    const past = await schedule({ scheduledAt: '2027-03-01T09:59:00+08:00' });
    expect(past.status).toBe(400);
    expect(fields(past.body)).toEqual(['scheduledAt']);
    const noOffset = await schedule({ scheduledAt: '2027-03-05T09:00:00' });
    expect(noOffset.status).toBe(400);
    const nowhere = await schedule({ location: undefined });
    expect(nowhere.status).toBe(400);
    expect(fields(nowhere.body)).toEqual(['location']);
    const plainHttp = await schedule({ meetingLink: 'http://meeting.example.cn/j/1' });
    expect(plainHttp.status).toBe(400);
    expect(fields(plainHttp.body)).toEqual(['meetingLink']);
    expect((await schedule({ kind: 'interview' })).status).toBe(400);
    expect((await schedule({ unknown: 1 })).status).toBe(400);
    expect((await schedule({}, admin, '00000000-0000-4000-8000-000000000000')).status).toBe(404);

    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM review_sessions WHERE application_id = ANY($1::uuid[])`,
      [[otherBid, draft]],
    );
    expect(n).toBe(0);
  });

  it('is for admins: the issuer and applicants get 403 on POST and PATCH', async () => {
    const session = await scheduled();
    expect((await schedule({}, issuer)).status).toBe(403);
    expect((await schedule({}, applicant)).status).toBe(403);
    expect((await patch(session.id, { durationMinutes: 30 }, 1, issuer)).status).toBe(403);
    expect((await patch(session.id, { status: 'cancelled', reason: 'x' }, 1, applicant)).status).toBe(403);
  });

  it("shows an application's sessions to its organization and the issuer; other applicants get 404", async () => {
    const own = await scheduled({ scheduledAt: inHours(100) });
    const rivals = await scheduled({ applicationId: rivalBid, scheduledAt: inHours(101) });

    const mine = await t.http.get(`/api/v1/sessions/${own.id}`).set(applicant.headers);
    expect(mine.status).toBe(200);
    expect(mine.headers.etag).toBe('"1"');
    expect(mine.body).toMatchObject({ id: own.id, applicationId: bid, status: 'scheduled' });
    expect((await t.http.get(`/api/v1/sessions/${own.id}`).set(issuer.headers)).status).toBe(200);
    for (const other of [rival, stranger]) {
      const res = await t.http.get(`/api/v1/sessions/${own.id}`).set(other.headers);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    expect((await t.http.get(`/api/v1/sessions/${rivals.id}`).set(applicant.headers)).status).toBe(404);

    const ids = async (actor: Actor) => {
      const res = await t.http
        .get(`/api/v1/challenges/${list.id}/sessions`)
        .query({ limit: 100 })
        .set(actor.headers);
      expect(res.status).toBe(200);
      return (res.body.items as Array<{ id: string }>).map((s) => s.id);
    };
    const all = await ids(admin);
    expect(all).toEqual(expect.arrayContaining([own.id, rivals.id]));
    expect(await ids(issuer)).toEqual(all);
    const applicantSees = await ids(applicant);
    expect(applicantSees).toContain(own.id);
    expect(applicantSees).not.toContain(rivals.id);
    expect(await ids(rival)).toContain(rivals.id);
    expect(await ids(rival)).not.toContain(own.id);
    expect((await t.http.get(`/api/v1/challenges/${list.id}/sessions`).set(stranger.headers)).status).toBe(
      404,
    );
  });

  it('lists a challenge’s sessions earliest first, keyset paginated', async () => {
    const later = await scheduled({ scheduledAt: inHours(300) });
    const earlier = await scheduled({ scheduledAt: inHours(200) });
    const seen: Array<{ id: string; scheduledAt: string }> = [];
    let cursor: string | undefined;
    do {
      const res = await t.http
        .get(`/api/v1/challenges/${list.id}/sessions`)
        .query({ limit: 2, status: 'scheduled', ...(cursor ? { cursor } : {}) })
        .set(admin.headers);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    const times = seen.map((s) => s.scheduledAt);
    expect(times).toEqual([...times].sort());
    expect(new Set(seen.map((s) => s.id)).size).toBe(seen.length);
    expect(seen.map((s) => s.id).indexOf(earlier.id)).toBeLessThan(seen.map((s) => s.id).indexOf(later.id));

    const one = await t.http
      .get(`/api/v1/challenges/${list.id}/sessions`)
      .query({ applicationId: rivalBid })
      .set(admin.headers);
    expect(one.body.items.every((s: { applicationId: string }) => s.applicationId === rivalBid)).toBe(true);
    expect(
      (
        await t.http
          .get(`/api/v1/challenges/${list.id}/sessions`)
          .query({ cursor: 'nope' })
          .set(admin.headers)
      ).status,
    ).toBe(400);
  });
});
