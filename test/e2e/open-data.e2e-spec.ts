import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { createProgram, draftChallenge, publishChallenge } from '../support/challenges';
import { TestContext } from '../support/context';
import { AwardedList } from '../support/projects';
import { createTestApp, TestApp } from '../support/test-app';

const SCHEMAS = '/work/shared/data/ocds-1.1';
const PREFIX = 'ocds-e2etest';
const PUBLISHER = '江西省科技厅揭榜挂帅平台';
/** Put in every confidential field; must never reach the export. */
const SECRET = 'SECRET-7f3a9c';

/** The OCDS 1.1 release package schema with the release schema resolved locally (no network). */
function packageValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const release = JSON.parse(readFileSync(`${SCHEMAS}/release-schema.json`, 'utf8')) as { id: string };
  ajv.addSchema(release, release.id);
  return ajv.compile(JSON.parse(readFileSync(`${SCHEMAS}/release-package-schema.json`, 'utf8')));
}

interface Release {
  ocid: string;
  id: string;
  date: string;
  tag: string[];
  parties: Array<{ id: string; name: string; roles: string[]; address?: { region: string } }>;
  buyer: { id: string; name: string };
  tender: Record<string, unknown> & { value: { amount: number; currency: string } };
  bids?: { statistics: Array<{ measure: string; value: number }> };
  awards?: Array<Record<string, unknown> & { id: string; suppliers: Array<{ id: string; name: string }> }>;
  contracts?: Array<
    Record<string, unknown> & {
      implementation: {
        milestones: Array<Record<string, unknown>>;
        transactions: Array<Record<string, unknown>>;
      };
    }
  >;
}

interface Package {
  uri: string;
  version: string;
  publishedDate: string;
  publisher: { name: string };
  releases: Release[];
  links: { next: string | null };
  nextCursor: string | null;
}

