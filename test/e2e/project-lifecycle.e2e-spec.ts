import { TestContext, WORLDS_ENV } from '../support/context';
import { Actor, outboxEvents } from '../support/factories';
import { AwardedList, retireOtherExperts } from '../support/projects';
import { createTestApp, TestApp } from '../support/test-app';

/** Odd amounts, so that no share divides evenly and every rounding rule is exercised. */
const FISCAL = 123_456_789;

interface Payment {
  id: string;
  payer: 'fiscal' | 'issuer';
  kind: 'first' | 'milestone' | 'final';
  milestonePosition: number | null;
  amountFen: number;
  status: string;
  version: number;
}

interface Totals {
  payer: string;
  budgetFen: number;
  awaitingApprovalFen: number;
  awaitingPaymentFen: number;
  scheduledFen: number;
  approvedFen: number;
  paidFen: number;
  cancelledFen: number;
  releasedFen: number;
}

/**
 * The whole path of one project over HTTP, from the award to `accepted`: the task book's three
 * signatures, the first tranche within its cap, two milestones reported, passed and paid, the
 * acceptance panel's verdicts, the pass and the final tranche — and the ledger adds up to the task
 * book exactly, per payer. Each test takes a project of its own from the award (ctx) through the
 * stages before its own, as the earlier tests do, then through its stage.
 */
