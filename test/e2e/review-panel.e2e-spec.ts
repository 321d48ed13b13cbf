import { addWorkingDays } from '../../src/common/calendar/working-days';
import { JobQueue } from '../../src/infra/queue/job-queue.service';
import { ReviewDeadlines } from '../../src/modules/evaluation/reviews/reviews.deadlines';
import { DeadlineDispatcher } from '../../src/infra/scheduler/deadline.dispatcher';
import { createTeam, Listed, submittedBid } from '../support/applications';
import { createProgram, DAY, promoteJob, publishChallenge } from '../support/challenges';
import { Actor, bearer, createAdmin, login, outboxEvents, registerOrg } from '../support/factories';
import { commentsFor, createExpert, scoresFor, TestExpert } from '../support/reviews';
import { createTestApp, TestApp } from '../support/test-app';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';

interface PanelMember {
  id: string;
  expertId: string;
  role: 'member' | 'reserve';
  position: number;
  status: string;
  statusReason: string | null;
  replacedBy: string | null;
}

interface Panel {
  id: string;
  status: string;
  drawnAt: string;
  dueAt: string;
  panelSize: number;
  activeMembers: number;
  reservesLeft: number;
  missingMembers: number;
  members: PanelMember[];
}

const HOUR = 3_600_000;
const before = (at: Date | string, hours: number) => new Date(new Date(at).getTime() - hours * HOUR);

/**
 * The edges of a panel's life: an expert who declines, a replacement with no reserve left (the
 * panel goes on short and waits for the admin), last submissions that race, and the due date with
 * its reminders.
 */
