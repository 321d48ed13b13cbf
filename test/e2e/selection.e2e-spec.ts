import { createTeam, Listed, submittedBid } from '../support/applications';
import { createProgram, DAY, promoteDeadline, publishChallenge } from '../support/challenges';
import {
  Actor,
  auditRows,
  bearer,
  createAdmin,
  login,
  outboxEvents,
  registerOrg,
} from '../support/factories';
import { WORLDS_ENV } from '../support/context';
import { retireOtherExperts } from '../support/projects';
import { commentsFor, createExpert, scoresFor, TestExpert } from '../support/reviews';
import { createTestApp, TestApp } from '../support/test-app';
import { SelectionService } from '../../src/modules/delivery/selection/selection.service';
import { JobQueue } from '../../src/infra/queue/job-queue.service';
import { JobName } from '../../src/infra/queue/queue.constants';
import { deadlineJobId } from '../../src/infra/scheduler/deadline-job';
import { DeliveredEvent } from '../../src/infra/events/domain-event-handler';
import { NotificationEventsHandler } from '../../src/modules/outreach/notifications/notifications.events';

/**
 * Each test has a world of its own (beforeEach): a horse race of four eligible bids reviewed
 * (80, 75, 70, 40) and a list of one bid whose panel closed unscored. A test that starts later in
 * the story goes through the earlier stages first (stage functions, as their own tests do).
 */
const START = '2027-03-01T02:00:00.000Z';

