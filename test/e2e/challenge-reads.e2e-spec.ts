import { Actor, createAdmin, registerOrg } from '../support/factories';
import { challengeBody, createProgram, DAY, publishChallenge } from '../support/challenges';
import { countQueries } from '../support/query-count';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * The hot reads of challenges (ADR 0051): the list and the detail each in one SQL statement, the
 * detail's 304 from If-None-Match after one small statement, and ETags that change with everything
 * the body depends on: the version, the status by the clock, the issuer's name, the caller's view.
 */
describe('challenge hot reads and ETags', () => {
  let t: TestApp;
  let admin: Actor;
  let issuer: Actor;
  let applicant: Actor;
  let programId: string;
  let challenge: { id: string; version: number };

  const START = '2027-03-01T02:00:00.000Z';

  /** One GET with its statements, anonymous unless `who` is given. */
  const read = async (url: string, headers: Record<string, string> = {}, who?: Actor) => {
    const { result, statements } = await countQueries((requestId) => {
      const req = t.http.get(url).set('X-Request-Id', requestId).set(headers);
      return who ? req.set(who.headers) : req;
    });
    return { res: result, statements };
  };

  beforeAll(async () => {
    t = await createTestApp();
    t.clock.set(START);
    admin = await createAdmin(t);
    issuer = await registerOrg(t, { role: 'issuer', name: '江西某电缆有限公司' });
    applicant = await registerOrg(t, { role: 'applicant' });
    programId = await createProgram(t, admin);
    challenge = await publishChallenge(t, issuer, admin, programId);
    await publishChallenge(t, issuer, admin, programId, { title: '第二代YBCO超导带材制备' });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('answers the detail in one statement, the same body as before (every field)', async () => {
    const { res, statements } = await read(`/api/v1/challenges/${challenge.id}`);
    expect(res.status).toBe(200);
    expect(statements).toHaveLength(1);
    expect(Object.keys(res.body)).toEqual([
      'id',
      'code',
      'programId',
      'title',
      'category',
      'industryChain',
      'issuerOrganization',
      'regionCode',
      'publicSummary',
      'totalFen',
      'fiscalFen',
      'cofundingFen',
      'opensAt',
      'closesAt',
      'selectionMode',
      'teamCount',
      'status',
      'publishedAt',
      'version',
      'background',
      'indicators',
      'expectedOutcomes',
      'durationMonths',
      'eligibility',
      'attachments',
      'statusReason',
      'amendmentCount',
      'needId',
      'submittedBidCount',
      'submittedAt',
      'createdAt',
      'updatedAt',
    ]);
    expect(res.body).toMatchObject({
      id: challenge.id,
      issuerOrganization: { id: issuer.organizationId, name: '江西某电缆有限公司' },
      totalFen: 500_000_000,
      fiscalFen: 300_000_000,
      cofundingFen: 200_000_000,
      status: 'published',
      amendmentCount: 0,
      submittedBidCount: null,
      statusReason: null,
      attachments: [],
      expectedOutcomes: [{ kind: 'prototype', description: '10 米电缆样机 1 套' }],
    });
    expect(res.body.indicators.map((i: { name: string }) => i.name)).toEqual(['临界电流', '交流损耗']);
    expect(Object.keys(res.body.indicators[0])).toEqual([
      'id',
      'name',
      'targetValue',
      'unit',
      'verificationMethod',
    ]);
  });

  it('answers a list page in one statement, each summary equal to the detail read alone', async () => {
    const { res, statements } = await read('/api/v1/challenges?limit=1');
    expect(res.status).toBe(200);
    expect(statements).toHaveLength(1);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.nextCursor).toEqual(expect.any(String));
    const next = await read(`/api/v1/challenges?limit=1&cursor=${res.body.nextCursor}`);
    expect(next.statements).toHaveLength(1);
    for (const item of [...res.body.items, ...next.res.body.items]) {
      const detail = (await t.http.get(`/api/v1/challenges/${item.id}`)).body;
      for (const [key, value] of Object.entries(item)) expect([key, detail[key]]).toEqual([key, value]);
    }
  });

  it('answers 304 without a body after one small statement when If-None-Match is current', async () => {
    const first = await read(`/api/v1/challenges/${challenge.id}`);
    const etag = first.res.headers.etag;
    expect(etag).toMatch(/^W\/"\d+-[A-Za-z0-9_-]+"$/);
    expect(first.res.headers['cache-control']).toBe('public, max-age=5');
    expect(first.res.headers.vary).toContain('Authorization, X-Api-Key');

    const again = await read(`/api/v1/challenges/${challenge.id}`, { 'If-None-Match': etag });
    expect(again.res.status).toBe(304);
    expect(again.res.text ?? '').toBe('');
    expect(again.res.headers.etag).toBe(etag);
    expect(again.statements).toHaveLength(1);
    expect(again.statements[0]).not.toMatch(/json_agg/);

    // A list of ETags, one current: 304. A stale one: 200 after two statements.
    const listed = await read(`/api/v1/challenges/${challenge.id}`, { 'If-None-Match': `W/"1-x", ${etag}` });
    expect(listed.res.status).toBe(304);
    const stale = await read(`/api/v1/challenges/${challenge.id}`, { 'If-None-Match': 'W/"1-stale"' });
    expect(stale.res.status).toBe(200);
    expect(stale.statements).toHaveLength(2);
    expect(stale.res.body.id).toBe(challenge.id);
  });

  it('serves private, no-cache to credentials and different ETags to different views', async () => {
    const anonymous = await read(`/api/v1/challenges/${challenge.id}`);
    const asIssuer = await read(`/api/v1/challenges/${challenge.id}`, {}, issuer);
    const asAdmin = await read(`/api/v1/challenges/${challenge.id}`, {}, admin);
    const asApplicant = await read(`/api/v1/challenges/${challenge.id}`, {}, applicant);
    expect(asIssuer.res.headers['cache-control']).toBe('private, no-cache');
    expect(asIssuer.res.headers.etag).not.toBe(anonymous.res.headers.etag);
    // The issuer organization and admins see the same body, applicants the public one.
    expect(asAdmin.res.headers.etag).toBe(asIssuer.res.headers.etag);
    expect(asApplicant.res.headers.etag).toBe(anonymous.res.headers.etag);
    // The anonymous ETag is not a 304 for the issuer's view.
    const crossed = await read(
      `/api/v1/challenges/${challenge.id}`,
      { 'If-None-Match': anonymous.res.headers.etag },
      issuer,
    );
    expect(crossed.res.status).toBe(200);
  });

  it('changes the ETag with an amendment, and accepts every served ETag back in If-Match', async () => {
    const before = await read(`/api/v1/challenges/${challenge.id}`, {}, issuer);
    const etag = before.res.headers.etag;
    const amended = await t.http
      .post(`/api/v1/challenges/${challenge.id}/amendments`)
      .set(issuer.headers)
      .set('If-Match', etag)
      .send({ reason: '补充说明', changes: { publicSummary: '研制高温超导电缆样机（补充说明）。' } });
    expect(amended.status).toBe(201);

    const after = await read(`/api/v1/challenges/${challenge.id}`, { 'If-None-Match': etag }, issuer);
    expect(after.res.status).toBe(200);
    expect(after.res.headers.etag).not.toBe(etag);
    expect(after.res.body.amendmentCount).toBe(1);

    // The old one is stale in If-Match; a hand-built "<version>" still works.
    const stale = await t.http
      .post(`/api/v1/challenges/${challenge.id}/amendments`)
      .set(issuer.headers)
      .set('If-Match', etag)
      .send({ reason: '再次补充', changes: { publicSummary: '再次补充。' } });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('VERSION_MISMATCH');
    const handBuilt = await t.http
      .post(`/api/v1/challenges/${challenge.id}/amendments`)
      .set(issuer.headers)
      .set('If-Match', `"${after.res.body.version}"`)
      .send({ reason: '再次补充', changes: { publicSummary: '再次补充。' } });
    expect(handBuilt.status).toBe(201);
  });

  it('changes the ETag when the status changes by the clock, with no write', async () => {
    const before = await read(`/api/v1/challenges/${challenge.id}`);
    expect(before.res.body.status).toBe('published');
    t.clock.set(new Date(new Date(START).getTime() + 2 * DAY));
    try {
      const after = await read(`/api/v1/challenges/${challenge.id}`, {
        'If-None-Match': before.res.headers.etag,
      });
      expect(after.res.status).toBe(200);
      expect(after.res.body.status).toBe('open');
      expect(after.res.body.version).toBe(before.res.body.version);
      expect(after.res.headers.etag).not.toBe(before.res.headers.etag);
    } finally {
      t.clock.set(START);
    }
  });

  it('changes the detail and list ETags when the issuer organization is renamed', async () => {
    const detail = await read(`/api/v1/challenges/${challenge.id}`);
    const list = await read('/api/v1/challenges');
    expect(list.res.headers.etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
    const listAgain = await read('/api/v1/challenges', { 'If-None-Match': list.res.headers.etag });
    expect(listAgain.res.status).toBe(304);
    expect(listAgain.res.text ?? '').toBe('');

    const org = await t.http.get(`/api/v1/organizations/${issuer.organizationId}`).set(issuer.headers);
    const renamed = await t.http
      .patch(`/api/v1/organizations/${issuer.organizationId}`)
      .set(issuer.headers)
      .set('If-Match', `"${org.body.version}"`)
      .send({ name: '江西某超导电缆股份有限公司' });
    expect(renamed.status).toBe(200);

    const after = await read(`/api/v1/challenges/${challenge.id}`, {
      'If-None-Match': detail.res.headers.etag,
    });
    expect(after.res.status).toBe(200);
    expect(after.res.body.issuerOrganization.name).toBe('江西某超导电缆股份有限公司');
    const listAfter = await read('/api/v1/challenges', { 'If-None-Match': list.res.headers.etag });
    expect(listAfter.res.status).toBe(200);
    expect(listAfter.res.headers.etag).not.toBe(list.res.headers.etag);
  });

  it('keeps 404 for a draft the caller may not see, with or without If-None-Match', async () => {
    const draft = await t.http
      .post('/api/v1/challenges')
      .set(issuer.headers)
      .send({ ...draftBody() });
    expect(draft.status).toBe(201);
    expect((await read(`/api/v1/challenges/${draft.body.id}`)).res.status).toBe(404);
    expect((await read(`/api/v1/challenges/${draft.body.id}`, { 'If-None-Match': '*' })).res.status).toBe(
      404,
    );
    const own = await read(`/api/v1/challenges/${draft.body.id}`, { 'If-None-Match': '*' }, issuer);
    expect(own.res.status).toBe(304);
  });

  function draftBody() {
    return challengeBody(t, programId, { title: '草稿' });
  }
});
