import { createTeam, Listed, submittedBid } from '../support/applications';
import { createProgram, DAY, draftChallenge, publishChallenge } from '../support/challenges';
import { TestContext } from '../support/context';
import { Actor, bearer, createAdmin, login, registerOrg } from '../support/factories';
import { awardedList } from '../support/projects';
import { createTestApp, TestApp } from '../support/test-app';
import { StatsRepository } from '../../src/modules/outreach/stats/stats.repository';
import { StatsService } from '../../src/modules/outreach/stats/stats.service';
import { StatsSnapshots, STATS_MAX_AGE_MS } from '../../src/modules/outreach/stats/stats-snapshots';

const M = 1_000_000;

interface Amounts {
  count: number;
  totalFen: number;
  fiscalFen: number;
  cofundingFen: number;
}

const amounts = (count: number, fiscalFen: number, cofundingFen: number): Amounts => ({
  count,
  totalFen: fiscalFen + cofundingFen,
  fiscalFen,
  cofundingFen,
});

/**
 * Six published challenges in three programs, in every kind of state, plus a draft and a challenge under
 * vetting that must never count:
 *
 * | challenge     | program (year) | category          | chain                  | region | status (clock) | applications | fiscal + co-funding |
 * | awarded  | P1 (2027)      | key_technology    | new_materials          | 360100 | awarded        | 4    | 300M + 200M |
 * | upcoming | P2 (2028)      | key_technology    | new_materials          | 360100 | published      | –    | 60M + 40M   |
 * | open     | P2 (2028)      | enterprise_demand | electronic_information | 360200 | open           | 1 (hidden) | 200M + 0 |
 * | closed   | P3 (2027)      | key_technology    | rare_earths            | 360200 | closed (by the clock) | 2 (+1 withdrawn) | 30M + 20M |
 * | failed   | P3 (2027)      | enterprise_demand | new_materials          | 360100 | unsuccessful   | 1    | 50M + 30M   |
 * | cancelled| P2 (2028)      | key_technology    | new_materials          | 360100 | cancelled      | –    | 10M + 0     |
 *
 * The awarded challenge is a horse race of three projects whose acceptances are passed, failed and
 * (still) conditional.
 */
