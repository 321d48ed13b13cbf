import {
  bidBody,
  createTeam,
  Listed,
  PledgedDraft,
  pledgedDrafts,
  submittedBid,
} from '../support/applications';
import { createProgram, publishChallenge } from '../support/challenges';
import { WORLDS_ENV } from '../support/context';
import { Actor, createAdmin, registerOrg } from '../support/factories';
import { countQueries } from '../support/query-count';
import { createTestApp, TestApp } from '../support/test-app';

const HOUR = 60 * 60 * 1000;
const BIDS = 104;
const DRAFTS = 2;

type Item = Record<string, unknown> & { id: string };

/**
 * Pages of applications (docs/adr/0049): a page of 100 costs at most three SQL statements whoever
 * reads it, and every item is the application's own answer (GET /applications/{id}) for that caller.
 */
describe('application pages in three queries', () => {
  let t: TestApp;
  let admin: Actor;
  let issuer: Actor;
  let applicant: Actor;
  let list: Listed & { programId: string };
  let drafts: PledgedDraft[];
  /** A submitted application with two attachments, and theirs in order. */
  let withFiles: {
    id: string;
    attachments: Array<{ attachmentId: string; filename: string; sizeBytes: number }>;
  };

  /** One request for a page of 100, with the statements it sent. */
  const page = async (who: Actor, url: string, cursor?: string) => {
    const { result, statements } = await countQueries((requestId) =>
      t.http
        .get(url)
        .set('X-Request-Id', requestId)
        .query({ limit: 100, ...(cursor ? { cursor } : {}) })
        .set(who.headers),
    );
    expect(result.status).toBe(200);
    if (statements.length > 3)
      throw new Error(`${statements.length} statements:\n${statements.join('\n---\n')}`);
    return { body: result.body as { items: Item[]; nextCursor: string | null }, statements };
  };

  /** Every item equals the application read alone by the same caller. */
  const expectEachAsRead = async (who: Actor, items: Item[]) => {
    for (const item of items) {
      const one = await t.http.get(`/api/v1/applications/${item.id}`).set(who.headers);
      expect(one.status).toBe(200);
      expect(JSON.stringify(item)).toBe(JSON.stringify(one.body));
    }
  };

  const ids = async (sql: string, params: unknown[]) =>
    (await t.dataSource.query<Array<{ id: string }>>(sql, params)).map((r) => r.id);

  beforeAll(async () => {
    t = await createTestApp({ env: WORLDS_ENV });
    admin = await createAdmin(t);
    issuer = await registerOrg(t, { role: 'issuer' });
    applicant = await registerOrg(t, { role: 'applicant', type: 'university', name: '南昌大学' });
    const programId = await createProgram(t, admin);
    const now = t.clock.now().getTime();
    list = {
      ...((await publishChallenge(t, issuer, admin, programId, {
        opensAt: new Date(now - HOUR).toISOString(),
        closesAt: new Date(now + 48 * HOUR).toISOString(),
      })) as unknown as Listed),
      programId,
    };
    drafts = await pledgedDrafts(t, applicant, list, BIDS + DRAFTS);
    // Submitted first: on the first page of the challenge's applications.
    const files = [];
    for (const [name, text] of [
      ['技术方案.txt', '详细技术方案\n'],
      ['预算表.txt', '预算明细与测算依据\n'],
    ]) {
      const upload = await t.http
        .post('/api/v1/attachments')
        .set(applicant.headers)
        .attach('file', Buffer.from(text), { filename: name, contentType: 'text/plain' });
      expect(upload.status).toBe(201);
      files.push({
        attachmentId: upload.body.id as string,
        filename: name,
        sizeBytes: Buffer.byteLength(text),
      });
    }
    const team = await createTeam(t, applicant);
    const bid = await submittedBid(t, applicant, list, team, {
      attachmentIds: files.map((f) => f.attachmentId),
    });
    withFiles = { id: bid.id, attachments: files };
    for (let start = 0; start < BIDS; start += 8) {
      const chunk = drafts.slice(start, Math.min(start + 8, BIDS));
      const answers = await Promise.all(
        chunk.map((d) => t.http.post(`/api/v1/applications/${d.id}/submit`).set(applicant.headers)),
      );
      expect(answers.map((a) => a.status)).toEqual(chunk.map(() => 200));
      t.clock.advance(1000);
    }
  }, 300_000);
  afterAll(async () => {
    await t?.close();
  });

  it("the challenge's submitted applications for its issuer: 100 in ≤ 3 statements, each as read alone", async () => {
    const url = `/api/v1/challenges/${list.id}/applications`;
    const first = await page(issuer, url);
    expect(first.statements.length).toBeGreaterThan(0);
    expect(first.statements.length).toBeLessThanOrEqual(3);
    expect(first.body.items).toHaveLength(100);
    expect(first.body.nextCursor).not.toBeNull();
    const second = await page(issuer, url, first.body.nextCursor ?? undefined);
    expect(second.statements.length).toBeLessThanOrEqual(3);
    expect(second.body.nextCursor).toBeNull();
    const items = [...first.body.items, ...second.body.items];
    // In order of submission, drafts never.
    expect(items.map((i) => i.id)).toEqual(
      await ids(
        `SELECT id FROM applications WHERE challenge_id = $1 AND status <> 'draft' ORDER BY submitted_at, id`,
        [list.id],
      ),
    );
    await expectEachAsRead(issuer, items);
    // What was submitted, independently of how it is read: the commitments and milestones of bidBody.
    const expected = bidBody(list, 'team');
    for (const item of items) {
      expect(item).not.toHaveProperty('ruleResults');
      expect(item.indicatorCommitments).toEqual(
        expected.indicatorCommitments.map((c) => ({
          indicatorId: c.indicatorId,
          indicatorName: list.indicators.find((i) => i.id === c.indicatorId)?.name,
          committedValue: c.committedValue,
        })),
      );
      expect(item.milestones).toEqual(expected.milestones);
      const draft = drafts.find((d) => d.id === item.id);
      if (item.id === withFiles.id) {
        expect(item.attachments).toMatchObject(withFiles.attachments);
        continue;
      }
      expect(item.attachments).toEqual([]);
      expect(item.bidder).toMatchObject({ teamId: draft?.teamId, leaderUserId: draft?.leaderUserId });
      expect((item.bidder as { leaderName: string }).leaderName).toMatch(/^挂帅者 \d+$/);
      expect((item.bidder as { leadOrganizationName: string }).leadOrganizationName).toBe('南昌大学');
    }
  }, 120_000);

  it('hides the identities from the issuer when the program says so, in the page as alone', async () => {
    await t.dataSource.query(
      `UPDATE programs SET settings = settings || '{"issuerSeesApplicantIdentities": false}'::jsonb WHERE id = $1`,
      [list.programId],
    );
    const first = await page(issuer, `/api/v1/challenges/${list.id}/applications`);
    expect(first.statements.length).toBeLessThanOrEqual(3);
    expect(first.body.items).toHaveLength(100);
    expect(first.body.items.map((i) => i.id)).toContain(withFiles.id);
    for (const item of first.body.items) {
      expect(item.bidder).toBeNull();
      expect(item.attachments).toEqual([]);
      expect((item.pledge as { acceptedBy: unknown }).acceptedBy).toBeNull();
    }
    await expectEachAsRead(issuer, first.body.items.slice(0, 10));
  }, 120_000);

  it('the same page for an admin carries the rule results, in ≤ 3 statements', async () => {
    const first = await page(admin, `/api/v1/challenges/${list.id}/applications`);
    expect(first.statements.length).toBeGreaterThan(0);
    expect(first.statements.length).toBeLessThanOrEqual(3);
    expect(first.body.items).toHaveLength(100);
    for (const item of first.body.items) expect(item).toHaveProperty('ruleResults');
    await expectEachAsRead(admin, first.body.items);
  }, 120_000);

  it("the applicant's own applications, drafts too, newest first: 100 in ≤ 3 statements", async () => {
    const first = await page(applicant, '/api/v1/applications/mine');
    expect(first.statements.length).toBeGreaterThan(0);
    expect(first.statements.length).toBeLessThanOrEqual(3);
    expect(first.body.items).toHaveLength(100);
    const second = await page(applicant, '/api/v1/applications/mine', first.body.nextCursor ?? undefined);
    expect(second.body.nextCursor).toBeNull();
    const items = [...first.body.items, ...second.body.items];
    expect(items.map((i) => i.id)).toEqual(
      await ids(
        `SELECT id FROM applications WHERE lead_organization_id = $1 ORDER BY created_at DESC, id DESC`,
        [applicant.organizationId],
      ),
    );
    expect(items.filter((i) => i.status === 'draft')).toHaveLength(DRAFTS);
    await expectEachAsRead(applicant, items);
  }, 120_000);
});
