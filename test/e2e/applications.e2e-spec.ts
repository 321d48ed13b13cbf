import { randomUUID } from 'node:crypto';
import {
  bidBody,
  createTeam,
  draftBid,
  Listed,
  pledge,
  submittedBid,
  TestTeam,
} from '../support/applications';
import { createProgram, DAY, publishChallenge } from '../support/challenges';
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
import { TestContext } from '../support/context';
import { countQueries } from '../support/query-count';
import { createTestApp, TestApp } from '../support/test-app';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';

const fields = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((e) => e.field);

describe('applications (揭榜)', () => {
  let t: TestApp;
  let worker: TestWorker;
  let admin: Actor;
  let issuer: Actor;
  let applicant: Actor;
  let partner: Actor;
  let rival: Actor;
  let programId: string;

  const START = '2027-03-01T02:00:00.000Z';
  const everyone = () => [admin, issuer, applicant, partner, rival];
  // Team leaders made by createTeam sign in again only where a test needs them after travelling.
  const travel = async (to: Date | string, actors: Actor[] = everyone()) => {
    t.clock.set(to);
    for (const actor of actors) {
      const tokens = await login(t, actor.email);
      actor.accessToken = tokens.accessToken;
      actor.headers = bearer(tokens.accessToken);
    }
  };
  /** A published challenge that is open now (opensAt an hour ago by the test clock). */
  const openList = async (overrides: Record<string, unknown> = {}): Promise<Listed> => {
    const now = t.clock.now().getTime();
    return (await publishChallenge(t, issuer, admin, programId, {
      opensAt: new Date(now - 60 * 60 * 1000).toISOString(),
      closesAt: new Date(now + 10 * DAY).toISOString(),
      ...overrides,
    })) as unknown as Listed;
  };
  const notificationsOf = async (actor: Actor) => {
    const res = await t.http.get('/api/v1/notifications').query({ limit: 100 }).set(actor.headers);
    return res.body.items as Array<{ kind: string; body: string }>;
  };

  beforeAll(async () => {
    t = await createTestApp();
    worker = await startTestWorker(t.environment, t.clock);
    admin = await createAdmin(t);
    issuer = await registerOrg(t, { role: 'issuer' });
    applicant = await registerOrg(t, { role: 'applicant', type: 'university', name: '南昌大学' });
    partner = await registerOrg(t, { role: 'applicant', type: 'enterprise', name: '江西某材料公司' });
    rival = await registerOrg(t, { role: 'applicant', type: 'research_institute', name: '江西省科学院' });
    programId = await createProgram(t, admin);
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });
  afterEach(async () => {
    if (t.clock.now().toISOString() !== START) await travel(START);
  });

  it('happy path: a two-organization consortium drafts, pledges, submits, and is found eligible', async () => {
    const list = await openList();
    const team = await createTeam(t, applicant, {
      leadSharePercent: 60,
      consortium: [{ organizationId: partner.organizationId, role: '样机制造', sharePercent: 40 }],
      members: [
        { name: '王教授', title: '教授', role: '技术负责人', organizationId: applicant.organizationId },
        { name: '赵工', title: '高级工程师', role: '工艺', organizationId: partner.organizationId },
      ],
    });
    const draft = await draftBid(t, applicant, list, team.id);
    expect(draft).toMatchObject({ status: 'draft', pledge: null, version: 1 });
    expect(draft.indicatorCommitments).toHaveLength(list.indicators.length);

    const noPledge = await t.http.post(`/api/v1/applications/${draft.id}/submit`).set(applicant.headers);
    expect(noPledge.status).toBe(422);
    expect(fields(noPledge.body)).toEqual(['pledge']);

    expect(
      (
        await t.http
          .post(`/api/v1/applications/${draft.id}/pledge`)
          .set(applicant.headers)
          .send({ accepted: true })
      ).status,
    ).toBe(403);
    const version = await pledge(t, team.leader, draft.id);
    const submitted = await t.http
      .post(`/api/v1/applications/${draft.id}/submit`)
      .set({ ...applicant.headers, 'If-Match': `"${version}"` });
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'submitted', submittedAt: t.clock.now().toISOString() });
    expect(submitted.body.ruleResults.every((r: { outcome: string }) => r.outcome === 'pass')).toBe(true);
    await waitFor(
      async () => (await notificationsOf(issuer)).some((n) => n.kind === 'application.submitted'),
      {
        what: 'issuer notified of the submission',
      },
    );

    const checked = await t.http
      .post(`/api/v1/applications/${draft.id}/formal-check`)
      .set(admin.headers)
      .send({ outcome: 'eligible' });
    expect(checked.status).toBe(200);
    expect(checked.body.status).toBe('eligible');
    expect(checked.body.ruleResults.map((r: { rule: string }) => r.rule)).toEqual([
      'organization_type',
      'region',
      'consortium',
      'leader_concurrency',
      'indicators_covered',
      'amount_cap',
      'integrity_record',
    ]);
    await waitFor(
      async () => (await notificationsOf(applicant)).some((n) => n.kind === 'application.formal_checked'),
      {
        what: 'applicant notified of the formal check',
      },
    );
    expect(await outboxEvents(t, 'application.submitted', draft.id)).toHaveLength(1);
    expect(await outboxEvents(t, 'application.formal_checked', draft.id)).toHaveLength(1);
    expect((await auditRows(t, 'application.submitted', draft.id)).length).toBe(1);
  });

  describe('refusals', () => {
    let list: Listed;
    let team: TestTeam;
    let teamId: string;
    // A list and a team per test: a test that drafts a bid would otherwise hold the pair for the next.
    beforeEach(async () => {
      list = await openList({ eligibility: { allowedOrganizationTypes: ['enterprise'] } });
      team = await createTeam(t, applicant, { name: `拒绝测试 ${randomUUID().slice(0, 6)}` });
      teamId = team.id;
    });

    it('refuses more money than the fiscal amount, naming the field', async () => {
      const res = await t.http
        .post(`/api/v1/challenges/${list.id}/applications`)
        .set(applicant.headers)
        .send(bidBody(list, teamId, { requestedFiscalFen: list.fiscalFen + 1 }));
      expect(res.status).toBe(422);
      expect(fields(res.body)).toEqual(['requestedFiscalFen']);
    });

    it('refuses milestone shares summing to 99', async () => {
      const body = bidBody(list, teamId);
      body.milestones[1].sharePercent = 59;
      const res = await t.http
        .post(`/api/v1/challenges/${list.id}/applications`)
        .set(applicant.headers)
        .send(body);
      expect(res.status).toBe(400);
      expect(fields(res.body)).toEqual(['milestones']);
    });

    it('refuses an unknown indicator (422 naming it), and a submission missing one (422 naming it)', async () => {
      const unknown = randomUUID();
      const bad = await t.http
        .post(`/api/v1/challenges/${list.id}/applications`)
        .set(applicant.headers)
        .send(
          bidBody(list, teamId, { indicatorCommitments: [{ indicatorId: unknown, committedValue: '1' }] }),
        );
      expect(bad.status).toBe(422);
      expect(bad.body.errors[0]).toMatchObject({ field: 'indicatorCommitments[0].indicatorId' });
      expect(bad.body.errors[0].message).toContain(unknown);

      const partial = await draftBid(t, applicant, list, teamId, {
        indicatorCommitments: [{ indicatorId: list.indicators[0].id, committedValue: '600 A' }],
      });
      await pledge(t, team.leader, partial.id);
      const res = await t.http.post(`/api/v1/applications/${partial.id}/submit`).set(applicant.headers);
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([
        { field: 'indicatorCommitments', message: expect.stringContaining(list.indicators[1].id) },
      ]);
    });

    it('flags an organization type the challenge excludes: submitted, but eligible is refused at the formal check', async () => {
      const otherTeam = await createTeam(t, applicant, { name: '大学团队' });
      const bid = await submittedBid(t, applicant, list, otherTeam);
      const rule = (bid.ruleResults as Array<{ rule: string; outcome: string }>).find(
        (r) => r.rule === 'organization_type',
      );
      expect(rule?.outcome).toBe('fail');
      const eligible = await t.http
        .post(`/api/v1/applications/${bid.id}/formal-check`)
        .set(admin.headers)
        .send({ outcome: 'eligible' });
      expect(eligible.status).toBe(422);
      expect(fields(eligible.body)).toEqual(['ruleResults.organization_type']);
      const ineligible = await t.http
        .post(`/api/v1/applications/${bid.id}/formal-check`)
        .set(admin.headers)
        .send({ outcome: 'ineligible', reason: '牵头单位类型不符合榜单要求' });
      expect(ineligible.status).toBe(200);
      expect(ineligible.body).toMatchObject({
        status: 'ineligible',
        statusReason: '牵头单位类型不符合榜单要求',
      });
    });

    it('keeps one application per team per challenge', async () => {
      const fresh = await openList();
      await draftBid(t, applicant, fresh, teamId);
      const again = await t.http
        .post(`/api/v1/challenges/${fresh.id}/applications`)
        .set(applicant.headers)
        .send(bidBody(fresh, teamId));
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('ALREADY_EXISTS');
    });
  });

  it('lets a leader with a limit of 2 hold two applications: the third of three racing submissions is refused', async () => {
    const team = await createTeam(t, applicant, { name: '限额团队' });
    const leader = team.leader;
    const lists = [await openList(), await openList(), await openList()];
    const bids = [];
    for (const list of lists) {
      const draft = await draftBid(t, applicant, list, team.id);
      await pledge(t, leader, draft.id);
      bids.push(draft);
    }
    const answers = await Promise.all(
      bids.map((bid) => t.http.post(`/api/v1/applications/${bid.id}/submit`).set(applicant.headers)),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 422]);
    const refused = answers.find((a) => a.status === 422);
    expect(refused?.body).toMatchObject({ code: 'LEADER_LIMIT_REACHED', limit: 2, held: 2 });
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM applications WHERE leader_user_id = $1 AND status = 'submitted'`,
      [leader.userId],
    );
    expect(n).toBe(2);
  });

  it('submits in one transaction of seven statements, its locks in one, answering what GET then reads (docs/adr/0055)', async () => {
    const list = await openList();
    const team = await createTeam(t, applicant, { name: '语句计数团队' });
    const draft = await draftBid(t, applicant, list, team.id);
    await pledge(t, team.leader, draft.id);
    const { result, statements } = await countQueries((requestId) =>
      t.http
        .post(`/api/v1/applications/${draft.id}/submit`)
        .set('X-Request-Id', requestId)
        .set(applicant.headers),
    );
    expect(result.status).toBe(200);
    // Whatever authentication reads before it, the transaction is BEGIN, 5 statements, COMMIT.
    const transaction = statements.slice(statements.indexOf('START TRANSACTION'));
    expect(transaction).toHaveLength(7);
    expect(transaction[6]).toBe('COMMIT');
    expect(transaction[1]).toContain('FOR UPDATE OF a FOR SHARE OF c, t');
    expect(transaction[1]).toContain('pg_advisory_xact_lock');
    expect(transaction.filter((s) => /^\s*UPDATE applications/.test(s))).toHaveLength(1);
    expect(transaction.filter((s) => s.includes('"audit_events"'))).toHaveLength(1);
    expect(transaction.filter((s) => s.includes('pg_notify'))).toHaveLength(1);
    const read = await t.http.get(`/api/v1/applications/${draft.id}`).set(applicant.headers);
    expect(read.status).toBe(200);
    // Equal (the stored rule results come back from jsonb with their keys reordered, as before).
    expect(result.body).toEqual(read.body);
    expect(await outboxEvents(t, 'application.submitted', draft.id)).toHaveLength(1);
    expect(await auditRows(t, 'application.submitted', draft.id)).toHaveLength(1);
  });

  it('replays a submission with the same Idempotency-Key, and refuses the key with another body', async () => {
    const list = await openList();
    const team = await createTeam(t, applicant, { name: '幂等团队' });
    const draft = await draftBid(t, applicant, list, team.id);
    await pledge(t, team.leader, draft.id);
    const key = randomUUID();
    const send = (body: Record<string, unknown>) =>
      t.http
        .post(`/api/v1/applications/${draft.id}/submit`)
        .set({ ...applicant.headers, 'Idempotency-Key': key })
        .send(body);
    const first = await send({});
    expect(first.status).toBe(200);
    const second = await send({});
    expect(second.status).toBe(200);
    expect(second.headers['idempotency-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(await auditRows(t, 'application.submitted', draft.id)).toHaveLength(1);
    const other = await send({ note: 'different' });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('withdraws before closesAt (the issuer is told), not after', async () => {
    const list = await openList();
    const team = await createTeam(t, applicant, { name: '撤回团队' });
    const bid = await submittedBid(t, applicant, list, team);
    const withdrawn = await t.http
      .post(`/api/v1/applications/${bid.id}/withdraw`)
      .set({ ...applicant.headers, 'Idempotency-Key': randomUUID() });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('withdrawn');
    await waitFor(
      async () => (await notificationsOf(issuer)).some((n) => n.kind === 'application.withdrawn'),
      {
        what: 'issuer told of the withdrawal',
      },
    );
    expect((await t.http.post(`/api/v1/applications/${bid.id}/withdraw`).set(applicant.headers)).status).toBe(
      409,
    );

    const late = await submittedBid(
      t,
      applicant,
      await openList(),
      await createTeam(t, applicant, { name: '晚撤团队' }),
    );
    const closesAt = (await t.http.get(`/api/v1/challenges/${late.challengeId as string}`)).body
      .closesAt as string;
    await travel(closesAt);
    const refused = await t.http.post(`/api/v1/applications/${late.id}/withdraw`).set(applicant.headers);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('DEADLINE_PASSED');
  });

  it("shows the leader's integrity record as a warning the admin weighs, not a refusal", async () => {
    // The leader's record comes from an earlier project of the applicant's that failed its
    // acceptance without the due-diligence exemption (awarded and decided through the API).
    const earlier = await new TestContext(t).newAwardedChallenge({ bidders: [applicant], losers: 0 });
    const leader = earlier.lines[0].team.leader;
    await new TestContext(t).decidedAcceptance(earlier, 0, { outcome: 'failed' });
    await travel(t.clock.now()); // the file's actors signed in again: the award moved the clock
    const list = await openList();
    const team = await createTeam(t, applicant, { name: '诚信记录团队' }, leader);
    const bid = await submittedBid(t, applicant, list, team);
    const rule = (bid.ruleResults as Array<{ rule: string; outcome: string; detail: string }>).find(
      (r) => r.rule === 'integrity_record',
    );
    expect(rule).toMatchObject({ outcome: 'warn', detail: expect.stringContaining('验收不通过') });
    const checked = await t.http
      .post(`/api/v1/applications/${bid.id}/formal-check`)
      .set(admin.headers)
      .send({ outcome: 'eligible', reason: '记录已核实，不影响本次申报' });
    expect(checked.status).toBe(200);
  });

  it('carries attachments the organization uploaded, readable by the issuer; not another organization’s', async () => {
    const upload = async (actor: Actor, text: string) =>
      (
        await t.http
          .post('/api/v1/attachments')
          .set(actor.headers)
          .attach('file', Buffer.from(text, 'utf8'), { filename: '技术方案.txt', contentType: 'text/plain' })
          .expect(201)
      ).body.id as string;
    const list = await openList();
    const team = await createTeam(t, applicant, { name: '附件团队' });
    const own = await upload(applicant, '详细技术方案');
    const foreign = await upload(rival, '别人的方案');
    const refused = await t.http
      .post(`/api/v1/challenges/${list.id}/applications`)
      .set(applicant.headers)
      .send(bidBody(list, team.id, { attachmentIds: [foreign] }));
    expect(refused.status).toBe(400);
    expect(fields(refused.body)).toEqual(['attachments[0].attachmentId']);
    const bid = await submittedBid(t, applicant, list, team, { attachmentIds: [own] });
    expect((bid.attachments as Array<{ attachmentId: string }>).map((a) => a.attachmentId)).toEqual([own]);
    const file = await t.http.get(`/api/v1/applications/${bid.id}/attachments/${own}`).set(issuer.headers);
    expect(file.status).toBe(200);
    expect(file.text).toBe('详细技术方案');
    expect(
      (await t.http.get(`/api/v1/applications/${bid.id}/attachments/${own}`).set(rival.headers)).status,
    ).toBe(404);
  });

  describe('visibility', () => {
    it('keeps another organization out of an application (404 on read, edit and withdraw), and drafts from the issuer', async () => {
      const list = await openList();
      const team = await createTeam(t, applicant, { name: '可见性团队' });
      const draft = await draftBid(t, applicant, list, team.id);
      const url = `/api/v1/applications/${draft.id}`;
      expect((await t.http.get(url).set(rival.headers)).status).toBe(404);
      expect(
        (
          await t.http
            .patch(url)
            .set({ ...rival.headers, 'If-Match': '"1"' })
            .send({ technicalPlan: 'x' })
        ).status,
      ).toBe(404);
      expect((await t.http.post(`${url}/withdraw`).set(rival.headers)).status).toBe(404);
      expect((await t.http.get(url).set(issuer.headers)).status).toBe(404);
      const listed = await t.http.get(`/api/v1/challenges/${list.id}/applications`).set(issuer.headers);
      expect(listed.status).toBe(200);
      expect(listed.body.items).toEqual([]);

      await pledge(t, team.leader, draft.id);
      await t.http.post(`${url}/submit`).set(applicant.headers).expect(200);
      const seen = await t.http.get(`/api/v1/challenges/${list.id}/applications`).set(issuer.headers);
      expect(seen.body.items.map((i: { id: string }) => i.id)).toEqual([draft.id]);
      expect(seen.body.items[0].bidder.leadOrganizationName).toBe('南昌大学');
      expect(seen.body.items[0]).not.toHaveProperty('ruleResults');
    });

    it('hides every identifier of the applicant from the issuer when the program says so', async () => {
      const blindProgram = await createProgram(t, admin, {
        settings: { issuerSeesApplicantIdentities: false },
      });
      const list = await openList({ programId: blindProgram });
      const leader = await createUser(t, applicant.organizationId, ['applicant']);
      const suffix = randomUUID().slice(0, 8);
      const team = await createTeam(
        t,
        applicant,
        {
          name: `盲评团队 ${suffix}`,
          leadSharePercent: 70,
          consortium: [{ organizationId: partner.organizationId, role: '样机制造', sharePercent: 30 }],
          members: [
            {
              name: `王教授${suffix}`,
              title: '教授',
              role: '技术负责人',
              organizationId: applicant.organizationId,
            },
            {
              name: `赵工${suffix}`,
              title: '高级工程师',
              role: '工艺',
              organizationId: partner.organizationId,
            },
          ],
        },
        leader,
      );
      const file = Buffer.concat([
        Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n'),
        Buffer.from(suffix),
        Buffer.from('\n%%EOF\n'),
      ]);
      const upload = await t.http
        .post('/api/v1/attachments')
        .set(applicant.headers)
        .attach('file', file, { filename: `南昌大学申报书-${suffix}.pdf`, contentType: 'application/pdf' });
      expect(upload.status).toBe(201);
      const bid = await submittedBid(t, applicant, list, team, { attachmentIds: [upload.body.id] });

      // Every identifier of the applicant, as an admin (who may see them) reads them.
      const full = await t.http.get(`/api/v1/applications/${bid.id}`).set(admin.headers);
      const teamView = await t.http.get(`/api/v1/teams/${team.id}`).set(applicant.headers);
      const orgRows = await t.dataSource.query<Array<{ id: string; name: string; credit_code: string }>>(
        `SELECT id, name, credit_code FROM organizations WHERE id = ANY($1)`,
        [[applicant.organizationId, partner.organizationId]],
      );
      const userRows = await t.dataSource.query<Array<{ id: string; email: string; display_name: string }>>(
        `SELECT id, email, display_name FROM users WHERE organization_id = $1`,
        [applicant.organizationId],
      );
      const identifiers = [
        team.id,
        team.leader.userId,
        applicant.userId,
        full.body.bidder.teamName,
        full.body.bidder.leaderName,
        full.body.pledge.acceptedBy,
        upload.body.id,
        upload.body.filename,
        upload.body.sha256,
        ...orgRows.flatMap((o) => [o.id, o.name, o.credit_code]),
        ...userRows.flatMap((u) => [u.id, u.email, u.display_name]),
        ...(teamView.body.members as Array<{ name: string }>).map((m) => m.name),
      ].filter((v): v is string => typeof v === 'string' && v.length > 0);
      expect(identifiers).toEqual(
        expect.arrayContaining([leader.userId, partner.organizationId, `赵工${suffix}`]),
      );

      // Everything the issuer reads of this application and this challenge.
      const views = {
        bid: await t.http.get(`/api/v1/applications/${bid.id}`).set(issuer.headers),
        bids: await t.http.get(`/api/v1/challenges/${list.id}/applications`).set(issuer.headers),
        list: await t.http.get(`/api/v1/challenges/${list.id}`).set(issuer.headers),
      };
      for (const [name, view] of Object.entries(views))
        expect({ name, status: view.status }).toEqual({ name, status: 200 });
      expect(views.bid.body.bidder).toBeNull();
      expect(views.bid.body.pledge).toMatchObject({ acceptedBy: null });
      expect(views.bids.body.items).toHaveLength(1);
      const leaks = Object.entries(views).flatMap(([name, view]) => {
        const text = JSON.stringify(view.body);
        return identifiers.filter((id) => text.includes(id)).map((id) => `${name}: ${id}`);
      });
      expect(leaks).toEqual([]);

      // The admin still sees them all (the scan above is not vacuous).
      expect(full.body.bidder).toMatchObject({ teamId: team.id, leaderUserId: leader.userId });
      expect(full.body.pledge.acceptedBy).toBe(leader.userId);
    });

    it('tells nobody the number of applications before closing, and everyone after', async () => {
      const list = await openList();
      const team = await createTeam(t, applicant, { name: '计数团队' });
      await submittedBid(t, applicant, list, team);
      const before = await t.http.get(`/api/v1/challenges/${list.id}`).set(rival.headers);
      expect(before.body.submittedBidCount).toBeNull();
      expect((await t.http.get(`/api/v1/challenges/${list.id}/applications`).set(rival.headers)).status).toBe(
        403,
      );
      const closesAt = (await t.http.get(`/api/v1/challenges/${list.id}`)).body.closesAt as string;
      await travel(new Date(new Date(closesAt).getTime() + 1));
      expect((await t.http.get(`/api/v1/challenges/${list.id}`)).body.submittedBidCount).toBe(1);
    });
  });

  it('lets a returned application be corrected and resubmitted before closesAt, not after', async () => {
    const list = await openList();
    const team = await createTeam(t, applicant, { name: '退回团队' });
    const bid = await submittedBid(t, applicant, list, team);
    const noReason = await t.http
      .post(`/api/v1/applications/${bid.id}/formal-check`)
      .set(admin.headers)
      .send({ outcome: 'returned' });
    expect(noReason.status).toBe(400);
    const returned = await t.http
      .post(`/api/v1/applications/${bid.id}/formal-check`)
      .set(admin.headers)
      .send({ outcome: 'returned', reason: '请补充预算说明' });
    expect(returned.body.status).toBe('returned');

    const corrected = await t.http
      .patch(`/api/v1/applications/${bid.id}`)
      .set({ ...applicant.headers, 'If-Match': `"${returned.body.version}"` })
      .send({ technicalPlan: '补充了预算说明的技术方案' });
    expect(corrected.status).toBe(200);
    expect(corrected.body.pledge).toBeNull();
    await pledge(t, team.leader, bid.id);
    const resubmitted = await t.http.post(`/api/v1/applications/${bid.id}/submit`).set(applicant.headers);
    expect(resubmitted.status).toBe(200);
    expect(resubmitted.body.status).toBe('submitted');

    await t.http
      .post(`/api/v1/applications/${bid.id}/formal-check`)
      .set(admin.headers)
      .send({ outcome: 'returned', reason: '仍需补充' })
      .expect(200);
    const closesAt = (await t.http.get(`/api/v1/challenges/${list.id}`)).body.closesAt as string;
    await travel(new Date(new Date(closesAt).getTime()));
    const current = (await t.http.get(`/api/v1/applications/${bid.id}`).set(applicant.headers)).body.version;
    const late = await t.http
      .patch(`/api/v1/applications/${bid.id}`)
      .set({ ...applicant.headers, 'If-Match': `"${current}"` })
      .send({ technicalPlan: '太晚了' });
    expect(late.status).toBe(422);
    expect(late.body.code).toBe('DEADLINE_PASSED');
    const lateSubmit = await t.http.post(`/api/v1/applications/${bid.id}/submit`).set(applicant.headers);
    expect(lateSubmit.status).toBe(422);
    expect(lateSubmit.body.code).toBe('DEADLINE_PASSED');
  });
});