describe('GET /open-data/ocds (OCDS 1.1 release packages)', () => {
  let t: TestApp;
  let ctx: TestContext;
  let award: AwardedList;
  const validate = packageValidator();

  const ocds = async (query: Record<string, string | number> = {}) => {
    const res = await t.http.get('/api/v1/open-data/ocds').query(query);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    return res.body as Package;
  };
  /** Every page from `query` on, following nextCursor. */
  const all = async (query: Record<string, string | number>) => {
    const pages: Package[] = [];
    let cursor: string | null = null;
    do {
      const page = await ocds({ ...query, ...(cursor ? { cursor } : {}) });
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor);
    return pages;
  };
  const expectValid = (body: Package) => {
    if (!validate(body))
      throw new Error(`Not a valid OCDS 1.1 package:\n${JSON.stringify(validate.errors, null, 2)}`);
  };
  const ok = (what: string, res: { status: number; body: unknown }, status = 200) => {
    if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Record<string, unknown>;
  };

  /** The awarded list of a test, with SECRET in every confidential field the flow writes. */
  const newAward = () =>
    ctx.newAwardedChallenge({
      confidential: SECRET,
      list: {
        totalFen: 500_000_001,
        fiscalFen: 300_000_001,
        cofundingFen: 200_000_000,
        confidentialDetails: `真实规格 ${SECRET}`,
      },
      bid: {
        technicalPlan: `技术路线 ${SECRET}`,
        requestedFiscalFen: 123_456_789,
        milestones: [
          {
            title: `完成材料制备 ${SECRET}`,
            deliverables: `带材样品 ${SECRET}`,
            dueMonth: 6,
            sharePercent: 40,
          },
          { title: `完成样机 ${SECRET}`, deliverables: `电缆样机 ${SECRET}`, dueMonth: 24, sharePercent: 60 },
        ],
      },
    });

  // The export covers the whole database: each test has a database (and a world) of its own.
  beforeEach(async () => {
    t = await createTestApp({ env: { OCDS_PREFIX: PREFIX, OCDS_PUBLISHER_NAME: PUBLISHER } });
    ctx = new TestContext(t);
  });

  afterEach(async () => {
    await t?.close();
  });

  it('a full lifecycle (award, three signatures, a passed milestone, paid tranches) is a valid OCDS 1.1 package with exact yuan amounts', async () => {
    award = await newAward();
    const line = award.lines[0];
    for (const actor of [award.issuer, line.bidder, award.admin]) {
      ok('sign', await t.http.post(`/api/v1/projects/${line.projectId}/sign`).set(actor.headers));
    }
    const project = ok(
      'project',
      await t.http.get(`/api/v1/projects/${line.projectId}`).set(award.admin.headers),
    ) as {
      status: string;
      activatedAt: string;
      milestones: Array<{ id: string; position: number; dueAt: string }>;
      taskBook: { indicators: Array<{ indicatorId: string }> };
    };
    expect(project.status).toBe('active');
    const [m0, m1] = [...project.milestones].sort((a, b) => a.position - b.position);
    ok(
      'report',
      await t.http
        .post(`/api/v1/milestones/${m0.id}/reports`)
        .set(line.bidder.headers)
        .send({
          summary: `阶段报告 ${SECRET}`,
          indicatorProgress: [
            { indicatorId: project.taskBook.indicators[0].indicatorId, progress: `已达 ${SECRET}` },
          ],
          evidenceAttachmentIds: [],
        }),
      201,
    );
    ok(
      'assess',
      await t.http
        .post(`/api/v1/milestones/${m0.id}/assessment`)
        .set(award.admin.headers)
        .send({ outcome: 'passed', opinion: `专家意见 ${SECRET}`, issuerOpinion: `发榜方意见 ${SECRET}` }),
    );
    const payments = async () =>
      (
        ok(
          'payments',
          await t.http.get(`/api/v1/projects/${line.projectId}/payments`).set(award.admin.headers),
        ) as {
          items: Array<{
            id: string;
            payer: string;
            kind: string;
            milestonePosition: number | null;
            amountFen: number;
            status: string;
          }>;
        }
      ).items;
    const tranches = await payments();
    const first = tranches.find((p) => p.payer === 'fiscal' && p.kind === 'first')!;
    const milestone = tranches.find(
      (p) => p.payer === 'issuer' && p.kind === 'milestone' && p.milestonePosition === m0.position,
    )!;
    ok('approve', await t.http.post(`/api/v1/payments/${milestone.id}/approve`).set(award.admin.headers));
    for (const p of [first, milestone]) {
      t.clock.advance(1000); // paid one after the other: the transactions are in the order paid
      ok(
        'confirm',
        await t.http
          .post(`/api/v1/payments/${p.id}/confirm`)
          .set(award.admin.headers)
          .set('Idempotency-Key', randomUUID()),
      );
    }
    const [amounts] = await t.dataSource.query<Array<{ fiscal_fen: string; issuer_fen: string }>>(
      `SELECT fiscal_fen, issuer_fen FROM projects WHERE id = $1`,
      [line.projectId],
    );
    const projectFen = Number(amounts.fiscal_fen) + Number(amounts.issuer_fen);

    // Confidential text everywhere a bid, a team, an expert or a decision keeps it: SECRET went in
    // through the API wherever the flow wrote such text (newAward's `confidential`).
    const [marked] = await t.dataSource.query<Array<Record<string, number>>>(
      `SELECT (SELECT count(*)::int FROM users WHERE display_name LIKE '%' || $1 || '%') AS users,
              (SELECT count(*)::int FROM team_members WHERE name LIKE '%' || $1 || '%') AS members,
              (SELECT count(*)::int FROM experts WHERE title LIKE '%' || $1 || '%') AS experts,
              (SELECT count(*)::int FROM application_commitments
                WHERE committed_value LIKE '%' || $1 || '%') AS commitments,
              (SELECT count(*)::int FROM review_assignments WHERE comments::text LIKE '%' || $1 || '%') AS comments,
              (SELECT count(*)::int FROM selections WHERE issuer_agreement LIKE '%' || $1 || '%') AS agreements`,
      [SECRET],
    );
    for (const [where, n] of Object.entries(marked))
      expect({ where, marked: n > 0 }).toEqual({ where, marked: true });

    const body = await ocds({ limit: 100 });
    expectValid(body);
    // The validator bites, down into the release schema it resolved locally.
    expect(validate({ ...body, version: '1.1.5' })).toBe(false);
    expect(validate({ ...body, releases: [{ ...body.releases[0], tag: ['bidding'] }] })).toBe(false);
    expect(
      validate({
        ...body,
        releases: [{ ...body.releases[0], tender: { ...body.releases[0].tender, status: 'open' } }],
      }),
    ).toBe(false);
    if (process.env.OCDS_DUMP) console.log(JSON.stringify(body, null, 2));
    expect(body).toMatchObject({
      version: '1.1',
      publisher: { name: PUBLISHER },
      links: { next: null },
      nextCursor: null,
    });
    expect(body.uri).toMatch(/^http:\/\/[^/]+\/api\/v1\/open-data\/ocds\?limit=100$/);
    const ocid = `${PREFIX}-${award.list.id}`;
    const release = body.releases.find((r) => r.ocid === ocid)!;
    expect(release).toBeDefined();
    expect(body.publishedDate).toBe(body.releases[body.releases.length - 1].date);
    expect(release.id.startsWith(`${ocid}-`)).toBe(true);
    expect(release.tag).toEqual(['tender', 'award', 'contract', 'implementation']);
    expect(release).toMatchObject({ initiationType: 'tender', buyer: { id: award.issuer.organizationId } });

    const list = award.list as unknown as { opensAt: string; closesAt: string };
    expect(release.tender).toMatchObject({
      id: award.list.code,
      status: 'complete',
      value: { amount: 5_000_000.01, currency: 'CNY' },
      procurementMethod: 'open',
      numberOfTenderers: 2,
      tenderPeriod: {
        startDate: new Date(list.opensAt).toISOString(),
        endDate: new Date(list.closesAt).toISOString(),
      },
    });
    expect(release.bids!.statistics).toEqual([
      expect.objectContaining({ id: '1', measure: 'bids', value: 2 }),
    ]);

    const [winner] = await t.dataSource.query<Array<{ name: string }>>(
      `SELECT name FROM organizations WHERE id = $1`,
      [line.bidder.organizationId],
    );
    const supplier = { id: line.bidder.organizationId, name: winner.name };
    expect(release.awards).toEqual([
      {
        id: expect.stringContaining(line.applicationId),
        status: 'active',
        date: expect.any(String),
        suppliers: [supplier],
        value: { amount: projectFen / 100, currency: 'CNY' },
      },
    ]);
    const [contract] = release.contracts!;
    expect(contract).toMatchObject({
      id: line.projectId,
      awardID: release.awards![0].id,
      status: 'active',
      value: { amount: projectFen / 100, currency: 'CNY' },
      dateSigned: project.activatedAt,
      period: { startDate: project.activatedAt, endDate: m1.dueAt },
    });
    expect(contract.implementation.milestones).toEqual([
      expect.objectContaining({
        id: m0.id,
        code: 'M1',
        status: 'met',
        dueDate: m0.dueAt,
        dateMet: expect.any(String),
      }),
      expect.objectContaining({ id: m1.id, code: 'M2', status: 'scheduled', dueDate: m1.dueAt }),
    ]);
    expect(contract.implementation.transactions).toEqual([
      {
        id: first.id,
        date: expect.any(String),
        value: { amount: first.amountFen / 100, currency: 'CNY' },
        payer: { id: 'jiebang-platform', name: PUBLISHER },
        payee: supplier,
      },
      {
        id: milestone.id,
        date: expect.any(String),
        value: { amount: milestone.amountFen / 100, currency: 'CNY' },
        payer: { id: award.issuer.organizationId, name: expect.any(String) },
        payee: supplier,
      },
    ]);
    // Exactly: no binary rounding shows in the JSON text of any amount.
    const text = JSON.stringify(body);
    expect(text).toContain('"amount":5000000.01');
    expect(text).toContain(`"amount":${(first.amountFen / 100).toString()}`);
    expect(release.parties).toEqual(
      expect.arrayContaining([
        { id: 'jiebang-platform', name: PUBLISHER, roles: ['procuringEntity', 'funder', 'payer'] },
        expect.objectContaining({
          id: award.issuer.organizationId,
          roles: ['buyer', 'payer'],
          address: { region: '360100', countryName: '中国' },
        }),
        { ...supplier, roles: ['supplier', 'payee'] },
      ]),
    );

    // Nothing confidential: no marker, no e-mail, no credit code, no losing applicant, no team or member name.
    expect(text).not.toContain(SECRET);
    const people = await t.dataSource.query<Array<{ email: string }>>(`SELECT email FROM users`);
    for (const { email } of people) expect(text).not.toContain(email);
    const orgs = await t.dataSource.query<Array<{ id: string; name: string; credit_code: string | null }>>(
      `SELECT id, name, credit_code FROM organizations`,
    );
    for (const org of orgs) if (org.credit_code) expect(text).not.toContain(org.credit_code);
    for (const loser of award.losers) {
      expect(text).not.toContain(loser.organizationId);
      expect(text).not.toContain(orgs.find((o) => o.id === loser.organizationId)!.name);
    }
    expect(text).not.toContain('立项团队');
    expect(text).not.toContain('李工');
    expect(text).not.toContain('保密');
  });

  it('pages by last change with since and cursor; a change moves a list to the end with a new release id; drafts never appear', async () => {
    award = await newAward();
    const admin = award.admin;
    const issuer = award.issuer;
    await award.travel(t.clock.advance(60_000));
    const programId = await createProgram(t, admin, { name: '分页测试' });
    const published: string[] = [];
    const times: string[] = [];
    for (let i = 0; i < 3; i++) {
      t.clock.advance(60_000);
      times.push(t.clock.now().toISOString());
      published.push(
        (await publishChallenge(t, issuer, admin, programId, { title: `分页榜单 ${i + 1}` })).id,
      );
    }
    const draft = await draftChallenge(t, issuer, programId, { title: '草稿榜单' });
    const vetting = await draftChallenge(t, issuer, programId, { title: '审核中榜单' });
    ok('submit', await t.http.post(`/api/v1/challenges/${vetting.id}/submit`).set(issuer.headers));

    const pages = await all({ limit: 2 });
    expect(pages.map((p) => p.releases.length)).toEqual([2, 2]);
    for (const page of pages) expectValid(page);
    const releases = pages.flatMap((p) => p.releases);
    expect(releases.map((r) => r.ocid)).toEqual([award.list.id, ...published].map((id) => `${PREFIX}-${id}`));
    const dates = releases.map((r) => r.date);
    expect([...dates].sort()).toEqual(dates);
    expect(new Set(releases.map((r) => r.id)).size).toBe(4);
    expect(pages[0].links.next).toBe(`${pages[0].uri}&cursor=${pages[0].nextCursor}`);
    expect(pages[1].nextCursor).toBeNull();
    const text = JSON.stringify(pages);
    expect(text).not.toContain(draft.id);
    expect(text).not.toContain(vetting.id);
    expect(releases[1].tag).toEqual(['tender']);
    expect(releases[1].tender).toMatchObject({ status: 'planned' });
    expect(releases[1].bids).toBeUndefined();

    // since: inclusive, by the time of the last change.
    const sinceSecond = await ocds({ since: times[1] });
    expect(sinceSecond.releases.map((r) => r.ocid)).toEqual(
      published.slice(1).map((id) => `${PREFIX}-${id}`),
    );
    expect((await all({ since: times[0], limit: 1 })).flatMap((p) => p.releases.map((r) => r.ocid))).toEqual(
      published.map((id) => `${PREFIX}-${id}`),
    );

    // An amendment of the first new challenge: it comes back after the others, as a new release.
    const before = releases[1];
    t.clock.advance(60_000);
    const amendedAt = t.clock.now().toISOString();
    const [{ version }] = await t.dataSource.query<Array<{ version: number }>>(
      `SELECT version FROM challenges WHERE id = $1`,
      [published[0]],
    );
    ok(
      'amend',
      await t.http
        .post(`/api/v1/challenges/${published[0]}/amendments`)
        .set(issuer.headers)
        .set('If-Match', `"${version}"`)
        .send({ reason: '延长申报期', changes: { publicSummary: '修订后的公开摘要。' } }),
      201,
    );
    const changed = await ocds({ since: amendedAt });
    expect(changed.releases).toHaveLength(1);
    const after = changed.releases[0];
    expect(after.ocid).toBe(before.ocid);
    expect(after.id).not.toBe(before.id);
    expect(after.date).toBe(amendedAt);
    expect(after.tag).toEqual(['tender', 'tenderAmendment']);
    expect(after.tender).toMatchObject({
      description: '修订后的公开摘要。',
      amendments: [{ id: '1', date: amendedAt, rationale: '延长申报期' }],
    });
    const reordered = (await all({ limit: 3 })).flatMap((p) => p.releases.map((r) => r.ocid));
    expect(reordered).toEqual(
      [award.list.id, published[1], published[2], published[0]].map((id) => `${PREFIX}-${id}`),
    );

    // Nothing changed since: an empty page, dated now.
    t.clock.advance(60_000);
    const empty = await ocds({ since: t.clock.now().toISOString() });
    expect(empty).toMatchObject({
      releases: [],
      nextCursor: null,
      links: { next: null },
      publishedDate: t.clock.now().toISOString(),
    });
  });

  it('answers bad since, cursor and limit with 400 problem+json', async () => {
    const forged = Buffer.from(JSON.stringify(['yesterday', randomUUID()])).toString('base64url');
    for (const query of [
      { since: 'yesterday' },
      { since: '2027-03-01' },
      { since: '2027-02-30T00:00:00Z' },
      { since: '2027-03-01T24:00:00+08:00' },
      { cursor: 'not-a-cursor' },
      { cursor: forged },
      { limit: 0 },
      { limit: 101 },
      { page: 2 },
    ]) {
      const res = await t.http.get('/api/v1/open-data/ocds').query(query);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
  });
});
