import { DAY, promoteJob } from '../support/challenges';
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
import { AwardedList, awardedList } from '../support/projects';
import { createTestApp, TestApp } from '../support/test-app';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';
import { deadlineJobId } from '../../src/infra/scheduler/deadline-job';
import { JobQueue } from '../../src/infra/queue/job-queue.service';
import { JobName } from '../../src/infra/queue/queue.constants';
import { MilestonesService } from '../../src/modules/delivery/projects/milestones.service';

const OVERDUE = 'project_milestone.overdue';
/** The program's default reminder offsets (7 days, 1 day before). */
const REMINDERS = ['project_milestone.due_reminder@168h', 'project_milestone.due_reminder@24h'];
const HOUR = 3_600_000;

interface Milestone {
  id: string;
  position: number;
  dueAt: string | null;
  status: string;
  overdueAt: string | null;
  reportsSubmitted: number;
}

/** The delayed job of a milestone deadline at a time: promoted to run now (false when there is none). */
function promoteMilestoneDeadline(
  jobs: JobQueue,
  milestoneId: string,
  dueAt: Date | string,
  kind = OVERDUE,
): Promise<boolean> {
  return promoteJob(jobs, {
    entityType: 'project_milestone',
    entityId: milestoneId,
    kind,
    dueAt: new Date(dueAt),
  });
}

