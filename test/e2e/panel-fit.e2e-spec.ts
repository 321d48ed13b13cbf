import { createTeam, Listed, submittedBid } from '../support/applications';
import { createProgram, DAY, publishChallenge } from '../support/challenges';
import { WORLDS_ENV } from '../support/context';
import { Actor, bearer, createAdmin, login, registerOrg } from '../support/factories';
import { retireOtherExperts } from '../support/projects';
import { createExpert, TestExpert } from '../support/reviews';
import { createTestApp, TestApp } from '../support/test-app';
import { MatchIndex } from '../../src/modules/platform/terms/match-index.service';

/**
 * The expert draw with the matching signal (ADR 0060): an expert of the list's chain whose
 * keywords share no term with the list's public title and summary is not drawn, and an expert at
 * the program's yearly cap of panel seats is not drawn either.
 */
describe('panel draw by fit (专家抽取: 领域匹配, 年度上限)', () => {
  let t: TestApp;
  let admin: Actor;
  let issuer: Actor;
  let bidder: Actor;
  let programId: string;
  let fitting: TestExpert[];
  let unrelated: TestExpert;

  const relogin = async () => {
    for (const actor of [admin, issuer, bidder]) {
      const tokens = await login(t, actor.email);
      actor.accessToken = tokens.accessToken;
      actor.headers = bearer(tokens.accessToken);
    }
  };

  /** A list of the program (the default title: 高温超导 cable) open now, with one eligible bid. */
  const closedList = async (): Promise<Listed> => {
    const now = t.clock.now().getTime();
    const list = (await publishChallenge(t, issuer, admin, programId, {
      opensAt: new Date(now - 60 * 60 * 1000).toISOString(),
      closesAt: new Date(now + 10 * DAY).toISOString(),
    })) as unknown as Listed;
    const team = await createTeam(t, bidder, { name: `匹配团队${now}` });
    const bid = await submittedBid(t, bidder, list, team);
    const checked = await t.http
      .post(`/api/v1/applications/${bid.id}/formal-check`)
      .set(admin.headers)
      .send({ outcome: 'eligible' });
    expect(checked.status).toBe(200);
    t.clock.set(new Date(now + 11 * DAY));
    await relogin();
    return list;
  };

  beforeAll(async () => {
    t = await createTestApp({ env: WORLDS_ENV });
    t.clock.set('2027-03-01T02:00:00.000Z');
    admin = await createAdmin(t);
    issuer = await registerOrg(t, { role: 'issuer', type: 'enterprise', name: '匹配发榜集团' });
    bidder = await registerOrg(t, { role: 'applicant', type: 'university', name: '匹配揭榜大学' });
    const home = await registerOrg(t, { role: 'applicant', type: 'university', name: '匹配专家大学' });
    programId = await createProgram(t, admin, {
      settings: { panelSize: 3, reserveExperts: 1, minEnterpriseExpertPercent: 0, expertYearlyPanelCap: 1 },
    });
    fitting = [];
    for (let i = 0; i < 4; i++) {
      fitting.push(
        await createExpert(t, admin, home.organizationId, `超导专家${i + 1}`, {
          keywords: i % 2 ? ['超导'] : ['高温超导', '电缆'],
        }),
      );
    }
    // Same industry chain (new_materials), expertise that shares no term with the list.
    unrelated = await createExpert(t, admin, home.organizationId, '陶瓷釉料专家', {
      keywords: ['陶瓷釉料', '日用瓷'],
    });
    await retireOtherExperts(
      t,
      admin,
      [...fitting, unrelated].map((e) => e.expertId),
    );
  });

  afterAll(async () => {
    await t?.close();
  });

  it('does not draw an expert of the chain sharing no term with the list, and records why', async () => {
    const list = await closedList();
    const res = await t.http.post(`/api/v1/challenges/${list.id}/review`).set(admin.headers);
    expect(res.status).toBe(201);
    const drawnIds = (res.body.members as Array<{ expertId: string }>).map((m) => m.expertId).sort();
    expect(drawnIds).toEqual(fitting.map((e) => e.expertId).sort());
    expect(drawnIds).not.toContain(unrelated.expertId);

    const [audit] = await t.dataSource.query<Array<{ after: Record<string, unknown> }>>(
      `SELECT after FROM audit_events WHERE action = 'review.started' AND object_id = $1`,
      [list.id],
    );
    expect(audit.after.excluded).toEqual([{ expertId: unrelated.expertId, noOverlap: true }]);
    const fits = audit.after.candidateFits as Record<string, { fit: number; sharedTerms: string[] }>;
    expect(Object.keys(fits).sort()).toEqual(fitting.map((e) => e.expertId).sort());
    for (const e of fitting) expect(fits[e.expertId].sharedTerms).toContain('超导');
    expect(audit.after.drawRule).toMatch(/^HMAC-SHA256\(seed, expertId\) ascending/);
  });

  it('keeps experts in the matching library: a need finds the fitting experts, explained', async () => {
    const matches = await t
      .get(MatchIndex)
      .topMatchesFor({ texts: ['高温超导电缆的交流损耗测试'], chains: ['new_materials'] }, 'expert', 10);
    const ids = matches.map((m) => m.id);
    expect(ids.sort()).toEqual(fitting.map((e) => e.expertId).sort());
    expect(matches[0].explanation.chain).toEqual({ overlap: ['new_materials'], score: 1 });
    expect(matches[0].explanation.terms.shared.map((s) => s.term)).toContain('超导');
  });

  it('does not draw, in the same calendar year, an expert who reached the yearly cap of panel seats', async () => {
    const list = await closedList();
    const res = await t.http.post(`/api/v1/challenges/${list.id}/review`).set(admin.headers);
    // The three members of the first panel hold their one seat of 2027; the reserve was never called.
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      code: 'PANEL_UNDERSTAFFED',
      qualifiedExperts: 1,
      excludedForYearlyCap: 3,
      excludedForNoOverlap: 1,
    });
  });
});