describe('a project from award to acceptance (立项 → 拨付 → 验收)', () => {
  let t: TestApp;
  let ctx: TestContext;
  // The world of the running test (newProject).
  let award: AwardedList;
  let admin: Actor;
  let bidder: Actor;
  let projectId: string;

  const api = (path: string) => `/api/v1${path}`;
  const project = async () => {
    const res = await t.http.get(api(`/projects/${projectId}`)).set(bidder.headers);
    expect(res.status).toBe(200);
    return res.body as {
      status: string;
      fiscalFen: number;
      issuerFen: number;
      milestones: Array<{ id: string; position: number; status: string }>;
      taskBook: { indicators: Array<{ indicatorId: string; name: string }> };
    };
  };
  const payments = async () => {
    const res = await t.http.get(api(`/projects/${projectId}/payments`)).set(award.issuer.headers);
    expect(res.status).toBe(200);
    return res.body as { totals: Totals[]; items: Payment[]; projectStatus: string };
  };
  const budgets = async () => {
    const [row] = await t.dataSource.query(`SELECT fiscal_fen, issuer_fen FROM projects WHERE id = $1`, [
      projectId,
    ]);
    return { fiscal: Number(row.fiscal_fen), issuer: Number(row.issuer_fen) };
  };
  const confirm = (payment: Payment, key: string) =>
    t.http
      .post(api(`/payments/${payment.id}/confirm`))
      .set(admin.headers)
      .set('Idempotency-Key', key);
  /** Pays the tranches of a kind (and milestone) for both payers, approving them first if needed. */
  const pay = async (kind: Payment['kind'], position: number | null = null) => {
    const tranches = (await payments()).items.filter(
      (p) => p.kind === kind && p.milestonePosition === position,
    );
    expect(tranches.map((p) => p.payer).sort()).toEqual(['fiscal', 'issuer']);
    for (const tranche of tranches) {
      if (tranche.status === 'scheduled') {
        const approved = await t.http.post(api(`/payments/${tranche.id}/approve`)).set(admin.headers);
        expect(approved.status).toBe(200);
        expect(approved.body.status).toBe('approved');
      }
      const paid = await confirm(tranche, `pay-${tranche.id}`);
      expect(paid.status).toBe(200);
      expect(paid.body).toMatchObject({ status: 'paid', amountFen: tranche.amountFen });
    }
  };

  /** Stage 1: the three signatures activate the project; the first tranche of each payer is paid. */
  const signedAndFirstPaid = async () => {
    const signers = [award.issuer, bidder, admin];
    for (const [i, signer] of signers.entries()) {
      const signed = await t.http.post(api(`/projects/${projectId}/sign`)).set(signer.headers);
      expect(signed.status).toBe(200);
      expect(signed.body.status).toBe(i < 2 ? 'pending_signature' : 'active');
    }
    expect((await project()).status).toBe('active');

    const { fiscal, issuer } = await budgets();
    expect(fiscal).toBe(FISCAL);
    expect(issuer).toBeGreaterThan(0);
    const [{ settings }] = await t.dataSource.query(`SELECT settings FROM programs WHERE id = $1`, [
      award.programId,
    ]);
    const capPercent = Number(settings.firstTranchePercent ?? 30);
    const planned = await payments();
    for (const [payer, budget] of [
      ['fiscal', fiscal],
      ['issuer', issuer],
    ] as const) {
      const mine = planned.items.filter((p) => p.payer === payer);
      expect(mine.map((p) => [p.kind, p.milestonePosition])).toEqual([
        ['first', null],
        ['milestone', 0],
        ['milestone', 1],
        ['final', null],
      ]);
      // Planned exactly to the task book; only the first approved, and within the cap.
      expect(mine.reduce((sum, p) => sum + p.amountFen, 0)).toBe(budget);
      expect(mine[0].status).toBe('approved');
      expect(mine[0].amountFen).toBeLessThanOrEqual(Math.floor((budget * capPercent) / 100));
      expect(mine.slice(1).map((p) => p.status)).toEqual(['scheduled', 'scheduled', 'scheduled']);
    }
    await pay('first');
  };
  /** Stage 2: two milestones reported with evidence, passed, and their tranches paid. */
  const milestonesPaid = async () => {
    const { milestones, taskBook } = await project();
    expect(milestones.map((m) => m.position)).toEqual([0, 1]);
    for (const milestone of milestones) {
      const evidence = await t.http
        .post(api('/attachments'))
        .set(bidder.headers)
        .attach('file', Buffer.from(`里程碑 ${milestone.position} 检测报告`, 'utf8'), {
          filename: '检测报告.txt',
          contentType: 'text/plain',
        });
      expect(evidence.status).toBe(201);
      const reported = await t.http
        .post(api(`/milestones/${milestone.id}/reports`))
        .set(bidder.headers)
        .send({
          summary: '阶段任务完成，指标达到阶段目标',
          indicatorProgress: taskBook.indicators.map((i) => ({
            indicatorId: i.indicatorId,
            progress: '达标',
          })),
          evidenceAttachmentIds: [evidence.body.id],
        });
      expect(reported.status).toBe(201);
      const assessed = await t.http
        .post(api(`/milestones/${milestone.id}/assessment`))
        .set(admin.headers)
        .send({ outcome: 'passed', opinion: '专家组评估通过', issuerOpinion: '发榜方同意' });
      expect(assessed.status).toBe(200);
      expect(assessed.body.status).toBe('passed');
      await pay('milestone', milestone.position);
    }
    expect(await outboxEvents(t, 'milestone.assessed', projectId)).toHaveLength(2);
  };
  /** Stage 3: the acceptance requested, judged by the drawn panel and passed; the final tranche paid. */
  const acceptedAndFinalPaid = async () => {
    const { taskBook } = await project();
    // The acceptance panel is drawn from the pool: this world's three experts, nobody else's.
    await retireOtherExperts(
      t,
      admin,
      award.experts.map((e) => e.expertId),
    );
    const requested = await t.http
      .post(api(`/projects/${projectId}/acceptance`))
      .set(bidder.headers)
      .send({
        summary: '任务书全部指标完成，申请验收',
        measurements: taskBook.indicators.map((i) => ({
          indicatorId: i.indicatorId,
          measuredValue: '实测达标',
        })),
      });
    expect(requested.status).toBe(201);
    const acceptanceId = requested.body.id as string;
    expect((await project()).status).toBe('acceptance_requested');

    const panel = await t.http.get(api(`/acceptances/${acceptanceId}`)).set(admin.headers);
    const members = (
      panel.body.panel.members as Array<{ id: string; expertId: string; status: string }>
    ).filter((m) => m.status === 'pending');
    expect(members).toHaveLength(3);
    for (const member of members) {
      const expert = award.experts.find((e) => e.expertId === member.expertId);
      if (!expert) throw new Error(`Expert ${member.expertId} is not one of the list's experts`);
      await t.http
        .post(api(`/acceptance-assignments/${member.id}/declare`))
        .set(expert.actor.headers)
        .send({ conflict: false })
        .expect(200);
      await t.http
        .post(api(`/acceptances/${acceptanceId}/verdicts`))
        .set(expert.actor.headers)
        .send({
          verdicts: taskBook.indicators.map((i) => ({
            indicatorId: i.indicatorId,
            verdict: 'met',
            comment: '达标',
          })),
        })
        .expect(200);
    }
    const decided = await t.http
      .post(api(`/acceptances/${acceptanceId}/decide`))
      .set(admin.headers)
      .send({ outcome: 'passed', reason: '全部指标达到任务书要求', issuerOpinion: '发榜方同意通过验收' });
    expect(decided.status).toBe(200);
    expect(decided.body.status).toBe('passed');
    expect((await project()).status).toBe('accepted');

    await pay('final');
  };

  /** A project just awarded (pending signatures), of a list of its own. */
  const newProject = async () => {
    award = await ctx.newAwardedChallenge({ winners: 1, losers: 1, bid: { requestedFiscalFen: FISCAL } });
    admin = award.admin;
    bidder = award.lines[0].bidder;
    projectId = award.lines[0].projectId;
  };

  beforeAll(async () => {
    t = await createTestApp({ env: WORLDS_ENV });
    ctx = new TestContext(t);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('three signatures activate it; the first tranche of each payer is approved within its cap and paid', async () => {
    await newProject();
    await signedAndFirstPaid();
  });

  it('two milestones are reported with evidence, passed, and their tranches paid', async () => {
    await newProject();
    await signedAndFirstPaid();
    await milestonesPaid();
  });

  it('acceptance: requested with measured values, verdicts of the drawn panel, passed; the final tranche is paid', async () => {
    await newProject();
    await signedAndFirstPaid();
    await milestonesPaid();
    await acceptedAndFinalPaid();
  });

  it('the ledger adds up to the task book exactly, per payer, and nothing is left to pay', async () => {
    await newProject();
    await signedAndFirstPaid();
    await milestonesPaid();
    await acceptedAndFinalPaid();
    const { fiscal, issuer } = await budgets();
    const body = await payments();
    expect(body.projectStatus).toBe('accepted');
    expect(body.items.every((p) => p.status === 'paid')).toBe(true);
    expect(body.totals).toEqual(
      expect.arrayContaining([
        {
          payer: 'fiscal',
          budgetFen: fiscal,
          awaitingApprovalFen: 0,
          awaitingPaymentFen: 0,
          scheduledFen: 0,
          approvedFen: 0,
          paidFen: fiscal,
          cancelledFen: 0,
          releasedFen: 0,
        },
        {
          payer: 'issuer',
          budgetFen: issuer,
          awaitingApprovalFen: 0,
          awaitingPaymentFen: 0,
          scheduledFen: 0,
          approvedFen: 0,
          paidFen: issuer,
          cancelledFen: 0,
          releasedFen: 0,
        },
      ]),
    );

    // The same from the append-only entries themselves, and from the challenge's ledger.
    const sums = await t.dataSource.query<Array<{ payer: string; paid: string }>>(
      `SELECT payer, SUM(amount_fen)::text AS paid FROM ledger_entries
       WHERE project_id = $1 AND kind = 'paid' GROUP BY payer ORDER BY payer`,
      [projectId],
    );
    expect(sums).toEqual([
      { payer: 'fiscal', paid: String(fiscal) },
      { payer: 'issuer', paid: String(issuer) },
    ]);
    const ledger = await t.http
      .get(api(`/challenges/${award.list.id}/ledger?limit=100`))
      .set(award.issuer.headers);
    expect(ledger.status).toBe(200);
    const paidOf = (payer: string) =>
      (ledger.body.totals as Array<{ payer: string; paidFen: number }>).find((x) => x.payer === payer)
        ?.paidFen;
    expect(paidOf('fiscal')).toBe(fiscal);
    expect(paidOf('issuer')).toBe(issuer);
    // Four tranches per payer, each paid once, each with its event.
    expect(await outboxEvents(t, 'payment.paid', projectId)).toHaveLength(8);

    // Nothing more can be paid: a replayed confirmation answers as before, a new one is 409.
    const last = body.items[body.items.length - 1];
    const replay = await confirm(last, `pay-${last.id}`);
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotency-replayed']).toBe('true');
    expect((await confirm(last, 'another-key')).status).toBe(409);
  });
});