describe('projects (立项): task book, milestones, change requests, stage gates', () => {
  let t: TestApp;
  let worker: TestWorker;
  let admin: Actor;
  let issuer: Actor;

  beforeAll(async () => {
    t = await createTestApp();
    worker = await startTestWorker(t.environment, t.clock);
    admin = await createAdmin(t);
    issuer = await registerOrg(t, { role: 'issuer', type: 'enterprise', name: '江西电网发榜集团' });
  });

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  /**
   * A list awarded for this test alone (awardedList retires the experts of earlier lists through
   * the API before its panel draw), with the suite's admin and issuer.
   */
  const award = async (options: Parameters<typeof awardedList>[1] = {}) => {
    // Tokens expire by the clock, which earlier tests moved: sign the shared actors in again.
    for (const actor of [admin, issuer, ...(options.issuer ? [options.issuer] : [])]) {
      const tokens = await login(t, actor.email);
      Object.assign(actor, { accessToken: tokens.accessToken, headers: bearer(tokens.accessToken) });
    }
    return awardedList(t, { admin, issuer, ...options });
  };
  const sign = (actor: Actor, projectId: string) =>
    t.http.post(`/api/v1/projects/${projectId}/sign`).set(actor.headers);
  const signAll = async (a: AwardedList, index = 0) => {
    const line = a.lines[index];
    for (const actor of [a.issuer, line.bidder, a.admin])
      expect((await sign(actor, line.projectId)).status).toBe(200);
    const res = await t.http.get(`/api/v1/projects/${line.projectId}`).set(a.admin.headers);
    expect(res.body.status).toBe('active');
    return res.body as { milestones: Milestone[]; taskBook: { indicators: Array<{ indicatorId: string }> } };
  };
  const upload = async (actor: Actor, text = '阶段检测报告') => {
    const res = await t.http
      .post('/api/v1/attachments')
      .set(actor.headers)
      .attach('file', Buffer.from(text, 'utf8'), { filename: '检测报告.txt', contentType: 'text/plain' });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const report = async (actor: Actor, milestoneId: string, indicatorId: string, evidence: string[]) =>
    t.http
      .post(`/api/v1/milestones/${milestoneId}/reports`)
      .set(actor.headers)
      .send({
        summary: '完成带材制备，临界电流达到阶段目标',
        indicatorProgress: [{ indicatorId, progress: '已达 480 A' }],
        evidenceAttachmentIds: evidence,
      });
  const assess = (milestoneId: string, outcome: string) =>
    t.http
      .post(`/api/v1/milestones/${milestoneId}/assessment`)
      .set(admin.headers)
      .send({ outcome, opinion: '专家组评估意见', issuerOpinion: '发榜方同意评估意见' });

  it('three signatures activate the project: two are not enough, signing twice is harmless and audited once, a wrong party is refused', async () => {
    const a = await award();
    const line = a.lines[0];
    const nonSigner = a.track(await createUser(t, line.bidder.organizationId, ['expert']));

    const first = await sign(a.issuer, line.projectId);
    expect(first.status).toBe(200);
    expect(first.body.signatures).toEqual([
      expect.objectContaining({ party: 'issuer', userId: a.issuer.userId }),
    ]);
    const again = await sign(a.issuer, line.projectId);
    expect(again.status).toBe(200);
    expect(again.body.version).toBe(first.body.version);
    expect(await auditRows(t, 'project.signed', line.projectId)).toHaveLength(1);

    // A user of the lead organization without the applicant role signs for no party; a loser sees nothing.
    expect((await sign(nonSigner, line.projectId)).status).toBe(403);
    expect((await sign(a.losers[0], line.projectId)).status).toBe(404);

    const second = await sign(line.bidder, line.projectId);
    expect(second.status).toBe(200);
    expect(second.body.status).toBe('pending_signature');
    expect(second.body.signatures.map((s: { party: string }) => s.party).sort()).toEqual([
      'applicant',
      'issuer',
    ]);
    expect(second.body.milestones.every((m: Milestone) => m.dueAt === null)).toBe(true);

    const third = await sign(a.admin, line.projectId);
    expect(third.status).toBe(200);
    expect(third.body.status).toBe('active');
    expect(third.body.activatedAt).toBe(t.clock.now().toISOString());
    expect(third.body.amounts.fiscalFen + third.body.amounts.issuerFen).toBe(third.body.amounts.totalFen);
    const milestones = third.body.milestones as Milestone[];
    expect(milestones.length).toBeGreaterThan(0);
    for (const m of milestones) {
      expect(m.dueAt).not.toBeNull();
      // End of the day in Asia/Shanghai: 15:59:59.999Z.
      expect(m.dueAt).toMatch(/T15:59:59\.999Z$/);
      const [deadline] = await t.dataSource.query(
        `SELECT due_at, status FROM deadlines WHERE entity_type = 'project_milestone' AND entity_id = $1 AND kind = $2`,
        [m.id, OVERDUE],
      );
      expect(deadline.status).toBe('pending');
      expect(new Date(deadline.due_at).toISOString()).toBe(m.dueAt);
    }
    expect(await outboxEvents(t, 'project.activated', line.projectId)).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({
          issuerOrganizationId: a.issuer.organizationId,
          leadOrganizationId: line.bidder.organizationId,
        }),
      }),
    ]);
    // Signing once more after activation is still harmless.
    expect((await sign(a.issuer, line.projectId)).status).toBe(200);
    expect(await auditRows(t, 'project.activated', line.projectId)).toHaveLength(1);
    expect(await auditRows(t, 'project.signed', line.projectId)).toHaveLength(3);
  });

  it('a milestone report is assessed passed; evidence of another organization is refused', async () => {
    const a = await award();
    const line = a.lines[0];
    const project = await signAll(a);
    const [m0] = project.milestones;
    const indicatorId = project.taskBook.indicators[0].indicatorId;

    const foreign = await upload(a.issuer);
    expect((await report(line.bidder, m0.id, indicatorId, [foreign])).status).toBe(400);
    // The issuer is a party but does not report.
    expect((await report(a.issuer, m0.id, indicatorId, [])).status).toBe(403);

    const reminderStatus = async () =>
      (
        await t.dataSource.query<Array<{ kind: string; status: string }>>(
          `SELECT kind, status FROM deadlines WHERE entity_id = $1 AND kind LIKE 'project_milestone.due_reminder@%' ORDER BY kind`,
          [m0.id],
        )
      ).map((d) => `${d.kind}:${d.status}`);
    expect(await reminderStatus()).toEqual([`${REMINDERS[0]}:pending`, `${REMINDERS[1]}:pending`]);
    const evidence = await upload(line.bidder);
    const submitted = await report(line.bidder, m0.id, indicatorId, [evidence]);
    expect(submitted.status).toBe(201);
    // Reported: the reminders before the due time are moot.
    expect(await reminderStatus()).toEqual([`${REMINDERS[0]}:cancelled`, `${REMINDERS[1]}:cancelled`]);
    expect(submitted.body).toMatchObject({ status: 'submitted', reportsSubmitted: 1 });
    expect((await report(line.bidder, m0.id, indicatorId, [evidence])).status).toBe(409);

    const assessed = await assess(m0.id, 'passed');
    expect(assessed.status).toBe(200);
    expect(assessed.body.status).toBe('passed');
    expect(assessed.body.reports[0].assessment).toMatchObject({
      outcome: 'passed',
      issuerOpinion: '发榜方同意评估意见',
    });
    expect((await assess(m0.id, 'failed')).status).toBe(409);
    expect(await outboxEvents(t, 'milestone.submitted', line.projectId)).toHaveLength(1);
    expect(await outboxEvents(t, 'milestone.assessed', line.projectId)).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ outcome: 'passed', milestoneId: m0.id }) }),
    ]);
    const listed = await t.http.get(`/api/v1/projects/${line.projectId}/milestones`).set(a.issuer.headers);
    expect(listed.status).toBe(200);
    expect(listed.body.items[0]).toMatchObject({ id: m0.id, status: 'passed' });
  });

  it('a failed milestone may be resubmitted once (program default), then a further report is 422', async () => {
    const a = await award();
    const line = a.lines[0];
    const project = await signAll(a);
    const [m0] = project.milestones;
    const indicatorId = project.taskBook.indicators[0].indicatorId;

    expect((await report(line.bidder, m0.id, indicatorId, [])).status).toBe(201);
    expect((await assess(m0.id, 'failed')).body.status).toBe('failed');
    const resubmitted = await report(line.bidder, m0.id, indicatorId, []);
    expect(resubmitted.status).toBe(201);
    expect(resubmitted.body).toMatchObject({ status: 'submitted', reportsSubmitted: 2 });
    expect((await assess(m0.id, 'failed')).body.status).toBe('failed');
    const refused = await report(line.bidder, m0.id, indicatorId, []);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('BUSINESS_RULE_VIOLATION');
    const reports = await t.dataSource.query(
      `SELECT attempt FROM milestone_reports WHERE milestone_id = $1`,
      [m0.id],
    );
    expect(reports).toHaveLength(2);
  });

  it('an approved extension moves the milestone’s overdue job and its reminders: the old times no longer fire, the new ones do once; the task book has 2 versions', async () => {
    const a = await award();
    const line = a.lines[0];
    const project = await signAll(a);
    const [m0] = project.milestones;
    const oldDue = new Date(m0.dueAt as string);
    const newDue = new Date(oldDue.getTime() + 30 * DAY);
    const jobs = t.get(JobQueue);
    const oldJobId = deadlineJobId({
      entityType: 'project_milestone',
      entityId: m0.id,
      kind: OVERDUE,
      dueAt: oldDue,
    });
    await waitFor(async () => (await jobs.getJob(JobName.RunDeadline, oldJobId)) !== undefined, {
      what: 'the overdue job at the first due time',
    });
    const reminders = async () =>
      t.dataSource.query<Array<{ kind: string; due_at: Date; status: string }>>(
        `SELECT kind, due_at, status FROM deadlines WHERE entity_id = $1 AND kind LIKE 'project_milestone.due_reminder@%' ORDER BY kind`,
        [m0.id],
      );
    expect((await reminders()).map((r) => [r.kind, r.due_at.toISOString(), r.status])).toEqual([
      [REMINDERS[0], new Date(oldDue.getTime() - 168 * HOUR).toISOString(), 'pending'],
      [REMINDERS[1], new Date(oldDue.getTime() - 24 * HOUR).toISOString(), 'pending'],
    ]);

    // Not before activation's milestones exist, not earlier than the current due time.
    const earlier = await t.http
      .post(`/api/v1/projects/${line.projectId}/change-requests`)
      .set(line.bidder.headers)
      .send({
        kind: 'extension',
        milestoneId: m0.id,
        newDueAt: new Date(oldDue.getTime() - DAY).toISOString(),
        reason: '提前',
      });
    expect(earlier.status).toBe(422);
    const lodged = await t.http
      .post(`/api/v1/projects/${line.projectId}/change-requests`)
      .set(line.bidder.headers)
      .send({
        kind: 'extension',
        milestoneId: m0.id,
        newDueAt: newDue.toISOString(),
        reason: '设备到货延迟',
      });
    expect(lodged.status).toBe(201);
    expect(lodged.body).toMatchObject({ status: 'pending', kind: 'extension', milestoneId: m0.id });
    const decided = await t.http
      .post(`/api/v1/change-requests/${lodged.body.id}/decide`)
      .set(a.admin.headers)
      .send({ decision: 'approved', reason: '理由充分', issuerOpinion: '发榜方同意延期' });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: 'approved', taskBookVersion: 2 });
    expect(
      (
        await t.http
          .post(`/api/v1/change-requests/${lodged.body.id}/decide`)
          .set(a.admin.headers)
          .send({ decision: 'rejected', reason: '再议', issuerOpinion: '无' })
      ).status,
    ).toBe(409);

    const [deadline] = await t.dataSource.query(
      `SELECT due_at, status FROM deadlines WHERE entity_type = 'project_milestone' AND entity_id = $1 AND kind = $2`,
      [m0.id, OVERDUE],
    );
    expect(deadline.status).toBe('pending');
    expect(new Date(deadline.due_at).toISOString()).toBe(newDue.toISOString());
    await waitFor(async () => (await jobs.getJob(JobName.RunDeadline, oldJobId)) === undefined, {
      what: 'the old overdue job removed',
    });
    expect((await reminders()).map((r) => [r.kind, r.due_at.toISOString(), r.status])).toEqual([
      [REMINDERS[0], new Date(newDue.getTime() - 168 * HOUR).toISOString(), 'pending'],
      [REMINDERS[1], new Date(newDue.getTime() - 24 * HOUR).toISOString(), 'pending'],
    ]);
    await waitFor(
      async () =>
        !(await jobs.getJob(
          JobName.RunDeadline,
          deadlineJobId({
            entityType: 'project_milestone',
            entityId: m0.id,
            kind: REMINDERS[1],
            dueAt: new Date(oldDue.getTime() - 24 * HOUR),
          }),
        )),
      { what: 'the old reminder job removed' },
    );

    // The old due time passes: no job there any more, nothing is marked.
    await a.travel(new Date(oldDue.getTime() + 60_000));
    expect(await promoteMilestoneDeadline(jobs, m0.id, oldDue)).toBe(false);
    const [still] = await t.dataSource.query(`SELECT overdue_at FROM project_milestones WHERE id = $1`, [
      m0.id,
    ]);
    expect(still.overdue_at).toBeNull();

    // The reminders fire before the new due time, once each.
    await a.travel(new Date(newDue.getTime() - 24 * HOUR + 1000));
    expect(
      await promoteMilestoneDeadline(jobs, m0.id, new Date(newDue.getTime() - 168 * HOUR), REMINDERS[0]),
    ).toBe(true);
    expect(
      await promoteMilestoneDeadline(jobs, m0.id, new Date(newDue.getTime() - 24 * HOUR), REMINDERS[1]),
    ).toBe(true);
    await waitFor(async () => (await outboxEvents(t, 'milestone.due_soon', line.projectId)).length === 2, {
      what: 'two reminders',
    });
    expect(
      (await outboxEvents(t, 'milestone.due_soon', line.projectId)).map((e) => [
        e.data.hoursBefore,
        e.data.dueAt,
      ]),
    ).toEqual(
      expect.arrayContaining([
        [168, newDue.toISOString()],
        [24, newDue.toISOString()],
      ]),
    );
    expect((await reminders()).map((r) => r.status)).toEqual(['done', 'done']);

    // The new due time fires once.
    await a.travel(new Date(newDue.getTime() + 1000));
    expect(await promoteMilestoneDeadline(jobs, m0.id, newDue)).toBe(true);
    await waitFor(
      async () =>
        (await t.dataSource.query(`SELECT overdue_at FROM project_milestones WHERE id = $1`, [m0.id]))[0]
          .overdue_at,
      { what: 'the milestone marked overdue' },
    );
    const again = await t.dataSource.transaction((em) => t.get(MilestonesService).markOverdue(em, m0.id));
    expect(again).toBe(false);
    expect(await outboxEvents(t, 'milestone.overdue', line.projectId)).toHaveLength(1);

    const versions = await t.http
      .get(`/api/v1/projects/${line.projectId}/task-book/versions`)
      .set(a.issuer.headers);
    expect(versions.status).toBe(200);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(versions.body.items[1]).toMatchObject({ changeRequestId: lodged.body.id });
    expect(versions.body.items[1].taskBook.milestones[0].dueAt).toBe(newDue.toISOString());
    const detail = await t.http.get(`/api/v1/projects/${line.projectId}`).set(line.bidder.headers);
    expect(detail.body.taskBookVersion).toBe(2);
    const list = await t.http.get(`/api/v1/projects/${line.projectId}/change-requests`).set(a.issuer.headers);
    expect(list.body.items).toEqual([expect.objectContaining({ id: lodged.body.id, status: 'approved' })]);
  });

  it('a party of another project and a losing applicant get 404 on every project URL', async () => {
    const a = await award();
    const other = await award({ issuer: await registerOrg(t, { role: 'issuer', type: 'enterprise' }) });
    await a.travel(t.clock.now());
    const line = a.lines[0];
    const project = await signAll(a);
    const m0 = project.milestones[0];
    const lodged = await t.http
      .post(`/api/v1/projects/${line.projectId}/change-requests`)
      .set(line.bidder.headers)
      .send({
        kind: 'indicator_change',
        indicatorId: project.taskBook.indicators[0].indicatorId,
        committedValue: '≥ 520',
        reason: '上调',
      });
    expect(lodged.status).toBe(201);

    const strangers = [a.losers[0], other.lines[0].bidder, other.issuer];
    for (const stranger of strangers) {
      const p = `/api/v1/projects/${line.projectId}`;
      const answers = [
        await t.http.get(p).set(stranger.headers),
        await t.http.get(`${p}/milestones`).set(stranger.headers),
        await t.http.get(`${p}/change-requests`).set(stranger.headers),
        await t.http.get(`${p}/task-book/versions`).set(stranger.headers),
        await t.http.get(`/api/v1/change-requests/${lodged.body.id}`).set(stranger.headers),
        await t.http.post(`${p}/sign`).set(stranger.headers),
      ];
      if (stranger.roles.includes('applicant')) {
        answers.push(
          await report(stranger, m0.id, project.taskBook.indicators[0].indicatorId, []),
          await t.http
            .post(`${p}/change-requests`)
            .set(stranger.headers)
            .send({
              kind: 'member_change',
              members: [
                { name: '王工', title: '高工', role: '骨干', organizationId: stranger.organizationId },
              ],
              reason: '换人',
            }),
        );
      }
      expect(answers.map((r) => r.status)).toEqual(answers.map(() => 404));
      const listed = await t.http.get('/api/v1/projects').set(stranger.headers);
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((x: { id: string }) => x.id)).not.toContain(line.projectId);
    }
    // The parties see it in their lists.
    for (const party of [a.issuer, line.bidder]) {
      const listed = await t.http
        .get('/api/v1/projects')
        .query({ challengeId: a.list.id })
        .set(party.headers);
      expect(listed.body.items.map((x: { id: string }) => x.id)).toEqual([line.projectId]);
    }
  });

  it('horse race: the stage gate needs every active line assessed, terminates one line, the other goes on', async () => {
    const a = await award({ winners: 2 });
    const [l1, l2] = a.lines;
    const p1 = await signAll(a, 0);
    const p2 = await signAll(a, 1);
    const gate = (body: Record<string, unknown>) =>
      t.http.post(`/api/v1/challenges/${a.list.id}/stage-gate`).set(a.admin.headers).send(body);
    const decisions = [
      { projectId: l1.projectId, outcome: 'continue', reason: '进展良好' },
      { projectId: l2.projectId, outcome: 'terminate', reason: '阶段指标落后' },
    ];

    for (const [line, p] of [
      [l1, p1],
      [l2, p2],
    ] as const) {
      expect(
        (await report(line.bidder, p.milestones[0].id, p.taskBook.indicators[0].indicatorId, [])).status,
      ).toBe(201);
    }
    expect((await assess(p1.milestones[0].id, 'passed')).status).toBe(200);
    // A position no task book can have (an application has at most 20 milestones) is refused by validation.
    const beyond = await gate({ milestonePosition: 20, decisions });
    expect(beyond.status).toBe(400);
    expect(beyond.body.errors.map((e: { field: string }) => e.field)).toEqual(['milestonePosition']);
    const early = await gate({ milestonePosition: 0, decisions });
    expect(early.status).toBe(422);
    expect(early.body.unassessedProjectIds ?? early.body.detail).toBeDefined();
    expect((await assess(p2.milestones[0].id, 'conditionally_passed')).status).toBe(200);
    expect((await gate({ milestonePosition: 0, decisions: [decisions[0]] })).status).toBe(422);

    // Line 2 was paid its first fiscal tranche before the gate.
    type Tranche = {
      id: string;
      payer: string;
      kind: string;
      milestonePosition: number | null;
      amountFen: number;
      status: string;
    };
    const tranches = async (projectId: string) =>
      (await t.http.get(`/api/v1/projects/${projectId}/payments`).set(a.admin.headers)).body
        .items as Tranche[];
    const firstFiscal = (await tranches(l2.projectId)).find(
      (p) => p.payer === 'fiscal' && p.kind === 'first',
    )!;
    expect(
      (
        await t.http
          .post(`/api/v1/payments/${firstFiscal.id}/confirm`)
          .set(a.admin.headers)
          .set('Idempotency-Key', `gate-${firstFiscal.id}`)
      ).status,
    ).toBe(200);
    const [budget] = await t.dataSource.query(`SELECT fiscal_fen, issuer_fen FROM projects WHERE id = $1`, [
      l2.projectId,
    ]);

    const held = await gate({ milestonePosition: 0, decisions });
    expect(held.status).toBe(201);
    // Released: what the terminated line was not paid, per payer.
    const releasedFiscal = Number(budget.fiscal_fen) - firstFiscal.amountFen;
    const releasedIssuer = Number(budget.issuer_fen);
    expect(held.body.decisions).toEqual([
      expect.objectContaining({ projectId: l1.projectId, outcome: 'continue' }),
      expect.objectContaining({
        projectId: l2.projectId,
        outcome: 'terminate',
        releasedFiscalFen: releasedFiscal,
        releasedIssuerFen: releasedIssuer,
      }),
    ]);
    // Its unpaid tranches are cancelled; the paid one stays paid.
    const after = await tranches(l2.projectId);
    expect(after.length).toBeGreaterThan(1);
    for (const p of after) expect(p.status).toBe(p.id === firstFiscal.id ? 'paid' : 'cancelled');
    // The challenge's ledger records the release of each payer.
    const ledger = await t.http.get(`/api/v1/challenges/${a.list.id}/ledger?limit=100`).set(a.issuer.headers);
    expect(ledger.status).toBe(200);
    expect(
      (ledger.body.items as Array<{ kind: string; projectId: string; payer: string; amountFen: number }>)
        .filter((e) => e.kind === 'released')
        .map((e) => [e.projectId, e.payer, e.amountFen])
        .sort(),
    ).toEqual(
      [
        [l2.projectId, 'fiscal', releasedFiscal],
        [l2.projectId, 'issuer', releasedIssuer],
      ].sort(),
    );
    // The other line goes on: its passed milestone's tranche is approved.
    const goesOn = (await tranches(l1.projectId)).find(
      (p) => p.payer === 'fiscal' && p.milestonePosition === 0,
    )!;
    expect((await t.http.post(`/api/v1/payments/${goesOn.id}/approve`).set(a.admin.headers)).status).toBe(
      200,
    );
    const status = async (id: string) =>
      (await t.http.get(`/api/v1/projects/${id}`).set(a.admin.headers)).body.status as string;
    expect(await status(l1.projectId)).toBe('active');
    expect(await status(l2.projectId)).toBe('terminated');
    const deadlines = await t.dataSource.query(
      `SELECT entity_id, status FROM deadlines WHERE entity_type = 'project_milestone' AND entity_id = ANY($1)`,
      [p2.milestones.map((m) => m.id)],
    );
    // Each milestone's overdue deadline and its two reminders.
    expect(deadlines).toHaveLength(p2.milestones.length * 3);
    expect(deadlines.map((d: { status: string }) => d.status)).toEqual(deadlines.map(() => 'cancelled'));
    expect(await outboxEvents(t, 'project.terminated', l2.projectId)).toHaveLength(1);
    expect(await outboxEvents(t, 'project.terminated', l1.projectId)).toHaveLength(0);
    expect(await auditRows(t, 'stage_gate.decided', a.list.id)).toHaveLength(1);
    expect((await gate({ milestonePosition: 0, decisions: [decisions[0]] })).status).toBe(409);
  });

  it('suspend, resume and terminate follow the state machine; illegal moves are 409', async () => {
    const a = await award();
    const id = a.lines[0].projectId;
    const act = (verb: string, body: Record<string, unknown> = {}) =>
      t.http.post(`/api/v1/projects/${id}/${verb}`).set(a.admin.headers).send(body);

    expect((await act('resume')).status).toBe(409);
    expect(
      (await t.http.post(`/api/v1/projects/${id}/suspend`).set(a.issuer.headers).send({ reason: 'x' }))
        .status,
    ).toBe(403);
    const suspended = await act('suspend', { reason: '核查经费使用' });
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({
      status: 'suspended',
      suspendedFrom: 'pending_signature',
      statusReason: '核查经费使用',
    });
    expect((await act('suspend', { reason: '再次' })).status).toBe(409);
    expect((await sign(a.issuer, id)).status).toBe(409);
    const stale = await t.http
      .post(`/api/v1/projects/${id}/resume`)
      .set(a.admin.headers)
      .set('If-Match', `"${suspended.body.version - 1}"`);
    expect(stale.status).toBe(409);
    const resumed = await act('resume');
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ status: 'pending_signature', suspendedFrom: null });

    await signAll(a);
    expect((await act('suspend', { reason: '暂停' })).body.status).toBe('suspended');
    expect((await act('resume')).body.status).toBe('active');
    const terminated = await act('terminate', { reason: '严重违约' });
    expect(terminated.status).toBe(200);
    expect(terminated.body).toMatchObject({ status: 'terminated', statusReason: '严重违约' });
    expect(terminated.body.closedAt).not.toBeNull();
    for (const verb of ['terminate', 'suspend', 'resume']) {
      const res = await act(verb, verb === 'resume' ? {} : { reason: '再次' });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('INVALID_STATE_TRANSITION');
    }
    expect(await outboxEvents(t, 'project.terminated', id)).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({
          reason: '严重违约',
          leadOrganizationId: a.lines[0].bidder.organizationId,
        }),
      }),
    ]);
  });
});