describe('selection, publicity, objections and award (遴选, 公示, 异议)', () => {
  let t: TestApp;
  // The world of the running test.
  let admin: Actor;
  let issuer: Actor;
  let bidders: Actor[];
  let someone: Actor;
  let programId: string;
  let experts: TestExpert[];
  let race: Listed;
  let flop: Listed;
  let raceBids: string[];
  /** Set by the selection stage: when the first publicity ends. */
  let firstPublicityEnd: string;

  const actors = () => [admin, issuer, someone, ...bidders, ...experts.map((e) => e.actor)];
  const travel = async (to: Date | string) => {
    t.clock.set(to);
    for (const actor of actors()) {
      const tokens = await login(t, actor.email);
      actor.accessToken = tokens.accessToken;
      actor.headers = bearer(tokens.accessToken);
    }
  };
  const listStatus = async (id: string) =>
    (await t.dataSource.query(`SELECT status FROM challenges WHERE id = $1`, [id]))[0].status as string;
  const projectsOf = async (id: string) =>
    t.dataSource.query(`SELECT application_id, status, task_book FROM projects WHERE challenge_id = $1`, [
      id,
    ]);

  /** The panel of three scores every bid with `totals[i]` and submits: the last submission closes it. */
  const review = async (list: Listed, totals: number[] | null) => {
    const drawn = await t.http.post(`/api/v1/challenges/${list.id}/review`).set(admin.headers);
    expect(drawn.status).toBe(201);
    if (!totals) {
      const closed = await t.http
        .post(`/api/v1/challenges/${list.id}/review/close`)
        .set(admin.headers)
        .send({ reason: '无人评分' });
      expect(closed.status).toBe(200);
      return;
    }
    for (const expert of experts) {
      const res = await t.http
        .get('/api/v1/review-assignments')
        .query({ limit: 100 })
        .set(expert.actor.headers);
      const mine = (
        res.body.items as Array<{ id: string; challenge: { id: string }; bidLabel: string }>
      ).filter((a) => a.challenge.id === list.id);
      for (const a of mine) {
        const declared = await t.http
          .post(`/api/v1/review-assignments/${a.id}/declare`)
          .set(expert.actor.headers)
          .send({ conflict: false });
        expect(declared.status).toBe(200);
        const n = Number(a.bidLabel.replace('申请 ', '')) - 1;
        const saved = await t.http
          .put(`/api/v1/review-assignments/${a.id}/scores`)
          .set(expert.actor.headers)
          .set('If-Match', `"${declared.body.version}"`)
          .send({ scores: scoresFor(totals[n]), comments: commentsFor() });
        expect(saved.status).toBe(200);
        const submitted = await t.http
          .post(`/api/v1/review-assignments/${a.id}/submit`)
          .set(expert.actor.headers);
        expect(submitted.status).toBe(200);
      }
    }
  };

  beforeAll(async () => {
    t = await createTestApp({ env: WORLDS_ENV });
  });

  beforeEach(async () => {
    // Every world starts at the same moment, so that its calendar (weekends, holidays) is the same.
    t.clock.set(START);
    bidders = [];
    experts = [];
    raceBids = [];
    admin = await createAdmin(t);
    issuer = await registerOrg(t, { role: 'issuer', type: 'enterprise', name: '发榜电网集团' });
    for (const [i, type] of (
      ['university', 'research_institute', 'enterprise', 'university'] as const
    ).entries()) {
      bidders.push(await registerOrg(t, { role: 'applicant', type, name: `揭榜单位${i + 1}` }));
    }
    someone = await registerOrg(t, { role: 'applicant', type: 'enterprise', name: '异议提出单位' });
    const home = await registerOrg(t, { role: 'applicant', type: 'university', name: '专家所在大学' });
    programId = await createProgram(t, admin, {
      settings: { panelSize: 3, reserveExperts: 0, minEnterpriseExpertPercent: 0, publicityWorkingDays: 5 },
    });
    for (let i = 0; i < 3; i++)
      experts.push(await createExpert(t, admin, home.organizationId, `遴选专家${i + 1}`));

    const now = t.clock.now().getTime();
    const window = {
      opensAt: new Date(now - 60 * 60 * 1000).toISOString(),
      closesAt: new Date(now + 10 * DAY).toISOString(),
    };
    race = (await publishChallenge(t, issuer, admin, programId, {
      ...window,
      selectionMode: 'horse_race',
      teamCount: 2,
    })) as unknown as Listed;
    flop = (await publishChallenge(t, issuer, admin, programId, window)) as unknown as Listed;
    for (const [i, bidder] of bidders.entries()) {
      const team = await createTeam(t, bidder, { name: `赛马团队${i + 1}` });
      const bid = await submittedBid(t, bidder, race, team);
      t.clock.advance(1000);
      raceBids.push(bid.id);
    }
    const flopTeam = await createTeam(t, bidders[0], { name: '流榜团队' });
    const flopBid = await submittedBid(t, bidders[0], flop, flopTeam);
    for (const id of [...raceBids, flopBid.id]) {
      const res = await t.http
        .post(`/api/v1/applications/${id}/formal-check`)
        .set(admin.headers)
        .send({ outcome: 'eligible' });
      expect(res.status).toBe(200);
    }
    await travel(new Date(now + 11 * DAY));
    // The panels are drawn from this world's three experts only.
    await retireOtherExperts(
      t,
      admin,
      experts.map((e) => e.expertId),
    );
    // 申请 1..3 pass (80, 75, 70); 申请 4 is under the pass line (40).
    await review(race, [80, 75, 70, 40]);
    await review(flop, null);
  }, 300_000);

  afterAll(async () => t?.close());

  /** Runs the in-app notification rules on the list's outbox events of a type (no worker here). */
  const deliverNotifications = async (type: string, aggregateId: string) => {
    const rows = await t.dataSource.query<
      Array<{ id: string; aggregate_type: string; data: DeliveredEvent['data']; occurred_at: Date }>
    >(
      `SELECT id, aggregate_type, data, occurred_at FROM outbox_events WHERE type = $1 AND aggregate_id = $2`,
      [type, aggregateId],
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const event: DeliveredEvent = {
        id: row.id,
        type,
        aggregateType: row.aggregate_type,
        aggregateId,
        data: row.data,
        occurredAt: row.occurred_at,
      };
      await t.dataSource.transaction((em) => t.get(NotificationEventsHandler).notify(event, em));
    }
  };
  const titlesOf = async (actor: Actor) =>
    (
      await t.dataSource.query<Array<{ title: string; body: string }>>(
        `SELECT title, body FROM notifications WHERE user_id = $1 ORDER BY created_at, id`,
        [actor.userId],
      )
    ).map((n) => n.title);

  const publicityReminders = async () =>
    (
      await t.dataSource.query<Array<{ kind: string; due_at: Date; status: string }>>(
        `SELECT kind, due_at, status FROM deadlines WHERE entity_id = $1 AND kind LIKE 'challenge.publicity_end_reminder@%' ORDER BY kind`,
        [race.id],
      )
    ).map((r) => [r.kind, r.due_at.toISOString(), r.status]);
  const select = (list: Listed, applicationIds: string[], who: Actor = admin) =>
    t.http
      .post(`/api/v1/challenges/${list.id}/selection`)
      .set(who.headers)
      .send({ applicationIds, issuerAgreement: '发榜方同意，经对接洽谈确定合作方案' });

  /** Stage: two selected, publicity open until 5 working days later, skipping the weekend. */
  const selectedForPublicity = async () => {
    // Friday 2027-xx: the next Friday 11:00 Shanghai (03:00Z) after the clock.
    const base = t.clock.now();
    const friday = new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), base.getUTCDate(), 3));
    while (friday.getUTCDay() !== 5 || friday <= base) friday.setUTCDate(friday.getUTCDate() + 1);
    await travel(friday);
    const res = await select(race, raceBids.slice(0, 2));
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('publicity');
    // Mon..Fri of the next week → ends next Friday 24:00 Shanghai = Friday 16:00Z, 7 days on.
    const expected = new Date(friday.getTime() + 7 * DAY + 13 * 60 * 60 * 1000);
    expect(res.body.publicityEndsAt).toBe(expected.toISOString());
    firstPublicityEnd = res.body.publicityEndsAt;
    const bids = await t.dataSource.query(`SELECT id, status FROM applications WHERE challenge_id = $1`, [
      race.id,
    ]);
    const statusOf = new Map(bids.map((b: { id: string; status: string }) => [b.id, b.status]));
    expect(statusOf.get(raceBids[0])).toBe('selected');
    expect(statusOf.get(raceBids[1])).toBe('selected');
    expect(statusOf.get(raceBids[2])).toBe('shortlisted');
    expect(await outboxEvents(t, 'selection.publicized', race.id)).toHaveLength(1);
    // Told in-app: the selected bidders of their publicity, the two passed over that they were not selected.
    await deliverNotifications('selection.publicized', race.id);
    for (const [i, expected] of [
      [0, '揭榜结果公示'],
      [1, '揭榜结果公示'],
      [2, '揭榜申请未入选'],
      [3, '揭榜申请未入选'],
    ] as const) {
      const titles = await titlesOf(bidders[i]);
      expect({ i, titles }).toEqual({ i, titles: expect.arrayContaining([expected]) });
    }
    expect(await titlesOf(bidders[0])).not.toContain('揭榜申请未入选');
    expect(await titlesOf(someone)).toEqual([]);
    const [deadline] = await t.dataSource.query(
      `SELECT status, due_at FROM deadlines WHERE entity_id = $1 AND kind = 'challenge.publicity_end'`,
      [race.id],
    );
    expect(deadline.status).toBe('pending');
    expect(new Date(deadline.due_at).toISOString()).toBe(expected.toISOString());
    const job = await t.get(JobQueue).getJob(
      JobName.RunDeadline,
      deadlineJobId({
        entityType: 'challenge',
        entityId: race.id,
        kind: 'challenge.publicity_end',
        dueAt: expected,
      }),
    );
    expect(await job?.getState()).toBe('delayed');
    // Reminders a week and a day before the end (the period is 7 days and 13 hours long).
    expect(await publicityReminders()).toEqual([
      [
        'challenge.publicity_end_reminder@168h',
        new Date(expected.getTime() - 7 * DAY).toISOString(),
        'pending',
      ],
      ['challenge.publicity_end_reminder@24h', new Date(expected.getTime() - DAY).toISOString(), 'pending'],
    ]);
  };
  /** Stage: an objection lodged, investigated and upheld: the selection reopens, the award stops. */
  const objectionUpheld = async () => {
    const lodged = await t.http
      .post(`/api/v1/challenges/${race.id}/objections`)
      .set(someone.headers)
      .send({ grounds: '申请人业绩材料存在不实之处' });
    expect(lodged.status).toBe(201);
    expect(lodged.body.status).toBe('lodged');
    expect(await outboxEvents(t, 'objection.lodged', race.id)).toHaveLength(1);
    // The issuer is told of it (as its webhooks are), not only the admins; the objector is not named.
    await deliverNotifications('objection.lodged', race.id);
    const issuerNotes = await t.dataSource.query<Array<{ body: string }>>(
      `SELECT body FROM notifications WHERE user_id = $1 AND title = '收到公示异议'`,
      [issuer.userId],
    );
    expect(issuerNotes).toHaveLength(1);
    expect(issuerNotes[0].body).not.toContain('异议提出单位');
    expect(await titlesOf(admin)).toContain('收到公示异议');

    // The notice is public, counts the objection and names no objector.
    const notice = await t.http.get(`/api/v1/challenges/${race.id}/publicity`);
    expect(notice.status).toBe(200);
    expect(notice.body.objectionCount).toBe(1);
    expect(notice.body.selected.map((s: { teamName: string }) => s.teamName)).toEqual([
      '赛马团队1',
      '赛马团队2',
    ]);
    expect(notice.body.selected[0]).toMatchObject({ leadOrganizationName: '揭榜单位1', rank: 1, score: 80 });
    const text = JSON.stringify(notice.body);
    expect(text).not.toContain('异议提出单位');
    expect(text).not.toContain(someone.userId);
    expect(text).not.toContain('不实');

    // Only admins and the objector read it.
    expect((await t.http.get(`/api/v1/objections/${lodged.body.id}`).set(someone.headers)).status).toBe(200);
    expect((await t.http.get(`/api/v1/objections/${lodged.body.id}`).set(issuer.headers)).status).toBe(404);

    const investigate = await t.http
      .post(`/api/v1/objections/${lodged.body.id}/decide`)
      .set(admin.headers)
      .send({ status: 'under_investigation', reason: '立案核查' });
    expect(investigate.status).toBe(200);
    const upheld = await t.http
      .post(`/api/v1/objections/${lodged.body.id}/decide`)
      .set(admin.headers)
      .send({ status: 'upheld', reason: '经核查异议成立' });
    expect(upheld.status).toBe(200);
    expect(await listStatus(race.id)).toBe('under_review');
    const again = await t.http
      .post(`/api/v1/objections/${lodged.body.id}/decide`)
      .set(admin.headers)
      .send({ status: 'dismissed', reason: '再议' });
    expect(again.status).toBe(409);

    // The award job is gone from the queue, and after the period the finalization (as a stale
    // job would run it) does nothing.
    await travel(new Date(t.clock.now().getTime() + 10 * DAY));
    expect(
      await promoteDeadline(t.get(JobQueue), race.id, 'challenge.publicity_end', firstPublicityEnd),
    ).toBe(false);
    const service = t.get(SelectionService);
    expect(await t.dataSource.transaction((em) => service.finalizeByDeadline(em, race.id))).toBe(false);
    // A reminder that ran anyway (a stale job) says nothing of a publicity that was reopened.
    await t.dataSource.transaction((em) => service.remindPublicityEnd(em, race.id, 24));
    expect(await outboxEvents(t, 'selection.publicity_ending', race.id)).toHaveLength(0);
    expect(await listStatus(race.id)).toBe('under_review');
    expect(await projectsOf(race.id)).toHaveLength(0);
    const [deadline] = await t.dataSource.query(
      `SELECT status FROM deadlines WHERE entity_id = $1 AND kind = 'challenge.publicity_end'`,
      [race.id],
    );
    expect(deadline.status).toBe('cancelled');
    expect((await publicityReminders()).map(([kind, , status]) => [kind, status])).toEqual([
      ['challenge.publicity_end_reminder@168h', 'cancelled'],
      ['challenge.publicity_end_reminder@24h', 'cancelled'],
    ]);
    const bids = await t.dataSource.query(
      `SELECT status FROM applications WHERE id = ANY($1) ORDER BY status`,
      [raceBids.slice(0, 2)],
    );
    expect(bids.map((b: { status: string }) => b.status)).toEqual(['shortlisted', 'shortlisted']);
  };

  it('horse race: three ids → 422, an application under the pass line → 422, issuers cannot select', async () => {
    expect(await listStatus(race.id)).toBe('under_review');
    const three = await select(race, raceBids.slice(0, 3));
    expect(three.status).toBe(422);
    expect(three.body.detail).toContain('at most 2');
    const under = await select(race, [raceBids[0], raceBids[3]]);
    expect(under.status).toBe(422);
    expect(under.body.detail).toContain(raceBids[3]);
    expect((await select(race, [raceBids[0]], issuer)).status).toBe(403);
    expect(await listStatus(race.id)).toBe('under_review');
  });

  it('selects two and opens publicity ending 5 working days later, skipping the weekend', async () => {
    await selectedForPublicity();
  });

  it('an upheld objection reopens the selection and stops the award', async () => {
    await selectedForPublicity();
    await objectionUpheld();
  });

  it('a new selection: objection after the period → 422; finalization run concurrently awards once', async () => {
    await selectedForPublicity();
    await objectionUpheld();
    const res = await select(race, [raceBids[0], raceBids[2]]);
    expect(res.status).toBe(200);
    const early = await t.http.post(`/api/v1/challenges/${race.id}/award`).set(admin.headers);
    expect(early.status).toBe(422);

    await travel(res.body.publicityEndsAt);
    const late = await t.http
      .post(`/api/v1/challenges/${race.id}/objections`)
      .set(someone.headers)
      .send({ grounds: '逾期异议' });
    expect(late.status).toBe(422);
    expect(late.body.code).toBe('DEADLINE_PASSED');

    const service = t.get(SelectionService);
    const outcomes = await Promise.allSettled([
      t.dataSource.transaction((em) => service.finalizeByDeadline(em, race.id)),
      t.dataSource.transaction((em) => service.finalizeByDeadline(em, race.id)),
      t.http.post(`/api/v1/challenges/${race.id}/award`).set(admin.headers),
      t.http.post(`/api/v1/challenges/${race.id}/award`).set(admin.headers),
    ]);
    expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
    expect(await listStatus(race.id)).toBe('awarded');
    const projects = await projectsOf(race.id);
    expect(projects.map((p: { application_id: string }) => p.application_id).sort()).toEqual(
      [raceBids[0], raceBids[2]].sort(),
    );
    expect(projects[0].status).toBe('pending_signature');
    expect(projects[0].task_book.indicators[0]).toMatchObject({ name: '临界电流', targetValue: '≥ 500' });
    expect(projects[0].task_book.milestones).toHaveLength(2);
    expect(await auditRows(t, 'challenge.awarded', race.id)).toHaveLength(1);
    expect(await outboxEvents(t, 'challenge.awarded', race.id)).toHaveLength(1);
    const bids = await t.dataSource.query(`SELECT id, status FROM applications WHERE challenge_id = $1`, [
      race.id,
    ]);
    const statusOf = new Map(bids.map((b: { id: string; status: string }) => [b.id, b.status]));
    expect(statusOf.get(raceBids[0])).toBe('selected');
    expect(statusOf.get(raceBids[2])).toBe('selected');
    expect(statusOf.get(raceBids[1])).toBe('not_selected');
    expect(statusOf.get(raceBids[3])).toBe('not_selected');
    const notice = await t.http.get(`/api/v1/challenges/${race.id}/publicity`);
    expect(notice.body.status).toBe('finalized');
  });

  it('no application passes: selection → 422 pointing to unsuccessful; 流榜', async () => {
    const bid = (
      await t.dataSource.query(`SELECT id FROM applications WHERE challenge_id = $1`, [flop.id])
    )[0].id;
    const refused = await select(flop, [bid]);
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toContain('unsuccessful');
    const res = await t.http
      .post(`/api/v1/challenges/${flop.id}/unsuccessful`)
      .set(admin.headers)
      .send({ reason: '无申请达到合格线' });
    expect(res.status).toBe(200);
    expect(await listStatus(flop.id)).toBe('unsuccessful');
    const [row] = await t.dataSource.query(`SELECT status FROM applications WHERE id = $1`, [bid]);
    expect(row.status).toBe('not_selected');
    expect(await outboxEvents(t, 'challenge.unsuccessful', flop.id)).toHaveLength(1);
  });
});
