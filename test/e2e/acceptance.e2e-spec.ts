import { createTeam, Listed, submittedBid } from '../support/applications';
import { DAY, publishChallenge } from '../support/challenges';
import { ActiveProject, TestContext, WORLDS_ENV } from '../support/context';
import { Actor, outboxEvents } from '../support/factories';
import { retireOtherExperts } from '../support/projects';
import { createExpert, jsonStrings, TestExpert } from '../support/reviews';
import { createTestApp, TestApp } from '../support/test-app';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';
import { JobQueue } from '../../src/infra/queue/job-queue.service';
import { JobName } from '../../src/infra/queue/queue.constants';
import { deadlineJobId } from '../../src/infra/scheduler/deadline-job';

interface Member {
  id: string;
  expertId: string;
  expertName: string;
  role: 'member' | 'reserve';
  position: number;
  status: string;
}

describe('acceptance (验收) and integrity records (科研诚信)', () => {
  let t: TestApp;
  let ctx: TestContext;
  let worker: TestWorker;
  // The world of the running test, built afresh for each by beforeEach.
  let award: ActiveProject;
  let admin: Actor;
  let stranger: Actor;
  let experts: TestExpert[];
  let conflicted: { lead: TestExpert; collaboration: TestExpert };
  let indicators: Array<{ indicatorId: string; name: string }>;

  const api = (path: string) => `/api/v1${path}`;
  const projectStatus = async (id: string) =>
    (await t.dataSource.query(`SELECT status, closed_at FROM projects WHERE id = $1`, [id]))[0] as {
      status: string;
      closed_at: Date | null;
    };
  const measurements = () =>
    indicators.map((i) => ({ indicatorId: i.indicatorId, measuredValue: `实测：${i.name}达标` }));
  const requestFor = (line: number, body: Record<string, unknown> = {}) =>
    t.http
      .post(api(`/projects/${award.lines[line].projectId}/acceptance`))
      .set(award.lines[line].bidder.headers)
      .send({ measurements: measurements(), summary: '项目已完成全部任务书指标，现申请验收。', ...body });
  const panelOf = async (acceptanceId: string): Promise<Member[]> => {
    const res = await t.http.get(api(`/acceptances/${acceptanceId}`)).set(admin.headers);
    expect(res.status).toBe(200);
    return res.body.panel.members as Member[];
  };
  const expertById = (id: string) =>
    [...experts, conflicted.lead, conflicted.collaboration].find((e) => e.expertId === id)!;
  /** Every pending member declares no conflict and submits all-met verdicts. */
  const everyoneJudges = async (acceptanceId: string) => {
    for (const m of (await panelOf(acceptanceId)).filter((x) => x.status === 'pending')) {
      const expert = expertById(m.expertId);
      const declared = await t.http
        .post(api(`/acceptance-assignments/${m.id}/declare`))
        .set(expert.actor.headers)
        .send({ conflict: false });
      expect(declared.status).toBe(200);
      const submitted = await t.http
        .post(api(`/acceptances/${acceptanceId}/verdicts`))
        .set(expert.actor.headers)
        .send({
          verdicts: indicators.map((i) => ({ indicatorId: i.indicatorId, verdict: 'met', comment: '达标' })),
        });
      expect(submitted.status).toBe(200);
    }
  };
  const auditRows = (action: string, objectId: string) =>
    t.dataSource.query<Array<{ after: Record<string, unknown> }>>(
      `SELECT after FROM audit_events WHERE action = $1 AND object_id = $2 ORDER BY occurred_at, id`,
      [action, objectId],
    );
  const integrityRows = (acceptanceId: string) =>
    t.dataSource.query<Array<{ subject_type: string; subject_id: string; reason: string }>>(
      `SELECT subject_type, subject_id, reason FROM integrity_records WHERE source_type = 'acceptance' AND source_id = $1 ORDER BY subject_type`,
      [acceptanceId],
    );

  /** Two more experts of the panel's home organization: with them, 5 qualify (3 members, 2 reserves). */
  const twoMoreExperts = async () => {
    const home = award.experts[0].actor.organizationId;
    for (const name of ['验收专家四', '验收专家五']) {
      const expert = await createExpert(t, admin, home, name);
      award.track(expert.actor);
      experts.push(expert);
    }
  };
  /** Line 0 ready for its acceptance: its last milestone passed too, and a full panel in the pool. */
  const readyForAcceptance = async () => {
    expect((await award.assessMilestone(1, 'passed')).status).toBe('passed');
    await twoMoreExperts();
  };
  /** Line 0's acceptance requested (201), its panel drawn. */
  const requestedAcceptance = async (): Promise<string> => {
    await readyForAcceptance();
    const res = await requestFor(0);
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    t = await createTestApp({ env: WORLDS_ENV });
    ctx = new TestContext(t);
    worker = await startTestWorker(t.environment, t.clock);
  });

  /**
   * A world of its own for each test: a challenge awarded to two lines, line 0's project signed
   * (active, tranches planned) with its first milestone passed and its last reported (submitted,
   * not assessed); the program's acceptance panel of 3 members and 2 reserves; the three experts
   * who reviewed the bids, and two more conflicted with line 0's lead organization; nobody else
   * active in the pool.
   */
  beforeEach(async () => {
    award = await ctx.newActiveProject({ winners: 2, losers: 1 });
    admin = award.admin;
    stranger = award.track(await ctx.newApplicantOrg({ type: 'enterprise' }));
    experts = [...award.experts];
    // The acceptance panel: 3 members (the program's panelSize) and 2 reserves.
    await ctx.changeProgramSettings(admin, award.programId, { reserveExperts: 2 });
    const lead0 = award.lines[0].bidder.organizationId;
    const elsewhere = await ctx.newApplicantOrg();
    conflicted = {
      lead: await createExpert(t, admin, lead0, '揭榜单位验收专家'),
      collaboration: await createExpert(t, admin, elsewhere.organizationId, '合作验收专家', {
        collaborations: [{ organizationId: lead0, description: '联合攻关', fromYear: 2020, toYear: null }],
      }),
    };
    award.track(conflicted.lead.actor);
    award.track(conflicted.collaboration.actor);
    await retireOtherExperts(
      t,
      admin,
      [...experts, conflicted.lead, conflicted.collaboration].map((e) => e.expertId),
    );
    expect((await award.assessMilestone(0, 'passed')).status).toBe('passed');
    expect((await award.reportMilestone(1)).status).toBe('submitted');
    indicators = award.indicators;
    expect(indicators.length).toBeGreaterThan(0);
  }, 300_000);

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('refuses the request while a milestone is not passed, and with an indicator value missing (422)', async () => {
    const early = await requestFor(0);
    expect(early.status).toBe(422);
    expect(early.body.code).toBe('BUSINESS_RULE_VIOLATION');
    expect(early.body.detail).toContain('完成样机与挂网');
    expect(early.body.milestones).toEqual([expect.objectContaining({ position: 1, status: 'submitted' })]);
    expect((await award.assessMilestone(1, 'passed')).status).toBe('passed');

    const missing = await requestFor(0, { measurements: measurements().slice(1) });
    expect(missing.status).toBe(422);
    expect(missing.body.missingIndicators).toEqual([
      { indicatorId: indicators[0].indicatorId, name: indicators[0].name },
    ]);
    expect(missing.body.detail).toContain(indicators[0].name);

    // Only the lead organization's applicant asks; the issuer is a party (403), a stranger not (404).
    expect(
      (
        await t.http
          .post(api(`/projects/${award.lines[0].projectId}/acceptance`))
          .set(award.issuer.headers)
          .send({ measurements: measurements(), summary: 'x' })
      ).status,
    ).toBe(403);
    expect(
      (
        await t.http
          .post(api(`/projects/${award.lines[0].projectId}/acceptance`))
          .set(stranger.headers)
          .send({ measurements: measurements(), summary: 'x' })
      ).status,
    ).toBe(404);
    expect((await projectStatus(award.lines[0].projectId)).status).toBe('active');
  });

  it('refuses with PANEL_UNDERSTAFFED when too few experts qualify, and writes nothing', async () => {
    // 3 experts qualify (the two others are conflicted); 3 members + 2 reserves are needed.
    expect((await award.assessMilestone(1, 'passed')).status).toBe('passed');
    const res = await requestFor(0);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('PANEL_UNDERSTAFFED');
    expect(res.body).toMatchObject({ qualifiedExperts: 3, missingExperts: 2, excludedForConflicts: 2 });
    expect((await projectStatus(award.lines[0].projectId)).status).toBe('active');
    expect(
      await t.dataSource.query(`SELECT id FROM acceptances WHERE project_id = $1`, [
        award.lines[0].projectId,
      ]),
    ).toEqual([]);
  });

  it('draws the panel at the request, never an expert of the lead organization or one who collaborated with it', async () => {
    await readyForAcceptance();
    const res = await requestFor(0);
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('requested');
    expect((await projectStatus(award.lines[0].projectId)).status).toBe('acceptance_requested');

    const members = await panelOf(res.body.id);
    expect(members.filter((m) => m.role === 'member')).toHaveLength(3);
    expect(members.filter((m) => m.role === 'reserve')).toHaveLength(2);
    const drawn = members.map((m) => m.expertId).sort();
    expect(drawn).toEqual(experts.map((e) => e.expertId).sort());
    expect(drawn).not.toContain(conflicted.lead.expertId);
    expect(drawn).not.toContain(conflicted.collaboration.expertId);

    const [audit] = await auditRows('acceptance.requested', res.body.id);
    const admins = await t.http.get(api(`/acceptances/${res.body.id}`)).set(admin.headers);
    expect(audit.after).toMatchObject({ seed: admins.body.panel.seed, members: expect.any(Array) });
    expect(
      (audit.after as { excluded: Array<{ expertId: string }> }).excluded.map((e) => e.expertId).sort(),
    ).toEqual([conflicted.lead.expertId, conflicted.collaboration.expertId].sort());
    expect(await outboxEvents(t, 'acceptance.assigned', award.lines[0].projectId)).toHaveLength(3);

    // The lead organization sees its request, never the experts' names, no verdicts before the decision.
    const own = await t.http
      .get(api(`/projects/${award.lines[0].projectId}/acceptance`))
      .set(award.lines[0].bidder.headers);
    expect(own.status).toBe(200);
    expect(own.body.panel.members).toBeUndefined();
    expect(own.body.panel.seed).toBeUndefined();
    expect(own.body.verdicts).toBeNull();
    const text = jsonStrings(own.body).join('\n');
    for (const e of experts) expect(text).not.toContain(e.displayName);

    // A second request while one is under way: the project is no longer active.
    expect((await requestFor(0)).status).toBe(409);
  });

  it('replaces a declared conflict by a reserve; nobody else sees or writes that assignment (404)', async () => {
    const id = await requestedAcceptance();
    const before = await panelOf(id);
    const first = before.find((m) => m.role === 'member' && m.position === 1)!;
    const reserve1 = before.find((m) => m.role === 'reserve' && m.position === 1)!;
    const owner = expertById(first.expertId);
    const other = expertById(before.find((m) => m.role === 'member' && m.position === 2)!.expertId);

    expect(
      (await t.http.get(api(`/acceptance-assignments/${first.id}`)).set(other.actor.headers)).status,
    ).toBe(404);
    expect(
      (
        await t.http
          .post(api(`/acceptance-assignments/${first.id}/declare`))
          .set(other.actor.headers)
          .send({ conflict: false })
      ).status,
    ).toBe(404);
    expect(
      (await t.http.get(api(`/acceptance-assignments/${first.id}`)).set(conflicted.lead.actor.headers))
        .status,
    ).toBe(404);
    // A reserve not called has no assignment to see.
    const reserveExpert = expertById(reserve1.expertId);
    expect(
      (await t.http.get(api(`/acceptance-assignments/${reserve1.id}`)).set(reserveExpert.actor.headers))
        .status,
    ).toBe(404);
    // An expert not on the panel cannot give verdicts.
    expect(
      (
        await t.http
          .post(api(`/acceptances/${id}/verdicts`))
          .set(conflicted.lead.actor.headers)
          .send({
            verdicts: indicators.map((i) => ({
              indicatorId: i.indicatorId,
              verdict: 'met',
              comment: '达标',
            })),
          })
      ).status,
    ).toBe(404);

    const mine = await t.http.get(api('/acceptance-assignments')).set(owner.actor.headers);
    expect(mine.body.items.map((a: { id: string }) => a.id)).toContain(first.id);
    const declared = await t.http
      .post(api(`/acceptance-assignments/${first.id}/declare`))
      .set(owner.actor.headers)
      .send({ conflict: true, reason: '曾为该团队提供技术咨询' });
    expect(declared.status).toBe(200);
    expect(declared.body).toMatchObject({ status: 'conflicted', reserveCalled: true, measurements: null });

    const after = await panelOf(id);
    expect(after.find((m) => m.id === first.id)).toMatchObject({ status: 'conflicted' });
    expect(after.find((m) => m.id === reserve1.id)).toMatchObject({ status: 'pending' });
    const called = await t.http
      .get(api(`/acceptance-assignments/${reserve1.id}`))
      .set(reserveExpert.actor.headers);
    expect(called.status).toBe(200);
    const [replaced] = await auditRows('acceptance.member_replaced', id);
    expect(replaced.after).toMatchObject({
      panelMemberId: first.id,
      replacementMemberId: reserve1.id,
      reason: '曾为该团队提供技术咨询',
    });
  });

  it('takes verdicts from each member once, then the admin’s pass accepts the project and approves the final tranches', async () => {
    const id = await requestedAcceptance();
    const pending = (await panelOf(id)).filter((m) => m.status === 'pending');
    expect(pending).toHaveLength(3);
    const one = expertById(pending[0].expertId);
    const all = indicators.map((i) => ({ indicatorId: i.indicatorId, verdict: 'met', comment: '达标' }));
    // Before declaring: 409.
    const early = await t.http
      .post(api(`/acceptances/${id}/verdicts`))
      .set(one.actor.headers)
      .send({ verdicts: all });
    expect(early.status).toBe(409);
    await t.http
      .post(api(`/acceptance-assignments/${pending[0].id}/declare`))
      .set(one.actor.headers)
      .send({ conflict: false })
      .expect(200);
    const seen = await t.http.get(api(`/acceptance-assignments/${pending[0].id}`)).set(one.actor.headers);
    expect(seen.body.measurements).toHaveLength(indicators.length);
    const short = await t.http
      .post(api(`/acceptances/${id}/verdicts`))
      .set(one.actor.headers)
      .send({ verdicts: all.slice(1) });
    expect(short.status).toBe(422);
    expect(short.body.missingIndicators).toHaveLength(1);
    const first = await t.http
      .post(api(`/acceptances/${id}/verdicts`))
      .set(one.actor.headers)
      .send({ verdicts: [{ ...all[0], verdict: 'partially_met', comment: '基本达标' }, ...all.slice(1)] });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('submitted');
    const again = await t.http
      .post(api(`/acceptances/${id}/verdicts`))
      .set(one.actor.headers)
      .send({ verdicts: all });
    expect(again.status).toBe(409);

    // The admin cannot decide while members are still to submit (without a closeReason).
    const decideBody = {
      outcome: 'passed',
      reason: '全部指标达到任务书要求',
      issuerOpinion: '发榜方同意通过验收',
    };
    expect(
      (
        await t.http
          .post(api(`/acceptances/${id}/decide`))
          .set(admin.headers)
          .send(decideBody)
      ).status,
    ).toBe(409);
    await everyoneJudges(id);
    // Only admins decide.
    expect(
      (
        await t.http
          .post(api(`/acceptances/${id}/decide`))
          .set(award.issuer.headers)
          .send(decideBody)
      ).status,
    ).toBe(403);
    const decided = await t.http
      .post(api(`/acceptances/${id}/decide`))
      .set(admin.headers)
      .send(decideBody);
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({
      status: 'passed',
      outcome: 'passed',
      issuerOpinion: '发榜方同意通过验收',
    });
    const project = await projectStatus(award.lines[0].projectId);
    expect(project.status).toBe('accepted');
    expect(project.closed_at).not.toBeNull();
    const finals = await t.dataSource.query<Array<{ status: string }>>(
      `SELECT status FROM payments WHERE project_id = $1 AND kind = 'final'`,
      [award.lines[0].projectId],
    );
    expect(finals.length).toBeGreaterThan(0);
    expect(finals.every((p) => p.status === 'approved')).toBe(true);
    const [event] = await outboxEvents(t, 'acceptance.decided', award.lines[0].projectId);
    expect(event.data).toMatchObject({
      projectId: award.lines[0].projectId,
      challengeId: award.list.id,
      outcome: 'passed',
      exemption: false,
      issuerOrganizationId: award.issuer.organizationId,
      leadOrganizationId: award.lines[0].bidder.organizationId,
    });
    expect(await integrityRows(id)).toEqual([]);
    expect(
      (
        await t.http
          .post(api(`/acceptances/${id}/decide`))
          .set(admin.headers)
          .send(decideBody)
      ).status,
    ).toBe(409);

    // After the decision the issuer sees the verdicts, without expert identities.
    const seenByIssuer = await t.http.get(api(`/acceptances/${id}`)).set(award.issuer.headers);
    expect(seenByIssuer.status).toBe(200);
    expect(seenByIssuer.body.verdicts[0]).toMatchObject({ met: 2, partiallyMet: 1, notMet: 0 });
    expect(seenByIssuer.body.verdicts[0].verdicts[0].panelMemberId).toBeUndefined();
    const text = jsonStrings(seenByIssuer.body).join('\n');
    for (const e of experts) {
      expect(text).not.toContain(e.displayName);
      expect(text).not.toContain(e.expertId);
    }
  });

  it('a failure without the exemption writes integrity records, which a later application by the same leader shows', async () => {
    const line = award.lines[0];
    await readyForAcceptance();
    const res = await requestFor(0);
    expect(res.status).toBe(201);
    const decided = await t.http
      .post(api(`/acceptances/${res.body.id}/decide`))
      .set(admin.headers)
      .send({
        outcome: 'failed',
        reason: '核心指标临界电流未达到任务书要求',
        issuerOpinion: '发榜方认为未达到预期',
        closeReason: '专家组现场一致意见，书面意见免于逐项提交',
      });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: 'failed', outcome: 'failed', dueDiligenceExemption: false });
    expect((await projectStatus(line.projectId)).status).toBe('failed');
    const records = await integrityRows(res.body.id);
    expect(records).toEqual([
      expect.objectContaining({ subject_type: 'organization', subject_id: line.bidder.organizationId }),
      expect.objectContaining({ subject_type: 'user', subject_id: line.team.leader.userId }),
    ]);

    const listed = await t.http
      .get(api('/integrity-records'))
      .query({ subjectType: 'user', subjectId: line.team.leader.userId })
      .set(admin.headers);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ subjectType: 'user', sourceType: 'acceptance', sourceId: res.body.id }),
    ]);
    expect(listed.body.nextCursor).toBeNull();
    const page1 = await t.http.get(api('/integrity-records')).query({ limit: 1 }).set(admin.headers);
    expect(page1.body.items).toHaveLength(1);
    const page2 = await t.http
      .get(api('/integrity-records'))
      .query({ limit: 1, cursor: page1.body.nextCursor })
      .set(admin.headers);
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.items[0].id).not.toBe(page1.body.items[0].id);
    expect((await t.http.get(api('/integrity-records')).set(line.bidder.headers)).status).toBe(403);

    // A later bid led by the same leader: the formal check's rule results show the record.
    const now = t.clock.now().getTime();
    const later = (await publishChallenge(t, award.issuer, admin, award.programId, {
      opensAt: new Date(now - 60 * 60 * 1000).toISOString(),
      closesAt: new Date(now + 10 * DAY).toISOString(),
    })) as unknown as Listed;
    const team = await createTeam(t, line.bidder, { name: '再次揭榜团队' }, line.team.leader);
    const bid = await submittedBid(t, line.bidder, later, team);
    const rule = (bid.ruleResults as Array<{ rule: string; outcome: string; detail: string }>).find(
      (r) => r.rule === 'integrity_record',
    );
    expect(rule).toMatchObject({ outcome: 'warn', detail: expect.stringContaining('验收不通过') });
    expect(rule?.detail).toContain('leader');
    expect(rule?.detail).toContain('lead organization');
  });

  it('a failure with the due-diligence exemption (尽职免责) writes no record', async () => {
    await readyForAcceptance();
    const res = await requestFor(0);
    expect(res.status).toBe(201);
    const withExemption = await t.http
      .post(api(`/acceptances/${res.body.id}/decide`))
      .set(admin.headers)
      .send({
        outcome: 'passed',
        reason: 'x',
        issuerOpinion: 'y',
        dueDiligenceExemption: true,
        closeReason: 'z',
      });
    expect(withExemption.status).toBe(400);
    const decided = await t.http
      .post(api(`/acceptances/${res.body.id}/decide`))
      .set(admin.headers)
      .send({
        outcome: 'failed',
        reason: '技术路线存在不可预见的不确定性，团队已勤勉尽责',
        issuerOpinion: '发榜方同意尽职免责',
        dueDiligenceExemption: true,
        closeReason: '专家组现场一致意见',
      });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: 'failed', dueDiligenceExemption: true });
    expect((await projectStatus(award.lines[0].projectId)).status).toBe('failed');
    expect(await integrityRows(res.body.id)).toEqual([]);
    const [event] = await outboxEvents(t, 'acceptance.decided', award.lines[0].projectId);
    expect(event.data).toMatchObject({ outcome: 'failed', exemption: true });
  });

  it('passed with conditions: unconfirmed at the due date, the worker’s job fails it and writes the records', async () => {
    const line = award.lines[0];
    await readyForAcceptance();
    const res = await requestFor(0);
    expect(res.status).toBe(201);
    const dueAt = new Date(t.clock.now().getTime() + 30 * DAY).toISOString();
    const missingDue = await t.http
      .post(api(`/acceptances/${res.body.id}/decide`))
      .set(admin.headers)
      .send({
        outcome: 'passed_with_conditions',
        reason: 'x',
        issuerOpinion: 'y',
        conditions: 'z',
        closeReason: 'c',
      });
    expect(missingDue.status).toBe(400);
    const decided = await t.http
      .post(api(`/acceptances/${res.body.id}/decide`))
      .set(admin.headers)
      .send({
        outcome: 'passed_with_conditions',
        reason: '主要指标达标，可靠性试验报告待补充',
        issuerOpinion: '发榜方同意有条件通过',
        conditions: '补充 1000 小时可靠性试验报告',
        conditionsDueAt: dueAt,
        closeReason: '专家组现场一致意见',
      });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: 'conditional', outcome: 'passed_with_conditions' });
    expect((await projectStatus(line.projectId)).status).toBe('acceptance_requested');

    // Reminders before the due date (program offsets 7 days and 1 day), once each.
    const reminderAt = new Date(new Date(dueAt).getTime() - 24 * 3_600_000);
    const reminders = await t.dataSource.query<Array<{ kind: string; due_at: Date }>>(
      `SELECT kind, due_at FROM deadlines WHERE entity_id = $1 AND kind LIKE 'acceptance.conditions_reminder@%' AND status = 'pending' ORDER BY kind`,
      [res.body.id],
    );
    expect(reminders.map((r) => r.kind)).toEqual([
      'acceptance.conditions_reminder@168h',
      'acceptance.conditions_reminder@24h',
    ]);
    await award.travel(reminderAt);
    const reminderJob = await t.get(JobQueue).getJob(
      JobName.RunDeadline,
      deadlineJobId({
        entityType: 'acceptance',
        entityId: res.body.id,
        kind: 'acceptance.conditions_reminder@24h',
        dueAt: reminderAt,
      }),
    );
    expect(reminderJob).toBeDefined();
    if ((await reminderJob!.getState()) === 'delayed') await reminderJob!.promote();
    await waitFor(
      async () => (await outboxEvents(t, 'acceptance.conditions_due_soon', line.projectId)).length === 1,
      {
        what: 'the reminder before the conditions are due',
      },
    );
    expect((await outboxEvents(t, 'acceptance.conditions_due_soon', line.projectId))[0].data).toMatchObject({
      acceptanceId: res.body.id,
      hoursBefore: 24,
      conditionsDueAt: dueAt,
    });

    await award.travel(dueAt);
    const late = await t.http
      .post(api(`/acceptances/${res.body.id}/conditions`))
      .set(admin.headers)
      .send({ met: true, reason: '已补充' });
    expect(late.status).toBe(422);
    expect(late.body.code).toBe('DEADLINE_PASSED');

    const job = await t.get(JobQueue).getJob(
      JobName.RunDeadline,
      deadlineJobId({
        entityType: 'acceptance',
        entityId: res.body.id,
        kind: 'acceptance.conditions_due',
        dueAt: new Date(dueAt),
      }),
    );
    expect(job).toBeDefined();
    if ((await job!.getState()) === 'delayed') await job!.promote();
    await waitFor(async () => (await projectStatus(line.projectId)).status === 'failed', {
      what: 'the conditions-due job',
    });
    const seen = await t.http.get(api(`/acceptances/${res.body.id}`)).set(line.bidder.headers);
    expect(seen.body).toMatchObject({
      status: 'failed',
      conditionsResolution: 'expired',
      dueDiligenceExemption: false,
    });
    expect(await integrityRows(res.body.id)).toHaveLength(2);
    const [deadline] = await t.dataSource.query(
      `SELECT status FROM deadlines WHERE entity_id = $1 AND kind = 'acceptance.conditions_due'`,
      [res.body.id],
    );
    expect(deadline.status).toBe('done');
    const events = await outboxEvents(t, 'acceptance.decided', line.projectId);
    expect(events.map((e) => (e.data as { outcome: string }).outcome).sort()).toEqual([
      'failed',
      'passed_with_conditions',
    ]);
  });

  it('hides the acceptance from an unrelated organization and a losing applicant (404)', async () => {
    const id = await requestedAcceptance();
    const projectId = award.lines[0].projectId;
    for (const outsider of [stranger, award.losers[0], award.lines[1].bidder]) {
      expect((await t.http.get(api(`/acceptances/${id}`)).set(outsider.headers)).status).toBe(404);
      expect((await t.http.get(api(`/projects/${projectId}/acceptance`)).set(outsider.headers)).status).toBe(
        404,
      );
    }
    expect((await t.http.get(api(`/acceptances/${id}`)).set(award.issuer.headers)).status).toBe(200);
    expect((await t.http.get(api(`/acceptances/${id}`)).set(award.lines[0].bidder.headers)).status).toBe(200);
  });
});
