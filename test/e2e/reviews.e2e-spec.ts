import { createTeam, Listed, submittedBid, TestTeam } from '../support/applications';
import { createProgram, DAY, promoteDeadline, publishChallenge } from '../support/challenges';
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
import { commentsFor, createExpert, jsonStrings, scoresFor, TestExpert } from '../support/reviews';
import { WORLDS_ENV } from '../support/context';
import { retireOtherExperts } from '../support/projects';
import { createTestApp, TestApp } from '../support/test-app';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';
import { JobQueue } from '../../src/infra/queue/job-queue.service';

interface Assignment {
  id: string;
  challenge: { id: string };
  bidLabel: string;
  teamName: string | null;
  status: string;
  version: number;
}

interface PanelMember {
  id: string;
  expertId: string;
  expertName: string;
  role: 'member' | 'reserve';
  position: number;
  status: string;
  statusReason: string | null;
  replacedBy: string | null;
}

/**
 * Each test has a world of its own (newWorld, from the same start): three lists (a plain one with
 * three eligible bids, a blind one, one needing a panel of 20), nine good experts and four
 * conflicted ones, the only active experts. The tests of a full review go through the earlier
 * stages first (stage functions, as their own tests do).
 */
describe('expert review (评审)', () => {
  let t: TestApp;
  let worker: TestWorker;
  let admin: Actor;
  let issuer: Actor;
  let bidderA: Actor;
  let bidderB: Actor;
  let bidderC: Actor;
  let partner: Actor;
  let programId: string;
  let blindProgramId: string;
  let bigPanelProgramId: string;
  let list: Listed;
  let blindList: Listed;
  let bigList: Listed;
  let bids: Array<{ id: string; team: TestTeam; label: string }>;
  let blindBid: { id: string; team: TestTeam };
  let good: TestExpert[];
  let conflicted: Record<'issuer' | 'bidder' | 'member' | 'collaboration', TestExpert>;
  let teamMemberUser: Actor;
  const blindFilename = '南昌超导研究院_张三_技术方案.txt';

  const TEAM_NAMES: Record<string, string> = {
    '申请 1': '甲大学超导团队',
    '申请 2': '乙研究院团队',
    '申请 3': '丙科技团队',
  };
  const experts = () => [...good, ...Object.values(conflicted)];
  const byExpertId = (expertId: string) => {
    const found = experts().find((e) => e.expertId === expertId);
    if (!found) throw new Error(`no test expert ${expertId}`);
    return found;
  };
  const travel = async (to: Date | string) => {
    t.clock.set(to);
    for (const actor of [
      admin,
      issuer,
      bidderA,
      bidderB,
      bidderC,
      partner,
      ...experts().map((e) => e.actor),
    ]) {
      const tokens = await login(t, actor.email);
      actor.accessToken = tokens.accessToken;
      actor.headers = bearer(tokens.accessToken);
    }
  };
  const eligible = async (bidId: string) => {
    const res = await t.http
      .post(`/api/v1/applications/${bidId}/formal-check`)
      .set(admin.headers)
      .send({ outcome: 'eligible' });
    if (res.status !== 200) throw new Error(`formal check: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const openList = async (program: string) => {
    const now = t.clock.now().getTime();
    return (await publishChallenge(t, issuer, admin, program, {
      opensAt: new Date(now - 60 * 60 * 1000).toISOString(),
      closesAt: new Date(now + 10 * DAY).toISOString(),
    })) as unknown as Listed;
  };
  const panelOf = async (listId: string) => {
    const res = await t.http.get(`/api/v1/challenges/${listId}/review`).set(admin.headers);
    expect(res.status).toBe(200);
    return res.body as {
      status: string;
      members: PanelMember[];
      assignments: Array<{ status: string }>;
    } & Record<string, unknown>;
  };
  const assignmentsOf = async (expert: TestExpert, listId: string): Promise<Assignment[]> => {
    const res = await t.http
      .get('/api/v1/review-assignments')
      .query({ limit: 100 })
      .set(expert.actor.headers);
    expect(res.status).toBe(200);
    return (res.body.items as Assignment[])
      .filter((a) => a.challenge.id === listId)
      .sort((a, b) => a.bidLabel.localeCompare(b.bidLabel));
  };
  const declare = (expert: TestExpert, id: string, body: Record<string, unknown>) =>
    t.http.post(`/api/v1/review-assignments/${id}/declare`).set(expert.actor.headers).send(body);

  beforeAll(async () => {
    t = await createTestApp({ env: WORLDS_ENV });
    worker = await startTestWorker(t.environment, t.clock);
  });

  const newWorld = async () => {
    t.clock.set('2027-03-01T02:00:00.000Z');
    bids = [];
    good = [];
    admin = await createAdmin(t);
    issuer = await registerOrg(t, { role: 'issuer', type: 'enterprise', name: '江西电网发榜集团' });
    bidderA = await registerOrg(t, { role: 'applicant', type: 'university', name: '甲大学' });
    bidderB = await registerOrg(t, { role: 'applicant', type: 'research_institute', name: '乙研究院' });
    bidderC = await registerOrg(t, { role: 'applicant', type: 'enterprise', name: '丙科技公司' });
    partner = await registerOrg(t, { role: 'applicant', type: 'university', name: '丁联合体大学' });
    const enterprise1 = await registerOrg(t, { role: 'applicant', type: 'enterprise', name: '专家企业一' });
    const enterprise2 = await registerOrg(t, { role: 'applicant', type: 'enterprise', name: '专家企业二' });
    const university = await registerOrg(t, { role: 'applicant', type: 'university', name: '专家大学' });
    programId = await createProgram(t, admin);
    blindProgramId = await createProgram(t, admin, {
      name: '盲评计划',
      settings: { blindReview: true, issuerSeesApplicantIdentities: false },
    });
    bigPanelProgramId = await createProgram(t, admin, { name: '大评审组计划', settings: { panelSize: 20 } });

    // Nine experts without conflicts (three from enterprises), and four who must never be drawn.
    const homes = [
      enterprise1,
      enterprise2,
      enterprise1,
      university,
      university,
      university,
      university,
      university,
      university,
    ];
    for (const [i, home] of homes.entries()) {
      good.push(await createExpert(t, admin, home.organizationId, `良好专家${i + 1}`));
    }
    teamMemberUser = await createUser(t, bidderB.organizationId, ['expert'], undefined, '团队成员专家');
    conflicted = {
      issuer: await createExpert(t, admin, issuer.organizationId, '发榜单位专家'),
      bidder: await createExpert(t, admin, bidderA.organizationId, '揭榜单位专家'),
      member: await (async () => {
        const res = await t.http
          .post('/api/v1/experts')
          .set(admin.headers)
          .send({
            userId: teamMemberUser.userId,
            title: '教授',
            affiliationOrganizationId: university.organizationId,
            industryChains: ['new_materials'],
            keywords: [],
            collaborations: [],
          });
        expect(res.status).toBe(201);
        return {
          actor: teamMemberUser,
          expertId: res.body.id,
          version: res.body.version,
          displayName: '团队成员专家',
        };
      })(),
      collaboration: await createExpert(t, admin, university.organizationId, '合作专家', {
        collaborations: [
          { organizationId: bidderC.organizationId, description: '联合攻关', fromYear: 2024, toYear: 2026 },
        ],
      }),
    };

    list = await openList(programId);
    const teamA = await createTeam(t, bidderA, { name: '甲大学超导团队' });
    const teamB = await createTeam(t, bidderB, {
      name: '乙研究院团队',
      members: [
        {
          name: '团队成员专家',
          title: '教授',
          role: '顾问',
          organizationId: bidderB.organizationId,
          userId: teamMemberUser.userId,
        },
      ],
    });
    const teamC = await createTeam(t, bidderC, { name: '丙科技团队' });
    for (const [i, [owner, team]] of (
      [
        [bidderA, teamA],
        [bidderB, teamB],
        [bidderC, teamC],
      ] as const
    ).entries()) {
      const bid = await submittedBid(t, owner, list, team);
      t.clock.advance(1000);
      await eligible(bid.id);
      bids.push({ id: bid.id, team, label: `申请 ${i + 1}` });
    }

    // The blind list: one bid by bidder C with a consortium partner, members and an attachment.
    blindList = await openList(blindProgramId);
    const upload = await t.http
      .post('/api/v1/attachments')
      .set(bidderC.headers)
      .attach('file', Buffer.from('方案正文', 'utf8'), {
        filename: blindFilename,
        contentType: 'text/plain',
      });
    expect(upload.status).toBe(201);
    const blindTeam = await createTeam(t, bidderC, {
      name: '丙科技盲评团队',
      consortium: [{ organizationId: partner.organizationId, role: '联合单位', sharePercent: 30 }],
      leadSharePercent: 70,
      members: [
        { name: '赵成员', title: '高工', role: '技术负责人', organizationId: bidderC.organizationId },
        {
          name: '钱成员',
          title: '教授',
          role: '骨干',
          organizationId: partner.organizationId,
          userId: partner.userId,
        },
      ],
    });
    const blind = await submittedBid(t, bidderC, blindList, blindTeam, { attachmentIds: [upload.body.id] });
    await eligible(blind.id);
    blindBid = { id: blind.id, team: blindTeam };

    bigList = await openList(bigPanelProgramId);
    const bigTeam = await createTeam(t, bidderA, { name: '甲大学第二团队' });
    const big = await submittedBid(t, bidderA, bigList, bigTeam);
    await eligible(big.id);

    await travel(new Date(t.clock.now().getTime() + 11 * DAY));
    await retireOtherExperts(
      t,
      admin,
      experts().map((e) => e.expertId),
    );
  };

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('refuses too small a pool with the missing counts, and writes nothing', async () => {
    await newWorld();
    const res = await t.http.post(`/api/v1/challenges/${bigList.id}/review`).set(admin.headers);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('PANEL_UNDERSTAFFED');
    // 20 members + 2 reserves, at least ceil(20 × 33%) = 7 from enterprises; the bidder's own expert is excluded.
    expect(res.body.missingExperts + res.body.qualifiedExperts).toBe(22);
    expect(res.body.missingEnterpriseExperts).toBe(7 - res.body.qualifiedEnterpriseExperts);
    expect(res.body.missingEnterpriseExperts).toBeGreaterThan(0);
    expect(res.body.detail).toContain(`${res.body.missingExperts} more expert(s)`);
    expect((await t.http.get(`/api/v1/challenges/${bigList.id}/review`).set(admin.headers)).status).toBe(404);
    const [row] = await t.dataSource.query(`SELECT status FROM challenges WHERE id = $1`, [bigList.id]);
    expect(row.status).not.toBe('under_review');
    const [bid] = await t.dataSource.query(`SELECT status FROM applications WHERE challenge_id = $1`, [
      bigList.id,
    ]);
    expect(bid.status).toBe('eligible');
    expect(await auditRows(t, 'review.started', bigList.id)).toHaveLength(0);
  });

  it('only admins draw', async () => {
    await newWorld();
    expect((await t.http.post(`/api/v1/challenges/${list.id}/review`).set(issuer.headers)).status).toBe(403);
    expect(
      (await t.http.post(`/api/v1/challenges/${list.id}/review`).set(good[0].actor.headers)).status,
    ).toBe(403);
  });

  describe('a full review', () => {
    /** The panel's members as the last stage left them. */
    let members: PanelMember[];
    /** The replacements of this world's experts, oldest first. */
    const memberReplacedAudits = () =>
      t.dataSource.query<Array<{ actor_id: string; after: Record<string, unknown> }>>(
        `SELECT actor_id, after FROM audit_events WHERE action = 'review.member_replaced'
           AND after->>'expertId' = ANY($1) ORDER BY occurred_at`,
        [experts().map((e) => e.expertId)],
      );

    /** Stage: the draw: 5 members and 2 reserves, no conflicted expert. */
    const drawn = async () => {
      const res = await t.http.post(`/api/v1/challenges/${list.id}/review`).set(admin.headers);
      expect(res.status).toBe(201);
      expect(res.body.seed).toMatch(/^[0-9a-f]{64}$/);
      members = res.body.members;
      expect(members.filter((m) => m.role === 'member' && m.status === 'active')).toHaveLength(5);
      expect(members.filter((m) => m.role === 'reserve' && m.status === 'standby')).toHaveLength(2);
      const drawn = new Set(members.map((m) => m.expertId));
      for (const expert of Object.values(conflicted)) expect(drawn.has(expert.expertId)).toBe(false);
      // At least ceil(5 × 33%) = 2 enterprise experts among the members (the first three good ones).
      const enterpriseIds = new Set(good.slice(0, 3).map((e) => e.expertId));
      expect(
        members.filter((m) => m.role === 'member' && enterpriseIds.has(m.expertId)).length,
      ).toBeGreaterThanOrEqual(2);
      // 5 members × 3 bids, pending; no scores anywhere in the admin's view.
      expect(res.body.assignments).toHaveLength(15);
      expect(res.body.assignments.every((a: { status: string }) => a.status === 'pending')).toBe(true);
      expect(JSON.stringify(res.body)).not.toContain('scores');

      const [audit] = await t.dataSource.query(
        `SELECT after FROM audit_events WHERE action = 'review.started' AND object_id = $1`,
        [list.id],
      );
      expect(audit.after.seed).toBe(res.body.seed);
      const excluded = new Map<string, string[]>(
        audit.after.excluded.map((e: { expertId: string; conflicts: string[] }) => [e.expertId, e.conflicts]),
      );
      expect(excluded.get(conflicted.issuer.expertId)).toEqual(['issuer_affiliation']);
      expect(excluded.get(conflicted.bidder.expertId)).toEqual(['bidder_affiliation']);
      expect(excluded.get(conflicted.member.expertId)).toEqual(expect.arrayContaining(['team_member']));
      expect(excluded.get(conflicted.collaboration.expertId)).toEqual(['recent_collaboration']);
      expect(audit.after.candidateExpertIds).toHaveLength(9);

      const lists = await t.dataSource.query(`SELECT status FROM challenges WHERE id = $1`, [list.id]);
      expect(lists[0].status).toBe('under_review');
      const statuses = await t.dataSource.query(`SELECT status FROM applications WHERE challenge_id = $1`, [
        list.id,
      ]);
      expect(statuses.map((s: { status: string }) => s.status)).toEqual([
        'under_review',
        'under_review',
        'under_review',
      ]);
      expect(await outboxEvents(t, 'review.started', list.id)).toHaveLength(1);
      const assigned = await outboxEvents(t, 'review.assigned', list.id);
      expect(assigned.map((e) => e.data.expertUserId).sort()).toEqual(
        members
          .filter((m) => m.role === 'member')
          .map((m) => byExpertId(m.expertId).actor.userId)
          .sort(),
      );

      // A second draw is refused: the list is under review now.
      expect((await t.http.post(`/api/v1/challenges/${list.id}/review`).set(admin.headers)).status).toBe(409);
    };
    /** Stage: nothing of a bid shows before the declaration. */
    const nothingBeforeDeclaration = async () => {
      const first = byExpertId(members[0].expertId);
      const mine = await assignmentsOf(first, list.id);
      expect(mine.map((a) => a.bidLabel)).toEqual(['申请 1', '申请 2', '申请 3']);
      expect(mine.every((a) => a.teamName === null && a.status === 'pending')).toBe(true);
      const read = await t.http
        .get(`/api/v1/review-assignments/${mine[0].id}/application`)
        .set(first.actor.headers);
      expect(read.status).toBe(409);
    };
    /** Stage: a member declares a conflict and a reserve replaces it. */
    const conflictReplaced = async () => {
      const leaving = byExpertId(members.find((m) => m.role === 'member' && m.position === 1)!.expertId);
      const [assignment] = await assignmentsOf(leaving, list.id);
      expect((await declare(leaving, assignment.id, { conflict: true })).status).toBe(400);
      const res = await declare(leaving, assignment.id, {
        conflict: true,
        reason: '曾指导该团队成员的博士论文',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'conflicted',
        replacement: { memberStatus: 'replaced', reserveCalled: true },
      });
      const panel = await panelOf(list.id);
      const gone = panel.members.find((m) => m.expertId === leaving.expertId)!;
      expect(gone.status).toBe('replaced');
      expect(gone.statusReason).toContain('曾指导');
      const reserve = panel.members.find((m) => m.id === gone.replacedBy)!;
      expect(reserve).toMatchObject({ role: 'reserve', status: 'active' });
      const left = await assignmentsOf(leaving, list.id);
      expect(left.map((a) => a.status).sort()).toEqual(['cancelled', 'cancelled', 'conflicted']);
      expect(await assignmentsOf(byExpertId(reserve.expertId), list.id)).toHaveLength(3);
      const audit = await memberReplacedAudits();
      expect(audit).toHaveLength(1);
      expect(audit[0].actor_id).toBe(leaving.actor.userId);
      expect(audit[0].after).toMatchObject({
        expertId: leaving.expertId,
        outcome: 'conflicted',
        replacementExpertId: reserve.expertId,
      });
      // It can no longer declare or read.
      expect((await declare(leaving, left[1].id, { conflict: false })).status).toBe(409);
      members = panel.members;
    };
    /** Stage: a member's affiliation moved to a bidder is caught at its declaration. */
    const affiliationCaught = async () => {
      const moving = byExpertId(members.find((m) => m.role === 'member' && m.status === 'active')!.expertId);
      const patched = await t.http
        .patch(`/api/v1/experts/${moving.expertId}`)
        .set(admin.headers)
        .set('If-Match', `"${moving.version}"`)
        .send({ affiliationOrganizationId: bidderA.organizationId });
      expect(patched.status).toBe(200);
      const mine = await assignmentsOf(moving, list.id);
      const res = await declare(moving, mine[2].id, { conflict: false });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('CONFLICT_OF_INTEREST');
      expect(res.body.conflicts).toEqual([
        expect.objectContaining({ kind: 'bidder_affiliation', organizationId: bidderA.organizationId }),
      ]);
      expect(res.body).toMatchObject({ memberStatus: 'replaced', reserveCalled: true });
      const panel = await panelOf(list.id);
      expect(panel.members.find((m) => m.expertId === moving.expertId)!.status).toBe('replaced');
      expect(panel.members.filter((m) => m.status === 'active')).toHaveLength(5);
      expect(panel.members.filter((m) => m.status === 'standby')).toHaveLength(0);
      expect(await memberReplacedAudits()).toHaveLength(2);
      members = panel.members;
    };
    /** Stage: every active member scores; the last submission closes the panel. */
    const scoredAndClosed = async () => {
      // Totals per active expert (in panel order) for 申请 1, 2, 3.
      const totals: Record<string, number[]> = {
        '申请 1': [90, 80, 70, 60, 20],
        '申请 2': [85, 85, 80, 75, 70],
        '申请 3': [60, 55, 50, 45, 40],
      };
      const active = members.filter((m) => m.status === 'active').map((m) => byExpertId(m.expertId));
      expect(active).toHaveLength(5);
      const [a, b] = active;
      const bMine = await assignmentsOf(b, list.id);

      // Expert A cannot see or touch B's assignment.
      expect(
        (await t.http.get(`/api/v1/review-assignments/${bMine[0].id}`).set(a.actor.headers)).status,
      ).toBe(404);
      expect(
        (await t.http.get(`/api/v1/review-assignments/${bMine[0].id}/application`).set(a.actor.headers))
          .status,
      ).toBe(404);
      expect((await declare(a, bMine[0].id, { conflict: false })).status).toBe(404);
      expect(
        (
          await t.http
            .put(`/api/v1/review-assignments/${bMine[0].id}/scores`)
            .set(a.actor.headers)
            .set('If-Match', '"1"')
            .send({ scores: {} })
        ).status,
      ).toBe(404);

      const outlierAssignments: string[] = [];
      for (const [k, expert] of active.entries()) {
        for (const assignment of await assignmentsOf(expert, list.id)) {
          const declared = await declare(expert, assignment.id, { conflict: false });
          expect(declared.status).toBe(200);
          expect(declared.body.status).toBe('declared');
          expect(declared.body.teamName).toEqual(expect.any(String));
          const read = await t.http
            .get(`/api/v1/review-assignments/${assignment.id}/application`)
            .set(expert.actor.headers);
          expect(read.status).toBe(200);
          expect(read.body.blind).toBe(false);
          expect(read.body.team.name).toBe(TEAM_NAMES[assignment.bidLabel]);
          expect(declared.body.teamName).toBe(TEAM_NAMES[assignment.bidLabel]);
          expect(read.body.indicatorCommitments[0]).toMatchObject({
            indicatorName: '临界电流',
            targetValue: '≥ 500',
          });

          const total = totals[assignment.bidLabel][k];
          const scores = scoresFor(total);
          // A partial draft first, then the whole; a low score without a comment cannot be submitted.
          const partial = await t.http
            .put(`/api/v1/review-assignments/${assignment.id}/scores`)
            .set(expert.actor.headers)
            .set('If-Match', `"${declared.body.version}"`)
            .send({ scores: { technical_approach: scores.technical_approach } });
          expect(partial.status).toBe(200);
          const noIfMatch = await t.http
            .put(`/api/v1/review-assignments/${assignment.id}/scores`)
            .set(expert.actor.headers)
            .send({ scores });
          expect(noIfMatch.status).toBe(428);
          const needsComments = total < 60;
          const saved = await t.http
            .put(`/api/v1/review-assignments/${assignment.id}/scores`)
            .set(expert.actor.headers)
            .set('If-Match', `"${partial.body.version}"`)
            .send({ scores, comments: needsComments ? {} : { technical_approach: '路线清晰' } });
          expect(saved.status).toBe(200);
          let version = saved.body.version as number;
          if (needsComments) {
            const refused = await t.http
              .post(`/api/v1/review-assignments/${assignment.id}/submit`)
              .set(expert.actor.headers);
            expect(refused.status).toBe(422);
            expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain(
              'comments.technical_approach',
            );
            const withComments = await t.http
              .put(`/api/v1/review-assignments/${assignment.id}/scores`)
              .set(expert.actor.headers)
              .set('If-Match', `"${version}"`)
              .send({ scores, comments: commentsFor() });
            expect(withComments.status).toBe(200);
            version = withComments.body.version;
          }
          const submitted = await t.http
            .post(`/api/v1/review-assignments/${assignment.id}/submit`)
            .set(expert.actor.headers)
            .set('If-Match', `"${version}"`);
          expect(submitted.status).toBe(200);
          expect(submitted.body).toMatchObject({ status: 'submitted', total });
          if (assignment.bidLabel === '申请 1' && total === 20) outlierAssignments.push(assignment.id);

          // Final: no change after submission.
          const again = await t.http
            .put(`/api/v1/review-assignments/${assignment.id}/scores`)
            .set(expert.actor.headers)
            .set('If-Match', `"${submitted.body.version}"`)
            .send({ scores: scoresFor(99) });
          expect(again.status).toBe(409);
          expect(again.body.code).toBe('INVALID_STATE_TRANSITION');
          expect(
            (
              await t.http
                .post(`/api/v1/review-assignments/${assignment.id}/submit`)
                .set(expert.actor.headers)
            ).status,
          ).toBe(409);

          const last = k === active.length - 1 && assignment.bidLabel === '申请 3';
          if (!last) {
            // Before the close: the issuer gets nothing, the admin a 409, applicants are refused.
            if (k === 2 && assignment.bidLabel === '申请 1') {
              expect(
                (await t.http.get(`/api/v1/challenges/${list.id}/ranking`).set(issuer.headers)).status,
              ).toBe(404);
              expect(
                (await t.http.get(`/api/v1/challenges/${list.id}/ranking`).set(admin.headers)).status,
              ).toBe(409);
              expect(
                (await t.http.get(`/api/v1/challenges/${list.id}/ranking`).set(bidderA.headers)).status,
              ).toBe(403);
              const panel = await panelOf(list.id);
              expect(panel.status).toBe('open');
              expect(JSON.stringify(panel)).not.toMatch(/"total"|"scores"/);
            }
          }
        }
      }

      const panel = await panelOf(list.id);
      expect(panel.status).toBe('closed');
      expect(panel.closeReason).toBeNull();

      const ranking = await t.http.get(`/api/v1/challenges/${list.id}/ranking`).set(admin.headers);
      expect(ranking.status).toBe(200);
      expect(ranking.body).toMatchObject({ passLine: 60, aggregation: 'trimmed_mean' });
      const [first, second, third] = ranking.body.items;
      expect(first).toMatchObject({
        rank: 1,
        applicationId: bids[1].id,
        teamName: '乙研究院团队',
        score: 80,
        mean: 79,
        trimmedMean: 80,
        median: 80,
        spread: 15,
        scoreCount: 5,
        outlierCount: 0,
        outlierAssignmentIds: [],
        passes: true,
      });
      expect(second).toMatchObject({
        rank: 2,
        applicationId: bids[0].id,
        score: 70,
        mean: 64,
        trimmedMean: 70,
        median: 70,
        spread: 70,
        scoreCount: 5,
        outlierCount: 1,
        outlierAssignmentIds: outlierAssignments,
        passes: true,
      });
      expect(third).toMatchObject({
        rank: 3,
        applicationId: bids[2].id,
        score: 50,
        mean: 50,
        trimmedMean: 50,
        median: 50,
        spread: 20,
        outlierCount: 0,
        passes: false,
      });

      const statuses = new Map(
        (
          await t.dataSource.query<Array<{ id: string; status: string }>>(
            `SELECT id, status FROM applications WHERE challenge_id = $1`,
            [list.id],
          )
        ).map((r) => [r.id, r.status]),
      );
      expect(statuses.get(bids[0].id)).toBe('shortlisted');
      expect(statuses.get(bids[1].id)).toBe('shortlisted');
      expect(statuses.get(bids[2].id)).toBe('under_review');
      const [completed] = await outboxEvents(t, 'review.completed', list.id);
      expect(completed.data).toMatchObject({ challengeId: list.id, passLine: 60 });
      expect(completed.data.results).toHaveLength(3);

      // The issuer sees the ranking now, never who gave which total; the applicant still nothing.
      const issuerView = await t.http.get(`/api/v1/challenges/${list.id}/ranking`).set(issuer.headers);
      expect(issuerView.status).toBe(200);
      expect(issuerView.body.items[0].outlierAssignmentIds).toBeUndefined();
      const text =
        JSON.stringify(issuerView.body) + JSON.stringify(ranking.body) + JSON.stringify(completed.data);
      for (const expert of experts()) {
        expect(text).not.toContain(expert.displayName);
        expect(text).not.toContain(expert.expertId);
        expect(text).not.toContain(expert.actor.userId);
      }
      expect((await t.http.get(`/api/v1/challenges/${list.id}/ranking`).set(bidderB.headers)).status).toBe(
        403,
      );
      // The panel is closed: nothing more is saved.
      const late = await t.http
        .post(`/api/v1/challenges/${list.id}/review/close`)
        .set(admin.headers)
        .send({ reason: '再次关闭' });
      expect(late.status).toBe(409);
    };

    it('draws 5 members and 2 reserves without any conflicted expert, seeded and audited', async () => {
      await newWorld();
      await drawn();
    });

    it('shows nothing of an application before the declaration, and no team name in the list', async () => {
      await newWorld();
      await drawn();
      await nothingBeforeDeclaration();
    });

    it('replaces an expert who declares a conflict by a reserve, audited', async () => {
      await newWorld();
      await drawn();
      await nothingBeforeDeclaration();
      await conflictReplaced();
    });

    it('catches an affiliation changed to an applicant after the draw, at the declaration', async () => {
      await newWorld();
      await drawn();
      await nothingBeforeDeclaration();
      await conflictReplaced();
      await affiliationCaught();
    });

    it('lets each expert declare, read, save and submit only its own; the last submission closes the panel', async () => {
      await newWorld();
      await drawn();
      await nothingBeforeDeclaration();
      await conflictReplaced();
      await affiliationCaught();
      await scoredAndClosed();
    });

    it('selects the first, publishes the notice, and the worker’s publicity-end job awards: one project', async () => {
      await newWorld();
      await drawn();
      await nothingBeforeDeclaration();
      await conflictReplaced();
      await affiliationCaught();
      await scoredAndClosed();
      const winner = bids[1];
      const selected = await t.http
        .post(`/api/v1/challenges/${list.id}/selection`)
        .set(admin.headers)
        .send({ applicationIds: [winner.id], issuerAgreement: '经对接洽谈，发榜方同意由乙研究院团队揭榜' });
      expect(selected.status).toBe(200);
      expect(selected.body.status).toBe('publicity');
      const endsAt = selected.body.publicityEndsAt as string;

      const notice = await t.http.get(`/api/v1/challenges/${list.id}/publicity`);
      expect(notice.status).toBe(200);
      expect(notice.body.selected).toEqual([
        expect.objectContaining({
          teamName: '乙研究院团队',
          leadOrganizationName: '乙研究院',
          rank: 1,
          score: 80,
        }),
      ]);
      const text = JSON.stringify(notice.body);
      for (const expert of experts()) expect(text).not.toContain(expert.displayName);

      // Reminders before the end of publicity at the program's offsets still ahead (an offset already
      // past at the selection is skipped); the one a day before is always there.
      const jobs = t.get(JobQueue);
      const dayBefore = new Date(new Date(endsAt).getTime() - DAY);
      const reminders = await t.dataSource.query<Array<{ kind: string; due_at: Date; status: string }>>(
        `SELECT kind, due_at, status FROM deadlines WHERE entity_id = $1 AND kind LIKE 'challenge.publicity_end_reminder@%' ORDER BY kind`,
        [list.id],
      );
      expect(reminders.find((r) => r.kind === 'challenge.publicity_end_reminder@24h')).toMatchObject({
        due_at: dayBefore,
        status: 'pending',
      });
      expect(reminders.every((r) => r.status === 'pending' && r.due_at > t.clock.now())).toBe(true);
      await travel(dayBefore);
      expect(await promoteDeadline(jobs, list.id, 'challenge.publicity_end_reminder@24h', dayBefore)).toBe(
        true,
      );
      await waitFor(async () => (await outboxEvents(t, 'selection.publicity_ending', list.id)).length === 1, {
        what: 'the reminder a day before publicity ends',
      });
      expect((await outboxEvents(t, 'selection.publicity_ending', list.id))[0].data).toMatchObject({
        publicityEndsAt: endsAt,
        applicationIds: [winner.id],
        pendingObjections: 0,
        hoursBefore: 24,
      });
      // Those who may still object hear of it: the bidders (a losing one included) and the issuer.
      for (const actor of [bidderA, bidderB, issuer]) {
        await waitFor(
          async () =>
            (
              (await t.http.get('/api/v1/notifications').query({ limit: 100 }).set(actor.headers)).body
                .items as Array<{ kind: string }>
            ).some((n) => n.kind === 'selection.publicity_ending'),
          { what: 'the publicity-ending notification' },
        );
      }

      // The deadline job is scheduled for the end of publicity and is not due before it.
      await travel(new Date(new Date(endsAt).getTime() - 60_000));
      expect((await t.http.post(`/api/v1/challenges/${list.id}/award`).set(admin.headers)).status).toBe(422);
      await travel(new Date(endsAt));
      expect(await promoteDeadline(jobs, list.id, 'challenge.publicity_end', endsAt)).toBe(true);
      await waitFor(
        async () =>
          (await t.dataSource.query(`SELECT status FROM challenges WHERE id = $1`, [list.id]))[0].status ===
          'awarded',
        { what: 'the award by the publicity-end job' },
      );

      const projects = await t.dataSource.query(
        `SELECT application_id, status, task_book FROM projects WHERE challenge_id = $1`,
        [list.id],
      );
      expect(projects).toHaveLength(1);
      expect(projects[0]).toMatchObject({ application_id: winner.id, status: 'pending_signature' });
      const bid = await t.http.get(`/api/v1/applications/${winner.id}`).set(bidderB.headers);
      expect(bid.status).toBe(200);
      expect(projects[0].task_book.milestones).toHaveLength(bid.body.milestones.length);
      expect(projects[0].task_book.indicators[0]).toMatchObject({ name: '临界电流', targetValue: '≥ 500' });

      const statuses = new Map(
        (
          await t.dataSource.query<Array<{ id: string; status: string }>>(
            `SELECT id, status FROM applications WHERE challenge_id = $1`,
            [list.id],
          )
        ).map((r) => [r.id, r.status]),
      );
      expect(statuses.get(winner.id)).toBe('selected');
      expect(statuses.get(bids[0].id)).toBe('not_selected');
      expect(statuses.get(bids[2].id)).toBe('not_selected');
      expect(await outboxEvents(t, 'challenge.awarded', list.id)).toHaveLength(1);
      const [deadline] = await t.dataSource.query(
        `SELECT status FROM deadlines WHERE entity_id = $1 AND kind = 'challenge.publicity_end'`,
        [list.id],
      );
      expect(deadline.status).toBe('done');
      // The admin's trigger after the job changes nothing.
      expect((await t.http.post(`/api/v1/challenges/${list.id}/award`).set(admin.headers)).status).toBe(409);
      expect(await auditRows(t, 'challenge.awarded', list.id)).toHaveLength(1);
    });
  });

  it('blind program: nothing in the expert’s view of the application names the team, its organizations or members', async () => {
    await newWorld();
    const drawn = await t.http.post(`/api/v1/challenges/${blindList.id}/review`).set(admin.headers);
    expect(drawn.status).toBe(201);
    const member = byExpertId(
      (drawn.body.members as PanelMember[]).find((m) => m.role === 'member')!.expertId,
    );
    const [assignment] = await assignmentsOf(member, blindList.id);
    const declared = await declare(member, assignment.id, { conflict: false });
    expect(declared.status).toBe(200);
    expect(declared.body.teamName).toBeNull();
    const res = await t.http
      .get(`/api/v1/review-assignments/${assignment.id}/application`)
      .set(member.actor.headers);
    expect(res.status).toBe(200);
    expect(res.body.blind).toBe(true);
    expect(res.body.team).toBeUndefined();
    expect(res.body.attachments).toEqual([
      { label: '附件1', contentType: 'text/plain', sizeBytes: expect.any(Number) },
    ]);
    expect(res.body.technicalPlan).toEqual(expect.any(String));
    expect(res.body.indicatorCommitments).toHaveLength(2);

    const team = (await t.http.get(`/api/v1/teams/${blindBid.team.id}`).set(bidderC.headers)).body;
    const identifying = [
      team.name,
      team.id,
      bidderC.organizationId,
      partner.organizationId,
      '丙科技公司',
      '丁联合体大学',
      '赵成员',
      '钱成员',
      partner.userId,
      blindBid.team.leader.userId,
      bidderC.userId,
      blindFilename,
      blindBid.id,
    ];
    const [leader] = await t.dataSource.query(`SELECT display_name FROM users WHERE id = $1`, [
      blindBid.team.leader.userId,
    ]);
    identifying.push(leader.display_name);
    const body = JSON.stringify(res.body);
    const strings = jsonStrings(res.body);
    for (const secret of identifying) {
      expect(typeof secret).toBe('string');
      expect(body).not.toContain(secret);
      expect(strings.some((s) => s.includes(secret))).toBe(false);
    }
    const listing = JSON.stringify(await assignmentsOf(member, blindList.id));
    for (const secret of identifying) expect(listing).not.toContain(secret);

    // The admin closes it early with a reason; the issuer's ranking hides team names in this program.
    const closed = await t.http
      .post(`/api/v1/challenges/${blindList.id}/review/close`)
      .set(admin.headers)
      .send({ reason: '评审时限已到' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', closeReason: '评审时限已到' });
    const issuerView = await t.http.get(`/api/v1/challenges/${blindList.id}/ranking`).set(issuer.headers);
    expect(issuerView.status).toBe(200);
    expect(issuerView.body.items).toEqual([
      expect.objectContaining({ rank: 1, teamName: null, scoreCount: 0, score: null, passes: false }),
    ]);
  });
});