describe('review panel edges (回避, 递补, 并发提交, 评审期限)', () => {
  let t: TestApp;
  let worker: TestWorker;
  let admin: Actor;
  let issuer: Actor;
  let bidder: Actor;
  const experts: TestExpert[] = [];
  let shortList: Listed;
  let raceList: Listed;
  let dueList: Listed;

  const travel = async (to: Date) => {
    t.clock.set(to);
    for (const actor of [admin, issuer, bidder, ...experts.map((e) => e.actor)]) {
      const tokens = await login(t, actor.email);
      actor.accessToken = tokens.accessToken;
      actor.headers = bearer(tokens.accessToken);
    }
  };
  const byExpertId = (id: string) => experts.find((e) => e.expertId === id)!;
  const panelOf = async (list: Listed): Promise<Panel> => {
    const res = await t.http.get(`/api/v1/challenges/${list.id}/review`).set(admin.headers);
    expect(res.status).toBe(200);
    return res.body;
  };
  const assignmentOf = async (expert: TestExpert, list: Listed) => {
    const res = await t.http
      .get('/api/v1/review-assignments')
      .query({ limit: 100 })
      .set(expert.actor.headers);
    expect(res.status).toBe(200);
    const mine = (res.body.items as Array<{ id: string; challenge: { id: string }; status: string }>).filter(
      (a) => a.challenge.id === list.id,
    );
    expect(mine).toHaveLength(1);
    return mine[0];
  };
  const declare = (expert: TestExpert, id: string, body: Record<string, unknown>) =>
    t.http.post(`/api/v1/review-assignments/${id}/declare`).set(expert.actor.headers).send(body);
  /** Declares no conflict and saves full scores: ready to submit. */
  const ready = async (expert: TestExpert, list: Listed, total: number) => {
    const assignment = await assignmentOf(expert, list);
    const declared = await declare(expert, assignment.id, { conflict: false });
    expect(declared.status).toBe(200);
    const saved = await t.http
      .put(`/api/v1/review-assignments/${assignment.id}/scores`)
      .set(expert.actor.headers)
      .set('If-Match', `"${declared.body.version}"`)
      .send({ scores: scoresFor(total), comments: commentsFor() });
    expect(saved.status).toBe(200);
    return assignment.id;
  };
  const submit = (expert: TestExpert, assignmentId: string) =>
    t.http.post(`/api/v1/review-assignments/${assignmentId}/submit`).set(expert.actor.headers);
  const replacements = (): Promise<Array<{ after: Record<string, unknown> }>> =>
    t.dataSource.query(
      `SELECT after FROM audit_events WHERE action = 'review.member_replaced' ORDER BY occurred_at, id`,
    );
  const panelDeadlines = (panelId: string): Promise<Array<{ kind: string; due_at: Date; status: string }>> =>
    t.dataSource.query(
      `SELECT kind, due_at, status FROM deadlines WHERE entity_type = 'review_panel' AND entity_id = $1 ORDER BY kind`,
      [panelId],
    );
  const results = (list: Listed) =>
    t.dataSource.query(`SELECT score, score_count, rank FROM review_results WHERE challenge_id = $1`, [
      list.id,
    ]);

  beforeAll(async () => {
    t = await createTestApp();
    worker = await startTestWorker(t.environment, t.clock);
    admin = await createAdmin(t);
    issuer = await registerOrg(t, { role: 'issuer', type: 'enterprise', name: '边界发榜集团' });
    bidder = await registerOrg(t, { role: 'applicant', type: 'university', name: '边界揭榜大学' });
    const home = await registerOrg(t, { role: 'applicant', type: 'university', name: '边界专家大学' });
    const programId = await createProgram(t, admin, {
      settings: { panelSize: 3, reserveExperts: 1, minEnterpriseExpertPercent: 0 },
    });
    for (let i = 0; i < 4; i++)
      experts.push(await createExpert(t, admin, home.organizationId, `边界专家${i + 1}`));
    const now = t.clock.now().getTime();
    const window = {
      opensAt: new Date(now - 60 * 60 * 1000).toISOString(),
      closesAt: new Date(now + 10 * DAY).toISOString(),
    };
    shortList = (await publishChallenge(t, issuer, admin, programId, window)) as unknown as Listed;
    raceList = (await publishChallenge(t, issuer, admin, programId, window)) as unknown as Listed;
    dueList = (await publishChallenge(t, issuer, admin, programId, window)) as unknown as Listed;
    for (const [i, list] of [shortList, raceList, dueList].entries()) {
      const team = await createTeam(t, bidder, { name: `边界团队${i + 1}` });
      const bid = await submittedBid(t, bidder, list, team);
      const checked = await t.http
        .post(`/api/v1/applications/${bid.id}/formal-check`)
        .set(admin.headers)
        .send({ outcome: 'eligible' });
      expect(checked.status).toBe(200);
    }
    await travel(new Date(now + 11 * DAY));
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  describe('a panel that runs out of reserves', () => {
    let members: PanelMember[];

    it('draws 3 members and 1 reserve', async () => {
      const res = await t.http.post(`/api/v1/challenges/${shortList.id}/review`).set(admin.headers);
      expect(res.status).toBe(201);
      members = res.body.members;
      expect(members.filter((m) => m.role === 'member')).toHaveLength(3);
      expect(members.filter((m) => m.role === 'reserve')).toHaveLength(1);
    });

    it('an expert who declines needs a reason, is replaced by the reserve, and the decline is audited', async () => {
      const leaving = byExpertId(members.find((m) => m.role === 'member' && m.position === 1)!.expertId);
      const assignment = await assignmentOf(leaving, shortList);
      const noReason = await declare(leaving, assignment.id, { decline: true });
      expect(noReason.status).toBe(400);
      expect((await assignmentOf(leaving, shortList)).status).toBe('pending');

      const res = await declare(leaving, assignment.id, { decline: true, reason: '出差无法参加评审' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'declined',
        replacement: { memberStatus: 'replaced', reserveCalled: true },
      });
      const panel = await panelOf(shortList);
      const reserve = panel.members.find((m) => m.role === 'reserve')!;
      expect(reserve.status).toBe('active');
      expect(panel.members.find((m) => m.expertId === leaving.expertId)).toMatchObject({
        status: 'replaced',
        replacedBy: reserve.id,
        statusReason: expect.stringContaining('出差'),
      });
      expect(panel).toMatchObject({ panelSize: 3, activeMembers: 3, reservesLeft: 0, missingMembers: 0 });
      expect((await assignmentOf(byExpertId(reserve.expertId), shortList)).status).toBe('pending');
      const [audit] = await replacements();
      expect(audit.after).toMatchObject({
        expertId: leaving.expertId,
        outcome: 'declined',
        replacementExpertId: reserve.expertId,
        reserveLeft: true,
      });
      members = panel.members;
    });

    it('with no reserve left the member is still released; the panel goes on short and says so', async () => {
      const leaving = byExpertId(members.find((m) => m.role === 'member' && m.status === 'active')!.expertId);
      const assignment = await assignmentOf(leaving, shortList);
      const res = await declare(leaving, assignment.id, { conflict: true, reason: '与申请团队负责人为同门' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'conflicted',
        replacement: { memberStatus: 'replaced', reserveCalled: false },
      });
      const panel = await panelOf(shortList);
      expect(panel).toMatchObject({ activeMembers: 2, reservesLeft: 0, missingMembers: 1, status: 'open' });
      const audits = await replacements();
      expect(audits).toHaveLength(2);
      // The clock stands still in tests: find the row by its expert, not by its order.
      expect(audits.find((a) => a.after.expertId === leaving.expertId)?.after).toMatchObject({
        outcome: 'conflicted',
        replacementExpertId: null,
        reserveLeft: false,
      });
      members = panel.members;
    });

    it('a short panel does not close by itself when its scores are in; the admin closes it with a reason', async () => {
      const scoring = members.filter((m) => m.status === 'active').map((m) => byExpertId(m.expertId));
      expect(scoring).toHaveLength(2);
      const ids = [await ready(scoring[0], shortList, 80), await ready(scoring[1], shortList, 70)];
      const submitted = await Promise.all(scoring.map((expert, i) => submit(expert, ids[i])));
      expect(submitted.map((r) => r.status)).toEqual([200, 200]);
      expect((await panelOf(shortList)).status).toBe('open');
      expect(await results(shortList)).toHaveLength(0);
      expect(await outboxEvents(t, 'review.completed', shortList.id)).toHaveLength(0);

      // Its due time passes with every active member done: the admins are told it waits for them.
      const waiting = await panelOf(shortList);
      await travel(new Date(waiting.dueAt));
      expect(
        await promoteJob(t.get(JobQueue), {
          entityType: 'review_panel',
          entityId: waiting.id,
          kind: 'review_panel.due',
          dueAt: new Date(waiting.dueAt),
        }),
      ).toBe(true);
      await waitFor(async () => (await outboxEvents(t, 'review.overdue', shortList.id)).length === 1, {
        what: 'the overdue notice of a short panel',
      });
      expect((await outboxEvents(t, 'review.overdue', shortList.id))[0].data).toMatchObject({
        expertsBehind: 0,
        unsubmittedAssignments: 0,
      });
      await waitFor(
        async () =>
          (
            (await t.http.get('/api/v1/notifications').query({ limit: 100 }).set(admin.headers)).body
              .items as Array<{ kind: string; body: string }>
          ).some((n) => n.kind === 'review.overdue' && n.body.includes('评审组人数不足')),
        { what: "the admin's notice that the short panel waits for a reasoned close" },
      );

      expect(
        (await t.http.post(`/api/v1/challenges/${shortList.id}/review/close`).set(admin.headers).send({}))
          .status,
      ).toBe(400);
      const closed = await t.http
        .post(`/api/v1/challenges/${shortList.id}/review/close`)
        .set(admin.headers)
        .send({ reason: '备选专家用尽，两位专家评分有效' });
      expect(closed.status).toBe(200);
      expect(closed.body.status).toBe('closed');
      expect(await results(shortList)).toEqual([{ score: '75.0', score_count: 2, rank: 1 }]);
      const completed = await outboxEvents(t, 'review.completed', shortList.id);
      expect(completed).toHaveLength(1);
      expect(completed[0].data.closeReason).toBe('备选专家用尽，两位专家评分有效');
    });
  });

  it('three last submissions at once close the panel exactly once', async () => {
    const drawn = await t.http.post(`/api/v1/challenges/${raceList.id}/review`).set(admin.headers);
    expect(drawn.status).toBe(201);
    const scoring = (drawn.body.members as PanelMember[])
      .filter((m) => m.role === 'member')
      .map((m) => byExpertId(m.expertId));
    const ids: string[] = [];
    for (const [i, expert] of scoring.entries()) ids.push(await ready(expert, raceList, 90 - 10 * i));
    expect((await panelOf(raceList)).status).toBe('open');

    const submitted = await Promise.all(scoring.map((expert, i) => submit(expert, ids[i])));
    expect(submitted.map((r) => r.status)).toEqual([200, 200, 200]);
    const closed = await panelOf(raceList);
    expect(closed.status).toBe('closed');
    // The close makes the due date moot: its deadline and reminders are cancelled, never sent.
    expect((await panelDeadlines(closed.id)).map((d) => [d.kind, d.status])).toEqual([
      ['review_panel.due', 'cancelled'],
      ['review_panel.due_reminder@168h', 'cancelled'],
      ['review_panel.due_reminder@24h', 'cancelled'],
    ]);
    expect(
      await promoteJob(t.get(JobQueue), {
        entityType: 'review_panel',
        entityId: closed.id,
        kind: 'review_panel.due_reminder@24h',
        dueAt: before(closed.dueAt, 24),
      }),
    ).toBe(false);
    // Run anyway (a stale job), the handlers say nothing of a closed panel.
    const panels = t.get(ReviewDeadlines);
    await t.dataSource.transaction((em) => panels.remindDue(em, closed.id, 24));
    await t.dataSource.transaction((em) => panels.noticeOverdue(em, closed.id));
    expect(await outboxEvents(t, 'review.due_soon', raceList.id)).toHaveLength(0);
    expect(await outboxEvents(t, 'review.overdue', raceList.id)).toHaveLength(0);
    expect(await results(raceList)).toEqual([{ score: '80.0', score_count: 3, rank: 1 }]);
    expect(await outboxEvents(t, 'review.completed', raceList.id)).toHaveLength(1);
    const completed = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'review.completed' AND object_id IN
         (SELECT id::text FROM review_panels WHERE challenge_id = $1)`,
      [raceList.id],
    );
    expect(completed[0].n).toBe(1);
    const [bid] = await t.dataSource.query(`SELECT status FROM applications WHERE challenge_id = $1`, [
      raceList.id,
    ]);
    expect(bid.status).toBe('shortlisted');
  });

  it('a panel is due reviewWorkingDays after the draw; experts behind are reminded once per offset, admins told when it passes', async () => {
    const drawn = await t.http.post(`/api/v1/challenges/${dueList.id}/review`).set(admin.headers);
    expect(drawn.status).toBe(201);
    const panel = drawn.body as Panel;
    // The default review period: 10 working days (Asia/Shanghai) by the official calendar, as the
    // public GET /calendar/{year} gives it (a draw in late March 2027 crosses 清明, Mon 5 April).
    const calendar = await t.http.get(`/api/v1/calendar/${panel.drawnAt.slice(0, 4)}`);
    expect(calendar.body.loaded).toBe(true);
    const days = calendar.body.days as Array<{ date: string; kind: string }>;
    const dueAt = addWorkingDays(new Date(panel.drawnAt), 10, undefined, {
      holidays: new Set(days.filter((d) => d.kind === 'holiday').map((d) => d.date)),
      extraWorkingDays: new Set(days.filter((d) => d.kind === 'workday').map((d) => d.date)),
    }).toISOString();
    expect(panel.dueAt).toBe(dueAt);
    expect(new Date(dueAt).getTime() - new Date(panel.drawnAt).getTime()).toBeGreaterThanOrEqual(
      14 * DAY - DAY,
    );
    expect((await panelDeadlines(panel.id)).map((d) => [d.kind, d.due_at.toISOString(), d.status])).toEqual([
      ['review_panel.due', dueAt, 'pending'],
      ['review_panel.due_reminder@168h', before(dueAt, 168).toISOString(), 'pending'],
      ['review_panel.due_reminder@24h', before(dueAt, 24).toISOString(), 'pending'],
    ]);
    const scoring = panel.members.filter((m) => m.role === 'member').map((m) => byExpertId(m.expertId));
    expect(scoring).toHaveLength(3);
    const [early, mid, late] = scoring;
    const assignment = await assignmentOf(late, dueList);
    const own = await t.http.get(`/api/v1/review-assignments/${assignment.id}`).set(late.actor.headers);
    expect(own.body.dueAt).toBe(dueAt);

    const jobs = t.get(JobQueue);
    const reminder = (hours: number) => ({
      entityType: 'review_panel',
      entityId: panel.id,
      kind: `review_panel.due_reminder@${hours}h`,
      dueAt: before(dueAt, hours),
    });
    const dueSoon = async () => (await outboxEvents(t, 'review.due_soon', dueList.id)).map((e) => e.data);
    const notices = async (actor: Actor, kind: string) => {
      const res = await t.http.get('/api/v1/notifications').query({ limit: 100 }).set(actor.headers);
      expect(res.status).toBe(200);
      return (res.body.items as Array<{ kind: string; data: { challengeId?: string } }>).filter(
        (n) => n.kind === kind && n.data.challengeId === dueList.id,
      );
    };

    // One expert submits at once; a week before, the other two are reminded, each of its one application.
    expect((await submit(early, await ready(early, dueList, 80))).status).toBe(200);
    await travel(before(dueAt, 168));
    expect(await promoteJob(jobs, reminder(168))).toBe(true);
    await waitFor(async () => (await dueSoon()).length === 2, { what: 'two reminders a week before' });
    expect((await dueSoon()).map((d) => d.expertUserId).sort()).toEqual(
      [mid.actor.userId, late.actor.userId].sort(),
    );
    expect(await dueSoon()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ panelId: panel.id, dueAt, hoursBefore: 168, unsubmittedAssignments: 1 }),
      ]),
    );
    await waitFor(async () => (await notices(late.actor, 'review.due_soon')).length === 1, {
      what: 'the reminder notification',
    });
    expect(await notices(early.actor, 'review.due_soon')).toHaveLength(0);

    // The second submits; a day before, only the last is reminded. A second run of a reminder does nothing.
    expect((await submit(mid, await ready(mid, dueList, 70))).status).toBe(200);
    await travel(before(dueAt, 24));
    expect(await promoteJob(jobs, reminder(24))).toBe(true);
    await waitFor(async () => (await dueSoon()).length === 3, { what: 'the reminder a day before' });
    expect((await dueSoon()).filter((d) => d.hoursBefore === 24).map((d) => d.expertUserId)).toEqual([
      late.actor.userId,
    ]);
    expect(await worker.get(DeadlineDispatcher).run(reminder(24))).toBe('skipped');
    expect(await worker.get(DeadlineDispatcher).run(reminder(168))).toBe('skipped');
    expect(await dueSoon()).toHaveLength(3);

    // The due time passes with one score missing: the admins are told; the panel stays open.
    await travel(new Date(dueAt));
    const due = {
      entityType: 'review_panel',
      entityId: panel.id,
      kind: 'review_panel.due',
      dueAt: new Date(dueAt),
    };
    expect(await promoteJob(jobs, due)).toBe(true);
    await waitFor(async () => (await outboxEvents(t, 'review.overdue', dueList.id)).length === 1, {
      what: 'the overdue notice',
    });
    expect((await outboxEvents(t, 'review.overdue', dueList.id))[0].data).toMatchObject({
      panelId: panel.id,
      dueAt,
      expertsBehind: 1,
      unsubmittedAssignments: 1,
    });
    await waitFor(async () => (await notices(admin, 'review.overdue')).length === 1, {
      what: "the admin's notification",
    });
    expect((await panelOf(dueList)).status).toBe('open');
    expect((await panelDeadlines(panel.id)).every((d) => d.status === 'done')).toBe(true);

    // A late score is still taken; it completes the panel.
    expect((await submit(late, await ready(late, dueList, 60))).status).toBe(200);
    expect((await panelOf(dueList)).status).toBe('closed');
    expect(await outboxEvents(t, 'review.due_soon', dueList.id)).toHaveLength(3);
  });
});
