import { randomUUID } from 'node:crypto';
import { ActiveProject, TestContext, WORLDS_ENV } from '../support/context';
import { Actor, auditRows, outboxEvents, registerOrg } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

interface PaymentRow {
  id: string;
  payer: 'fiscal' | 'issuer';
  kind: 'first' | 'milestone' | 'final';
  milestonePosition: number | null;
  amountFen: number;
  status: string;
  version: number;
}

const FISCAL = 123_456_789;

describe('money ledger (拨付)', () => {
  let t: TestApp;
  let ctx: TestContext;
  /** The world of the running test (each `it` builds its own through ctx). */
  let world: ActiveProject;

  const api = (path: string) => `/api/v1${path}`;
  const payments = async (id: string, actor: Actor = world.admin) => {
    const res = await t.http.get(api(`/projects/${id}/payments`)).set(actor.headers);
    expect(res.status).toBe(200);
    return res.body as { totals: Array<Record<string, number | string>>; items: PaymentRow[] };
  };
  const tranche = async (id: string, payer: string, kind: string, position: number | null = null) =>
    (await payments(id)).items.find(
      (p) => p.payer === payer && p.kind === kind && p.milestonePosition === position,
    )!;
  const entries = (paymentId: string) =>
    t.dataSource.query<Array<{ kind: string; amount_fen: string }>>(
      `SELECT kind, amount_fen FROM ledger_entries WHERE payment_id = $1 ORDER BY id`,
      [paymentId],
    );
  /** An active project of a challenge awarded to `winners` lines, every bid asking for FISCAL. */
  const activeProject = (winners = 1) =>
    ctx.newActiveProject({ winners, losers: 1, bid: { requestedFiscalFen: FISCAL } });
  /**
   * The world of a test: an active project whose fiscal first tranche was paid and whose first
   * milestone's tranche is approved.
   */
  const paidAndApproved = async () => {
    const paid = await ctx.newPaidTranche({ losers: 1, bid: { requestedFiscalFen: FISCAL } });
    world = paid;
    await paid.assessMilestone(0, 'passed');
    const m1 = await tranche(paid.projectId, 'fiscal', 'milestone', 0);
    expect((await t.http.post(api(`/payments/${m1.id}/approve`)).set(paid.admin.headers)).status).toBe(200);
    return paid;
  };

  beforeAll(async () => {
    t = await createTestApp({ env: WORLDS_ENV });
    ctx = new TestContext(t);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('activation plans tranches whose sums per payer equal the project amounts exactly and approves the first within its cap', async () => {
    world = await activeProject();
    const { projectId } = world;
    const [project] = await t.dataSource.query(`SELECT fiscal_fen, issuer_fen FROM projects WHERE id = $1`, [
      projectId,
    ]);
    const fiscal = Number(project.fiscal_fen);
    const issuer = Number(project.issuer_fen);
    expect(fiscal).toBe(FISCAL);
    const body = await payments(projectId, world.lines[0].bidder);
    for (const [payer, budget] of [
      ['fiscal', fiscal],
      ['issuer', issuer],
    ] as const) {
      const mine = body.items.filter((p) => p.payer === payer);
      expect(mine.map((p) => [p.kind, p.milestonePosition])).toEqual([
        ['first', null],
        ['milestone', 0],
        ['milestone', 1],
        ['final', null],
      ]);
      expect(mine.reduce((a, p) => a + p.amountFen, 0)).toBe(budget);
      const first = mine[0];
      expect(first.status).toBe('approved');
      expect(first.amountFen).toBe(Math.floor((budget * 30) / 100));
      expect(mine.slice(1).every((p) => p.status === 'scheduled')).toBe(true);
      expect(body.totals.find((x) => x.payer === payer)).toEqual({
        payer,
        budgetFen: budget,
        awaitingApprovalFen: budget - first.amountFen,
        awaitingPaymentFen: first.amountFen,
        scheduledFen: budget - first.amountFen,
        approvedFen: first.amountFen,
        paidFen: 0,
        cancelledFen: 0,
        releasedFen: 0,
      });
      expect((await entries(first.id)).map((e) => e.kind)).toEqual(['scheduled', 'approved']);
    }
    // Rounding: floors, remainder on the last milestone (ADR 0028).
    expect(body.items.filter((p) => p.payer === 'fiscal').map((p) => p.amountFen)).toEqual([
      37_037_036, 24_691_358, 37_037_038, 24_691_357,
    ]);
    // This world's approvals: the first tranche of each payer.
    const ids = body.items.map((p) => p.id);
    expect((await auditRows(t, 'payment.approved')).filter((r) => ids.includes(r.object_id))).toHaveLength(2);
    expect(await auditRows(t, 'payments.planned', projectId)).toHaveLength(1);
  });

  it('approving a milestone tranche whose milestone has not passed answers 422 and changes nothing', async () => {
    // Two lines: the second's project has its first milestone passed with conditions.
    world = await activeProject(2);
    const { projectId, admin } = world;
    const m1 = await tranche(projectId, 'fiscal', 'milestone', 0);
    const res = await t.http.post(api(`/payments/${m1.id}/approve`)).set(admin.headers);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('BUSINESS_RULE_VIOLATION');
    expect(res.body.detail).toContain('position 0 is pending');
    // Paying it outright is refused for the same reason (not merely as "not approved").
    const paid = await t.http
      .post(api(`/payments/${m1.id}/confirm`))
      .set(admin.headers)
      .set('Idempotency-Key', 'pay-before-milestone-passed');
    expect(paid.status).toBe(422);
    expect(paid.body.detail).toContain('position 0 is pending');
    const after = await tranche(projectId, 'fiscal', 'milestone', 0);
    expect(after).toEqual(m1);
    expect((await entries(m1.id)).map((e) => e.kind)).toEqual(['scheduled']);

    // Passed with conditions does not release it while the program setting is off.
    await world.activate(1);
    expect((await world.assessMilestone(0, 'conditionally_passed', 1)).status).toBe('conditionally_passed');
    const conditional = await tranche(world.lines[1].projectId, 'fiscal', 'milestone', 0);
    const refused = await t.http.post(api(`/payments/${conditional.id}/approve`)).set(admin.headers);
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toContain('position 0 is conditionally_passed');
    // The final tranche waits for acceptance; non-admins may not approve.
    const final = await tranche(projectId, 'fiscal', 'final');
    const early = await t.http.post(api(`/payments/${final.id}/approve`)).set(admin.headers);
    expect(early.status).toBe(422);
    expect(early.body.detail).toContain('after acceptance');
    const earlyPaid = await t.http
      .post(api(`/payments/${final.id}/confirm`))
      .set(admin.headers)
      .set('Idempotency-Key', 'pay-final-before-acceptance');
    expect(earlyPaid.status).toBe(422);
    expect(earlyPaid.body.detail).toContain('after acceptance');
    expect(
      (await t.http.post(api(`/payments/${m1.id}/approve`)).set(world.lines[0].bidder.headers)).status,
    ).toBe(403);

    expect((await world.assessMilestone(0, 'passed')).status).toBe('passed');
    const ok = await t.http.post(api(`/payments/${m1.id}/approve`)).set(admin.headers);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'approved', version: m1.version + 1, milestonePosition: 0 });
    expect(ok.headers.etag).toBe(`"${m1.version + 1}"`);
    const again = await t.http.post(api(`/payments/${m1.id}/approve`)).set(admin.headers);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('INVALID_STATE_TRANSITION');
  });

  it('20 concurrent confirmations of one approved payment pay it exactly once', async () => {
    world = await activeProject();
    const { projectId, admin } = world;
    const first = await tranche(projectId, 'fiscal', 'first');
    const shared = randomUUID();
    const keys = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? shared : randomUUID()));
    const responses = await Promise.all(
      keys.map((key) =>
        t.http
          .post(api(`/payments/${first.id}/confirm`))
          .set(admin.headers)
          .set('Idempotency-Key', key),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const fresh = responses.filter((r) => r.status === 200 && r.headers['idempotency-replayed'] !== 'true');
    expect(fresh).toHaveLength(1);
    for (const r of responses.filter((x) => x.status === 200)) {
      expect(r.body).toMatchObject({ id: first.id, status: 'paid' });
    }
    for (const r of responses.filter((x) => x.status === 409)) {
      expect(['INVALID_STATE_TRANSITION', 'IDEMPOTENCY_KEY_IN_USE']).toContain(r.body.code);
    }
    expect((await entries(first.id)).filter((e) => e.kind === 'paid')).toHaveLength(1);
    const events = (await outboxEvents(t, 'payment.paid', projectId)).filter(
      (e) => e.data.paymentId === first.id,
    );
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({
      projectId,
      challengeId: world.list.id,
      payer: 'fiscal',
      amountFen: first.amountFen,
      milestonePosition: null,
    });
    expect(await auditRows(t, 'payment.paid', first.id)).toHaveLength(1);

    // Afterwards: the winner's key replays its answer; any other key is refused.
    const winnerKey = keys[responses.indexOf(fresh[0])];
    const replay = await t.http
      .post(api(`/payments/${first.id}/confirm`))
      .set(admin.headers)
      .set('Idempotency-Key', winnerKey);
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotency-replayed']).toBe('true');
    const other = await t.http
      .post(api(`/payments/${first.id}/confirm`))
      .set(admin.headers)
      .set('Idempotency-Key', randomUUID());
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('INVALID_STATE_TRANSITION');
    expect((await payments(projectId)).totals.find((x) => x.payer === 'fiscal')!.paidFen).toBe(
      first.amountFen,
    );
  });

  it('the paid sum can never exceed the task book: the database refuses', async () => {
    world = await paidAndApproved();
    const { projectId } = world;
    const m1 = await tranche(projectId, 'fiscal', 'milestone', 0);
    expect(m1.status).toBe('approved');
    // Raw SQL on purpose in this test: no API writes such rows; it proves the database's own
    // triggers refuse them (every write below is rolled back).
    // An extra tranche, approved or even scheduled, does not fit the fiscal amount.
    const insert = (status: string, amount: number) =>
      t.dataSource.query(
        `INSERT INTO payments (project_id, challenge_id, payer, kind, sequence, amount_fen, status, created_at, updated_at)
         VALUES ($1, $2, 'fiscal', 'first', 99, $3, $4, now(), now())`,
        [projectId, world.list.id, amount, status],
      );
    await expect(insert('approved', 1)).rejects.toThrow(/inserted scheduled/);
    await expect(insert('paid', 1)).rejects.toThrow(/inserted scheduled/);
    await expect(insert('scheduled', 1)).rejects.toThrow(/exceed the fiscal budget/);
    // With the task book's amount lowered to what was paid, paying one more tranche is refused.
    await expect(
      t.dataSource.transaction(async (em) => {
        await em.query(
          `UPDATE projects SET fiscal_fen = (SELECT SUM(amount_fen) FROM payments WHERE project_id = $1 AND payer = 'fiscal' AND status = 'paid') WHERE id = $1`,
          [projectId],
        );
        await em.query(`UPDATE payments SET status = 'paid', version = version + 1 WHERE id = $1`, [m1.id]);
      }),
    ).rejects.toThrow(/exceed the fiscal amount of the task book/);
    // Skipping approval is refused too.
    const m2 = await tranche(projectId, 'fiscal', 'milestone', 1);
    await expect(
      t.dataSource.query(`UPDATE payments SET status = 'paid' WHERE id = $1`, [m2.id]),
    ).rejects.toThrow(/cannot go from scheduled to paid/);
    expect((await tranche(projectId, 'fiscal', 'milestone', 0)).status).toBe('approved');
  });

  it('ledger entries and tranches cannot be edited or deleted, and no status changes without its entry', async () => {
    world = await paidAndApproved();
    const { projectId } = world;
    const m1 = await tranche(projectId, 'fiscal', 'milestone', 0);
    // Raw SQL on purpose in this test: edits no API makes, refused by the database's triggers.
    await expect(t.dataSource.query(`UPDATE ledger_entries SET amount_fen = amount_fen + 1`)).rejects.toThrow(
      /append-only/,
    );
    await expect(
      t.dataSource.query(`DELETE FROM ledger_entries WHERE payment_id = $1`, [m1.id]),
    ).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`TRUNCATE ledger_entries CASCADE`)).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`DELETE FROM payments WHERE id = $1`, [m1.id])).rejects.toThrow(
      /never deleted/,
    );
    await expect(
      t.dataSource.query(`UPDATE payments SET amount_fen = amount_fen + 1 WHERE id = $1`, [m1.id]),
    ).rejects.toThrow(/never change/);
    await expect(
      t.dataSource.query(`UPDATE payments SET payer = 'issuer' WHERE id = $1`, [m1.id]),
    ).rejects.toThrow(/never change/);
    const paid = await tranche(projectId, 'fiscal', 'first');
    await expect(
      t.dataSource.query(`UPDATE payments SET status = 'cancelled' WHERE id = $1`, [paid.id]),
    ).rejects.toThrow(/cannot go from paid to cancelled/);
    // A legal transition without its ledger entry fails at commit (deferred constraint trigger).
    await expect(
      t.dataSource.query(`UPDATE payments SET status = 'cancelled', version = version + 1 WHERE id = $1`, [
        m1.id,
      ]),
    ).rejects.toThrow(/without its ledger entry/);
    expect((await entries(m1.id)).map((e) => e.kind)).toEqual(['scheduled', 'approved']);
    expect((await tranche(projectId, 'fiscal', 'milestone', 0)).status).toBe('approved');
  });

  it('a failed earlier milestone blocks the tranche of a later one (422)', async () => {
    world = await activeProject();
    const { projectId, admin } = world;
    expect((await world.assessMilestone(0, 'failed')).status).toBe('failed');
    expect((await world.assessMilestone(1, 'passed')).status).toBe('passed');
    const m2 = await tranche(projectId, 'issuer', 'milestone', 1);
    const res = await t.http.post(api(`/payments/${m2.id}/approve`)).set(admin.headers);
    expect(res.status).toBe(422);
    expect(res.body.detail).toContain('position 0 failed');
    expect((await tranche(projectId, 'issuer', 'milestone', 1)).status).toBe('scheduled');
    // Reported again (the program's one resubmission) and passed this time.
    expect((await world.assessMilestone(0, 'passed')).status).toBe('passed');
    expect((await t.http.post(api(`/payments/${m2.id}/approve`)).set(admin.headers)).status).toBe(200);
  });

  it("termination cancels the unpaid tranches and the released amounts show in the list's ledger", async () => {
    world = await ctx.newPaidTranche({ bid: { requestedFiscalFen: FISCAL } });
    const { admin, projectId: otherProjectId } = world;
    const first = await tranche(otherProjectId, 'fiscal', 'first');
    expect(first.status).toBe('paid');
    const [project] = await t.dataSource.query(`SELECT fiscal_fen, issuer_fen FROM projects WHERE id = $1`, [
      otherProjectId,
    ]);
    const terminated = await t.http
      .post(api(`/projects/${otherProjectId}/terminate`))
      .set(admin.headers)
      .send({ reason: '阶段评估未通过' });
    expect(terminated.status).toBe(200);
    expect(terminated.body.status).toBe('terminated');
    // What the ledger released, as the termination's audit row recorded it.
    const [audit] = await t.dataSource.query<Array<{ after: Record<string, number> }>>(
      `SELECT after FROM audit_events WHERE action = 'project.terminated' AND object_id = $1`,
      [otherProjectId],
    );
    const released = { fiscalFen: audit.after.releasedFiscalFen, issuerFen: audit.after.releasedIssuerFen };
    expect(released).toEqual({
      fiscalFen: Number(project.fiscal_fen) - first.amountFen,
      issuerFen: Number(project.issuer_fen),
    });
    const after = await payments(otherProjectId);
    expect(after.items.filter((p) => p.id !== first.id).every((p) => p.status === 'cancelled')).toBe(true);
    expect(after.items.find((p) => p.id === first.id)!.status).toBe('paid');
    expect(after.totals.find((x) => x.payer === 'fiscal')).toMatchObject({
      paidFen: first.amountFen,
      releasedFen: released.fiscalFen,
      awaitingApprovalFen: 0,
      awaitingPaymentFen: 0,
      scheduledFen: 0,
      approvedFen: 0,
    });

    const ledger = await t.http
      .get(api(`/challenges/${world.list.id}/ledger`))
      .query({ limit: 100 })
      .set(world.issuer.headers);
    expect(ledger.status).toBe(200);
    const releasedEntries = ledger.body.items.filter((e: { kind: string }) => e.kind === 'released');
    expect(
      releasedEntries.map((e: { payer: string; amountFen: number; projectId: string }) => [
        e.projectId,
        e.payer,
        e.amountFen,
      ]),
    ).toEqual([
      [otherProjectId, 'fiscal', released.fiscalFen],
      [otherProjectId, 'issuer', released.issuerFen],
    ]);
    expect(ledger.body.totals.find((x: { payer: string }) => x.payer === 'fiscal').releasedFen).toBe(
      released.fiscalFen,
    );
    // The ledger's totals are running totals of its entries: every tranche was scheduled once, so
    // cumulativeScheduledFen is the whole budget although nothing is scheduled any more.
    const fiscalLedger = ledger.body.totals.find((x: { payer: string }) => x.payer === 'fiscal');
    const fiscalScheduled = (ledger.body.items as Array<{ payer: string; kind: string; amountFen: number }>)
      .filter((e) => e.payer === 'fiscal' && e.kind === 'scheduled')
      .reduce((a, e) => a + e.amountFen, 0);
    expect(fiscalScheduled).toBeGreaterThan(0);
    expect(fiscalLedger).toMatchObject({
      cumulativeScheduledFen: fiscalScheduled,
      scheduledFen: fiscalScheduled, // deprecated, the same number for one version
    });
    expect(fiscalLedger.cumulativeApprovedFen).toBe(fiscalLedger.approvedFen);
    expect(fiscalLedger.cumulativeApprovedFen).toBeGreaterThanOrEqual(first.amountFen);
    // Paging by keyset gives the same entries.
    const page1 = await t.http
      .get(api(`/challenges/${world.list.id}/ledger`))
      .query({ limit: 5 })
      .set(admin.headers);
    expect(page1.body.items).toEqual(ledger.body.items.slice(0, 5));
    const page2 = await t.http
      .get(api(`/challenges/${world.list.id}/ledger`))
      .query({ limit: 5, cursor: page1.body.nextCursor })
      .set(admin.headers);
    expect(page2.body.items).toEqual(ledger.body.items.slice(5, 10));

    // Nothing moves on a terminated project.
    const m1 = after.items.find((p) => p.payer === 'fiscal' && p.kind === 'milestone')!;
    expect((await t.http.post(api(`/payments/${m1.id}/approve`)).set(admin.headers)).status).toBe(409);
  });

  it('only the parties and admins see the payments; a losing applicant and an unrelated organization get 404', async () => {
    world = await ctx.newPaidTranche({ winners: 2, losers: 1, bid: { requestedFiscalFen: FISCAL } });
    const { projectId } = world;
    const stranger = await registerOrg(t, { role: 'applicant', type: 'enterprise' });
    for (const actor of [world.losers[0], stranger]) {
      const res = await t.http.get(api(`/projects/${projectId}/payments`)).set(actor.headers);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
      const first = await tranche(projectId, 'fiscal', 'first');
      expect((await t.http.get(api(`/payments/${first.id}`)).set(actor.headers)).status).toBe(404);
      expect((await t.http.get(api(`/challenges/${world.list.id}/ledger`)).set(actor.headers)).status).toBe(
        404,
      );
    }
    // The other line's applicant is no party of this project either.
    expect(
      (await t.http.get(api(`/projects/${projectId}/payments`)).set(world.lines[1].bidder.headers)).status,
    ).toBe(404);
    expect((await t.http.get(api(`/projects/${projectId}/payments`)).set(world.issuer.headers)).status).toBe(
      200,
    );
    const first = await tranche(projectId, 'fiscal', 'first');
    const detail = await t.http.get(api(`/payments/${first.id}`)).set(world.lines[0].bidder.headers);
    expect(detail.status).toBe(200);
    expect(detail.body.entries.map((e: { kind: string }) => e.kind)).toEqual([
      'scheduled',
      'approved',
      'paid',
    ]);
    expect(
      (await t.http.get(api(`/challenges/${world.list.id}/ledger`)).set(world.lines[0].bidder.headers))
        .status,
    ).toBe(404);
  });
});
