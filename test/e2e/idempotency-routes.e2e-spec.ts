import { randomUUID } from 'node:crypto';
import { Listed, bidBody, createTeam } from '../support/applications';
import { challengeBody, createProgram, DAY, publishChallenge } from '../support/challenges';
import { Actor, createAdmin, registerOrg } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * Idempotency-Key on the real creating POSTs (the global interceptor, ADR 11): a retry with the
 * same key creates nothing more and replays the first answer; another body is a 422; routes where
 * a stored answer would be wrong are opted out, and the OpenAPI document says which is which.
 */
describe('Idempotency-Key on every POST', () => {
  let t: TestApp;
  let admin: Actor;
  let issuer: Actor;
  let applicant: Actor;
  let programId: string;

  beforeAll(async () => {
    t = await createTestApp({
      env: { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' },
    });
    admin = await createAdmin(t);
    issuer = await registerOrg(t, { role: 'issuer' });
    applicant = await registerOrg(t, { role: 'applicant', type: 'university' });
    programId = await createProgram(t, admin);
  });
  afterAll(async () => t?.close());

  const count = async (sql: string, params: unknown[]): Promise<number> =>
    Number((await t.dataSource.query<Array<{ n: string }>>(sql, params))[0].n);

  it('POST /challenges retried with the same key creates one challenge and replays the first answer', async () => {
    const key = randomUUID();
    const body = challengeBody(t, programId, { title: `幂等榜单 ${key}` });
    const send = () => t.http.post('/api/v1/challenges').set(issuer.headers).set('Idempotency-Key', key);
    const first = await send().send(body);
    const again = await send().send(body);
    expect(first.status).toBe(201);
    expect(first.headers['idempotency-replayed']).toBeUndefined();
    expect(again.status).toBe(201);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(await count(`SELECT count(*) AS n FROM challenges WHERE title = $1`, [body.title])).toBe(1);

    const other = await send().send({ ...body, title: `另一个榜单 ${key}` });
    expect(other.status).toBe(422);
    expect(other.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await count(`SELECT count(*) AS n FROM challenges WHERE title LIKE $1`, [`%${key}`])).toBe(1);

    // Without a key, a retry is a new challenge, as before.
    const plain = () => t.http.post('/api/v1/challenges').set(issuer.headers).send(body);
    expect((await plain()).status).toBe(201);
    expect(await count(`SELECT count(*) AS n FROM challenges WHERE title = $1`, [body.title])).toBe(2);
  });

  it('the key is the caller’s own: another issuer with the same key and body creates its own challenge', async () => {
    const key = randomUUID();
    const other = await registerOrg(t, { role: 'issuer' });
    const body = challengeBody(t, programId, { title: `两个发榜方 ${key}` });
    const a = await t.http
      .post('/api/v1/challenges')
      .set(issuer.headers)
      .set('Idempotency-Key', key)
      .send(body);
    const b = await t.http
      .post('/api/v1/challenges')
      .set(other.headers)
      .set('Idempotency-Key', key)
      .send(body);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.headers['idempotency-replayed']).toBeUndefined();
    expect(b.body.id).not.toBe(a.body.id);
  });

  it('teams, application drafts and state actions (submit) replay likewise', async () => {
    const now = t.clock.now().getTime();
    const list = (await publishChallenge(t, issuer, admin, programId, {
      opensAt: new Date(now - 60 * 60 * 1000).toISOString(),
      closesAt: new Date(now + 10 * DAY).toISOString(),
    })) as unknown as Listed;

    const leaderTeam = await createTeam(t, applicant); // a leader to reuse
    const teamKey = randomUUID();
    const teamBody = {
      name: `幂等团队 ${teamKey}`,
      leaderUserId: leaderTeam.leader.userId,
      members: [{ name: '李工', title: '工程师', role: '骨干', organizationId: applicant.organizationId }],
    };
    const team1 = await t.http
      .post('/api/v1/teams')
      .set(applicant.headers)
      .set('Idempotency-Key', teamKey)
      .send(teamBody);
    const team2 = await t.http
      .post('/api/v1/teams')
      .set(applicant.headers)
      .set('Idempotency-Key', teamKey)
      .send(teamBody);
    expect([team1.status, team2.status]).toEqual([201, 201]);
    expect(team2.headers['idempotency-replayed']).toBe('true');
    expect(team2.body.id).toBe(team1.body.id);
    expect(await count(`SELECT count(*) AS n FROM teams WHERE name = $1`, [teamBody.name])).toBe(1);

    const bidKey = randomUUID();
    const bid = bidBody(list, team1.body.id as string);
    const draft = () =>
      t.http
        .post(`/api/v1/challenges/${list.id}/applications`)
        .set(applicant.headers)
        .set('Idempotency-Key', bidKey);
    const bid1 = await draft().send(bid);
    const bid2 = await draft().send(bid);
    expect([bid1.status, bid2.status]).toEqual([201, 201]);
    expect(bid2.headers['idempotency-replayed']).toBe('true');
    expect(bid2.body).toEqual(bid1.body);
    expect(await count(`SELECT count(*) AS n FROM applications WHERE challenge_id = $1`, [list.id])).toBe(1);
    const changed = await draft().send({ ...bid, technicalPlan: '另一份技术方案' });
    expect(changed.status).toBe(422);
    expect(changed.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('API keys and webhook subscriptions: one created; the one-time secret is never stored nor replayed', async () => {
    const portal = await registerOrg(t, { role: 'issuer', type: 'government' });
    const key = randomUUID();
    const body = { name: `门户 ${key}`, organizationId: portal.organizationId };
    const create = () =>
      t.http.post('/api/v1/api-keys').set(admin.headers).set('Idempotency-Key', key).send(body);
    const first = await create();
    const again = await create();
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(first.body.key).toMatch(/^jb_live_/);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(again.body).not.toHaveProperty('key');
    expect(await count(`SELECT count(*) AS n FROM api_keys WHERE name = $1`, [body.name])).toBe(1);
    const stored = JSON.stringify(await t.dataSource.query(`SELECT response_body FROM idempotency_keys`));
    expect(stored).not.toContain(first.body.key as string);

    const hookKey = randomUUID();
    const hook = { url: 'http://127.0.0.1:9/hooks', eventTypes: ['challenge.published'] };
    const subscribe = () =>
      t.http
        .post('/api/v1/webhooks')
        .set('X-Api-Key', first.body.key as string)
        .set('Idempotency-Key', hookKey)
        .send(hook);
    const h1 = await subscribe();
    const h2 = await subscribe();
    expect([h1.status, h2.status]).toEqual([201, 201]);
    expect(h1.body.secret).toEqual(expect.any(String));
    expect(h2.headers['idempotency-replayed']).toBe('true');
    expect(h2.body.id).toBe(h1.body.id);
    expect(h2.body).not.toHaveProperty('secret');
    expect(
      await count(`SELECT count(*) AS n FROM webhook_subscriptions WHERE owner_api_key_id = $1`, [
        first.body.id,
      ]),
    ).toBe(1);
    const all = JSON.stringify(await t.dataSource.query(`SELECT response_body FROM idempotency_keys`));
    expect(all).not.toContain(h1.body.secret as string);
  });

  it('opted-out routes ignore the key: a login retried with a key is a new login, no tokens stored', async () => {
    const key = randomUUID();
    const login = () =>
      t.http
        .post('/api/v1/auth/login')
        .set('Idempotency-Key', key)
        .send({ email: applicant.email, password: applicant.password });
    const a = await login();
    const b = await login();
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.headers['idempotency-replayed']).toBeUndefined();
    expect(b.body.refreshToken).not.toBe(a.body.refreshToken);
    expect(await count(`SELECT count(*) AS n FROM idempotency_keys WHERE key = $1`, [key])).toBe(0);
  });

  it('the OpenAPI document shows Idempotency-Key on every POST but the opted-out ones, and on nothing else', async () => {
    const res = await t.http.get('/docs-json');
    expect(res.status).toBe(200);
    const doc = res.body as {
      paths: Record<string, Record<string, { operationId: string; parameters?: Array<{ $ref?: string }> }>>;
      components: {
        parameters: Record<string, { name: string; in: string }>;
        responses: Record<string, { 'x-error-codes'?: string[] }>;
      };
    };
    expect(doc.components.parameters.IdempotencyKey).toMatchObject({ name: 'Idempotency-Key', in: 'header' });
    type ErrorResponse = { $ref?: string; 'x-error-codes'?: string[] } | undefined;
    /** The codes a response lists (ADR 0038), through its shared component when it is one. */
    const codesOf = (response: ErrorResponse): string[] => {
      const resolved = response?.$ref
        ? doc.components.responses[response.$ref.split('/').pop() as string]
        : response;
      return resolved?.['x-error-codes'] ?? [];
    };
    const keyed = (op: { parameters?: Array<{ $ref?: string }> }) =>
      (op.parameters ?? []).some((p) => p.$ref === '#/components/parameters/IdempotencyKey');
    const withoutKey: string[] = [];
    let posts = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (method !== 'post') {
          expect({ path, method, keyed: keyed(op) }).toEqual({ path, method, keyed: false });
          continue;
        }
        posts++;
        if (!keyed(op)) withoutKey.push(op.operationId);
        else {
          const responses = (op as unknown as { responses: Record<string, ErrorResponse> }).responses;
          expect(codesOf(responses['422'])).toContain('IDEMPOTENCY_KEY_REUSED');
          expect(codesOf(responses['409'])).toContain('IDEMPOTENCY_KEY_IN_USE');
        }
      }
    }
    expect(posts).toBeGreaterThan(40);
    expect(withoutKey.sort()).toEqual([
      'Attachments_upload',
      'Auth_login',
      'Auth_logout',
      'Auth_refresh',
      'Auth_register',
      'InvitationAccept_accept',
      'Mfa_confirm',
      'Mfa_loginMfa',
      'Mfa_regenerate',
      'Mfa_start',
      'Passwords_changePassword',
      'Passwords_confirmReset',
      'Passwords_requestReset',
      'QueueDashboard_openSession',
      'Users_create',
    ]);
  });
});