describe('GET /stats/overview (public statistics)', () => {
  let t: TestApp;
  let admin: Actor;
  let issuerA: Actor;
  let issuerB: Actor;
  let p1: string;
  let p2: string;
  let p3: string;
  let openListId: string;

  const overview = (query: Record<string, string | number> = {}) =>
    t.http.get('/api/v1/stats/overview').query(query);

  // The statistics cover the whole database, and a test changes data or moves the clock: each test
  // has a database and a world of its own.
  beforeEach(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
    issuerA = await registerOrg(t, { role: 'issuer', type: 'enterprise', name: '南昌发榜企业' });

    // The awarded challenge (its own program, 2027) with three projects: acceptance passed, failed, conditional.
    const award = await awardedList(t, { admin, issuer: issuerA, winners: 3, losers: 1 });
    p1 = award.programId;
    const now = t.clock.now();
    const ctx = new TestContext(t);
    await ctx.decidedAcceptance(award, 0, { outcome: 'passed' });
    await ctx.decidedAcceptance(award, 1, { outcome: 'failed' });
    await ctx.decidedAcceptance(award, 2, {
      outcome: 'passed_with_conditions',
      conditions: '补充可靠性试验报告',
      conditionsDueAt: new Date(now.getTime() + 30 * DAY).toISOString(),
    });

    issuerB = await registerOrg(t, {
      role: 'issuer',
      type: 'enterprise',
      name: '赣州发榜企业',
      regionCode: '360200',
    });
    p2 = await createProgram(t, admin, { name: '2028 年揭榜挂帅', year: 2028 });
    p3 = await createProgram(t, admin, { name: '2027 年企业需求', year: 2027 });

    const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
    const publish = (issuer: Actor, programId: string, body: Record<string, unknown>) =>
      publishChallenge(t, issuer, admin, programId, body) as unknown as Promise<Listed>;
    const money = (fiscalFen: number, cofundingFen: number) => ({
      fiscalFen,
      cofundingFen,
      totalFen: fiscalFen + cofundingFen,
    });

    await publish(issuerA, p2, {
      ...money(60 * M, 40 * M),
      opensAt: at(10 * DAY),
      closesAt: at(40 * DAY),
    });
    const open = await publish(issuerB, p2, {
      ...money(200 * M, 0),
      category: 'enterprise_demand',
      industryChain: 'electronic_information',
      opensAt: at(-60 * 60 * 1000),
      closesAt: at(5 * DAY),
    });
    openListId = open.id;
    const closed = await publish(issuerB, p3, {
      ...money(30 * M, 20 * M),
      industryChain: 'rare_earths',
      opensAt: at(-60 * 60 * 1000),
      closesAt: at(2 * DAY),
    });
    const failed = await publish(issuerA, p3, {
      ...money(50 * M, 30 * M),
      category: 'enterprise_demand',
      opensAt: at(-60 * 60 * 1000),
      closesAt: at(2 * DAY),
    });
    const cancelled = await publish(issuerA, p2, {
      ...money(10 * M, 0),
      opensAt: at(DAY),
      closesAt: at(9 * DAY),
    });
    const cancel = await t.http
      .post(`/api/v1/challenges/${cancelled.id}/cancel`)
      .set(admin.headers)
      .send({ reason: '需求变更' });
    expect(cancel.status).toBe(200);

    // Never public: a draft and a challenge under vetting (same program as the others).
    await draftChallenge(t, issuerA, p2, { ...money(999 * M, 0) });
    const vetting = await draftChallenge(t, issuerA, p3, { ...money(888 * M, 0) });
    expect((await t.http.post(`/api/v1/challenges/${vetting.id}/submit`).set(issuerA.headers)).status).toBe(
      200,
    );

    // Applications: 1 on the open challenge (not counted: applications are still open), 2 + 1 withdrawn on the closed one, 1 on the failed one.
    const bid = async (list: Listed) => {
      const bidder = await registerOrg(t, { role: 'applicant', type: 'university' });
      return { bidder, bid: await submittedBid(t, bidder, list, await createTeam(t, bidder)) };
    };
    await bid(open);
    await bid(closed);
    await bid(closed);
    const withdrawn = await bid(closed);
    const res = await t.http
      .post(`/api/v1/applications/${withdrawn.bid.id}/withdraw`)
      .set(withdrawn.bidder.headers);
    expect(res.status).toBe(200);
    const failedBid = await bid(failed);
    const eligible = await t.http
      .post(`/api/v1/applications/${failedBid.bid.id}/formal-check`)
      .set(admin.headers)
      .send({ outcome: 'eligible' });
    expect(eligible.status).toBe(200);

    // Past both lists' closesAt: `closed` by the clock (no worker wrote it); then the failed list is
    // declared unsuccessful through the API: a panel of the award's three experts drawn and closed
    // unscored (流榜).
    t.clock.set(at(3 * DAY));
    const fresh = await login(t, admin.email);
    Object.assign(admin, { accessToken: fresh.accessToken, headers: bearer(fresh.accessToken) });
    await ctx.changeProgramSettings(admin, p3, {
      panelSize: 3,
      reserveExperts: 0,
      minEnterpriseExpertPercent: 0,
    });
    expect((await t.http.post(`/api/v1/challenges/${failed.id}/review`).set(admin.headers)).status).toBe(201);
    const closedPanel = await t.http
      .post(`/api/v1/challenges/${failed.id}/review/close`)
      .set(admin.headers)
      .send({ reason: '无人评分' });
    expect(closedPanel.status).toBe(200);
    const unsuccessful = await t.http
      .post(`/api/v1/challenges/${failed.id}/unsuccessful`)
      .set(admin.headers)
      .send({ reason: '无申请达到合格线' });
    expect(unsuccessful.status).toBe(200);
  });

  afterEach(async () => {
    await t?.close();
  });

  it('counts every published challenge once, by category, chain, region and status (by the clock), with exact amounts', async () => {
    const res = await overview();
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(res.headers.age).toBe('0');
    const body = res.body;
    expect(body).toMatchObject({ programId: null, year: null, generatedAt: t.clock.now().toISOString() });
    expect(body.lists).toEqual(amounts(6, 650 * M, 290 * M));
    expect(body.byCategory).toEqual([
      {
        code: 'key_technology',
        nameZh: '关键技术类',
        nameEn: expect.any(String),
        ...amounts(4, 400 * M, 260 * M),
      },
      {
        code: 'enterprise_demand',
        nameZh: '企业需求类',
        nameEn: expect.any(String),
        ...amounts(2, 250 * M, 30 * M),
      },
    ]);
    expect(body.byIndustryChain).toEqual([
      {
        code: 'electronic_information',
        nameZh: '电子信息',
        nameEn: 'Electronic information',
        ...amounts(1, 200 * M, 0),
      },
      { code: 'rare_earths', nameZh: '稀土', nameEn: 'Rare earths', ...amounts(1, 30 * M, 20 * M) },
      { code: 'new_materials', nameZh: '新材料', nameEn: 'New materials', ...amounts(4, 420 * M, 270 * M) },
    ]);
    expect(body.byRegion).toEqual([
      { regionCode: '360100', ...amounts(4, 420 * M, 270 * M) },
      { regionCode: '360200', ...amounts(2, 230 * M, 20 * M) },
    ]);
    expect(body.byStatus).toEqual([
      { status: 'published', ...amounts(1, 60 * M, 40 * M) },
      { status: 'open', ...amounts(1, 200 * M, 0) },
      { status: 'closed', ...amounts(1, 30 * M, 20 * M) },
      { status: 'awarded', ...amounts(1, 300 * M, 200 * M) },
      { status: 'unsuccessful', ...amounts(1, 50 * M, 30 * M) },
      { status: 'cancelled', ...amounts(1, 10 * M, 0) },
    ]);
    // The closed challenge's stored status is still `published` (no worker ran the jobs): only the clock closed it.
    const [stored] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM challenges WHERE status IN ('published', 'open') AND closes_at <= $1`,
      [t.clock.now()],
    );
    expect(stored.n).toBe(1);
  });

  it('applications per challenge over closed challenges only; award and acceptance rates as defined', async () => {
    const { body } = await overview();
    expect(body.bids).toEqual({
      lists: 3,
      bids: 7,
      averagePerList: 2.33,
      distribution: [
        { bucket: '0', min: 0, max: 0, lists: 0 },
        { bucket: '1', min: 1, max: 1, lists: 1 },
        { bucket: '2', min: 2, max: 2, lists: 1 },
        { bucket: '3-5', min: 3, max: 5, lists: 1 },
        { bucket: '6-10', min: 6, max: 10, lists: 0 },
        { bucket: '11+', min: 11, max: null, lists: 0 },
      ],
    });
    expect(body.awardRate).toEqual({ awarded: 1, unsuccessful: 1, decided: 2, rate: 0.5 });
    // The conditional acceptance is not decided yet.
    expect(body.acceptancePassRate).toEqual({ passed: 1, failed: 1, decided: 2, rate: 0.5 });
  });

  it('filters by program and by year (the program’s), alone or together', async () => {
    const byProgram = (await overview({ programId: p2 })).body;
    expect(byProgram).toMatchObject({ programId: p2, year: null });
    expect(byProgram.lists).toEqual(amounts(3, 270 * M, 40 * M));
    expect(byProgram.byStatus.map((s: { status: string }) => s.status)).toEqual([
      'published',
      'open',
      'cancelled',
    ]);
    expect(byProgram.bids).toMatchObject({ lists: 0, bids: 0, averagePerList: null });
    expect(byProgram.awardRate).toEqual({ awarded: 0, unsuccessful: 0, decided: 0, rate: null });
    expect(byProgram.acceptancePassRate).toEqual({ passed: 0, failed: 0, decided: 0, rate: null });

    const y2027 = (await overview({ year: 2027 })).body;
    expect(y2027).toMatchObject({ programId: null, year: 2027 });
    expect(y2027.lists).toEqual(amounts(3, 380 * M, 250 * M));
    expect(y2027.bids).toMatchObject({ lists: 3, bids: 7 });
    expect(y2027.awardRate.rate).toBe(0.5);
    expect(y2027.acceptancePassRate.decided).toBe(2);

    expect((await overview({ year: 2028 })).body.lists).toEqual(byProgram.lists);
    const both = (await overview({ year: 2027, programId: p3 })).body;
    expect(both.lists).toEqual(amounts(2, 80 * M, 50 * M));
    expect(both.bids).toMatchObject({ lists: 2, bids: 3, averagePerList: 1.5 });
    expect(both.awardRate).toEqual({ awarded: 0, unsuccessful: 1, decided: 1, rate: 0 });
    expect((await overview({ year: 2028, programId: p3 })).body.lists).toEqual(amounts(0, 0, 0));
    expect((await overview({ programId: p1 })).body.acceptancePassRate.rate).toBe(0.5);
  });

  it('answers bad filters with 400 problem+json and an unknown program with 404', async () => {
    const bad: Array<Record<string, string | number>> = [
      { programId: 'abc' },
      { year: 1999 },
      { year: 'soon' },
      { year: 2027.5 },
      { region: '360100' },
    ];
    for (const query of bad) {
      const res = await overview(query);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const missing = await overview({ programId: '00000000-0000-4000-8000-000000000000' });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
  });

  /** The stored snapshot's version: one more per refresh, whichever process ran it. */
  const version = async (): Promise<number> =>
    Number((await t.dataSource.query(`SELECT version FROM stats_snapshots WHERE id = 1`))[0].version);

  /** Another API process: its own in-process state, the same database and clock. */
  const otherProcess = () => {
    const repository = t.get(StatsRepository);
    return new StatsService(new StatsSnapshots(repository, t.clock), repository, t.clock);
  };

  it('serves the figures of one instant to every filter until the bound (Age says how old), never past it', async () => {
    const first = (await overview({ year: 2028 })).body;
    // Raw SQL on purpose: the amounts of a cancelled challenge never change through the API; a silent
    // change of the data is what shows whether the stored figures were served.
    await t.dataSource.query(
      `UPDATE challenges SET fiscal_fen = fiscal_fen + 1, total_fen = total_fen + 1 WHERE program_id = $1 AND status = 'cancelled'`,
      [p2],
    );
    t.clock.advance(STATS_MAX_AGE_MS - 1);
    const within = await overview({ year: 2028 });
    expect(within.body).toEqual(first);
    expect(within.headers.age).toBe('59');
    // Another filter, first asked now, comes from the same figures: every answer is of one instant.
    const other = (await overview({ programId: p2, year: 2028 })).body;
    expect(other.generatedAt).toBe(first.generatedAt);
    expect(other.lists.fiscalFen).toBe(first.lists.fiscalFen);

    t.clock.advance(1);
    const again = await overview({ year: 2028 });
    expect(again.headers.age).toBe('0');
    expect(again.body.generatedAt).toBe(t.clock.now().toISOString());
    expect(again.body.lists).toEqual({
      ...first.lists,
      totalFen: first.lists.totalFen + 1,
      fiscalFen: first.lists.fiscalFen + 1,
    });
  });

  it('two API processes answer alike, and readers of both at expiry cause one refresh', async () => {
    const other = otherProcess();
    const served = (await overview({ programId: p3 })).body;
    expect(await other.overview({ programId: p3 })).toEqual(served);
    const before = await version();

    await t.dataSource.query(
      `UPDATE challenges SET cofunding_fen = cofunding_fen + 5, total_fen = total_fen + 5
       WHERE program_id = $1 AND published_at IS NOT NULL`,
      [p3],
    );
    t.clock.advance(STATS_MAX_AGE_MS);
    const answers = await Promise.all([
      ...Array.from({ length: 6 }, () => overview({ programId: p3 }).then((r) => r.body)),
      ...Array.from({ length: 6 }, () => other.overview({ programId: p3 })),
      ...Array.from({ length: 6 }, () => other.overview({})),
    ]);
    expect(await version()).toBe(before + 1);
    const now = t.clock.now().toISOString();
    expect(answers.every((a) => a.generatedAt === now)).toBe(true);
    for (const a of answers.slice(1, 12)) expect(a).toEqual(answers[0]);
    expect(answers[0].lists.cofundingFen).toBe(served.lists.cofundingFen + 10);
  });

  it('the served figures equal the live computation for every filter, after changes', async () => {
    const live = otherProcess();
    await overview();
    // Changes through the API and behind its back, and a program created after the snapshot.
    const cancel = await t.http
      .post(`/api/v1/challenges/${openListId}/cancel`)
      .set(admin.headers)
      .send({ reason: '需求变更' });
    expect(cancel.status).toBe(200);
    await t.dataSource.query(
      `UPDATE challenges SET region_code = '360300', fiscal_fen = fiscal_fen + 7, total_fen = total_fen + 7
       WHERE program_id = $1 AND published_at IS NOT NULL`,
      [p1],
    );
    const p4 = await createProgram(t, admin, { name: '2030 年揭榜挂帅', year: 2030 });
    // Unknown to the stored figures yet, but it exists: nothing of it, not a 404.
    const newer = await overview({ programId: p4 });
    expect(newer.status).toBe(200);
    expect(newer.body).toEqual(await live.live({ programId: p4 }));
    t.clock.advance(STATS_MAX_AGE_MS + 3 * DAY);

    const filters: Array<Record<string, string | number>> = [
      {},
      { year: 2027 },
      { year: 2028 },
      { year: 2030 },
      { programId: p1 },
      { programId: p2 },
      { programId: p3 },
      { programId: p4 },
      { programId: p3, year: 2027 },
      { programId: p3, year: 2028 },
    ];
    for (const query of filters) {
      const res = await overview(query);
      expect({ query, status: res.status }).toEqual({ query, status: 200 });
      expect({ query, body: res.body }).toEqual({ query, body: await live.live(query) });
    }
    expect((await overview()).body.byRegion.map((r: { regionCode: string }) => r.regionCode)).toContain(
      '360300',
    );
    expect((await overview({ programId: p4 })).body.lists.count).toBe(0);
  });

  it('the open challenge’s application is counted once the challenge closes (and not before)', async () => {
    const before = (await overview({ programId: p2 })).body.bids;
    expect(before.lists).toBe(0);
    const [{ closes_at: closesAt }] = await t.dataSource.query(
      `SELECT closes_at FROM challenges WHERE id = $1`,
      [openListId],
    );
    t.clock.set(new Date(closesAt));
    const after = (await overview({ programId: p2 })).body;
    expect(after.bids).toMatchObject({ lists: 1, bids: 1, averagePerList: 1 });
    expect(after.byStatus.map((s: { status: string }) => s.status)).toEqual([
      'published',
      'closed',
      'cancelled',
    ]);
  });
});
