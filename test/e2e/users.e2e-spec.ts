import { UsersService } from '../../src/modules/platform/users/users.service';
import {
  Actor,
  auditRows,
  bearer,
  createAdmin,
  outboxEvents,
  registerOrg,
  TEST_PASSWORD,
  uniqueEmail,
} from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

describe('users', () => {
  let t: TestApp;
  let admin: Actor;
  let issuer: Actor;

  beforeAll(async () => {
    t = await createTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' } });
    admin = await createAdmin(t);
    issuer = await registerOrg(t, { role: 'issuer' });
  });
  afterAll(async () => t.close());

  it('refuses non-admins with 403', async () => {
    expect((await t.http.get('/api/v1/users').set(issuer.headers)).status).toBe(403);
    const create = await t.http.post('/api/v1/users').set(issuer.headers).send({});
    expect(create.status).toBe(403);
    const patch = await t.http
      .patch(`/api/v1/users/${issuer.userId}`)
      .set(issuer.headers)
      .send({ roles: ['admin'] });
    expect(patch.status).toBe(403);
  });

  it('creates a user in an organization and lists users filtered by organization', async () => {
    const email = uniqueEmail('expert');
    const created = await t.http
      .post('/api/v1/users')
      .set(admin.headers)
      .send({
        organizationId: issuer.organizationId,
        email,
        displayName: '王专家',
        password: TEST_PASSWORD,
        roles: ['expert'],
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email, roles: ['expert'], enabled: true, locale: 'zh-CN' });
    expect(created.body.passwordHash).toBeUndefined();

    const list = await t.http.get(`/api/v1/users?organizationId=${issuer.organizationId}`).set(admin.headers);
    expect(list.status).toBe(200);
    expect(list.body.items.map((u: { id: string }) => u.id).sort()).toEqual(
      [created.body.id, issuer.userId].sort(),
    );

    const integration = await t.http
      .post('/api/v1/users')
      .set(admin.headers)
      .send({
        organizationId: issuer.organizationId,
        email: uniqueEmail(),
        displayName: 'x',
        password: TEST_PASSWORD,
        roles: ['integration'],
      });
    expect(integration.status).toBe(400);
  });

  it('changes roles: audited, user.roles_changed published, older access tokens refused', async () => {
    const actor = await registerOrg(t, { role: 'applicant' });
    const res = await t.http
      .patch(`/api/v1/users/${actor.userId}`)
      .set(admin.headers)
      .send({ roles: ['applicant', 'expert'] });
    expect(res.status).toBe(200);
    expect(res.body.roles).toEqual(['applicant', 'expert']);

    const audit = await auditRows(t, 'user.roles_changed', actor.userId);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_type: 'user', actor_id: admin.userId });
    const events = await outboxEvents(t, 'user.roles_changed', actor.userId);
    expect(events.map((e) => e.data)).toEqual([
      { userId: actor.userId, organizationId: actor.organizationId, roles: ['applicant', 'expert'] },
    ]);

    expect((await t.http.get('/api/v1/me').set(actor.headers)).status).toBe(401);
    const refreshed = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: actor.refreshToken });
    expect(refreshed.status).toBe(200);
    const me = await t.http.get('/api/v1/me').set(bearer(refreshed.body.accessToken));
    expect(me.body.roles).toEqual(['applicant', 'expert']);
  });

  it("refuses a disabled user's access token at once, and its refresh token and password", async () => {
    const actor = await registerOrg(t);
    expect((await t.http.get('/api/v1/me').set(actor.headers)).status).toBe(200);

    const res = await t.http
      .patch(`/api/v1/users/${actor.userId}`)
      .set(admin.headers)
      .send({ enabled: false });
    expect(res.status).toBe(200);
    expect(res.body.enabled).toBe(false);
    expect(await auditRows(t, 'user.disabled', actor.userId)).toHaveLength(1);

    const me = await t.http.get('/api/v1/me').set(actor.headers);
    expect(me.status).toBe(401);
    expect(
      (await t.http.post('/api/v1/auth/refresh').send({ refreshToken: actor.refreshToken })).status,
    ).toBe(401);
    const login = await t.http
      .post('/api/v1/auth/login')
      .send({ email: actor.email, password: TEST_PASSWORD });
    expect(login.status).toBe(401);
    expect(login.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('serves the version as ETag and refuses a stale If-Match with 409, changing nothing', async () => {
    const actor = await registerOrg(t, { role: 'applicant' });
    const first = await t.http
      .patch(`/api/v1/users/${actor.userId}`)
      .set(admin.headers)
      .set('If-Match', '"1"')
      .send({ displayName: 'First rename' });
    expect(first.status).toBe(200);
    expect(first.headers.etag).toBe('"2"');
    expect(first.body.version).toBe(2);

    // A second admin still holding version 1 tries to disable the user.
    const stale = await t.http
      .patch(`/api/v1/users/${actor.userId}`)
      .set(admin.headers)
      .set('If-Match', '"1"')
      .send({ enabled: false });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'VERSION_MISMATCH', currentVersion: 2 });
    expect((await t.http.get('/api/v1/me').set(actor.headers)).status).toBe(200);

    const malformed = await t.http
      .patch(`/api/v1/users/${actor.userId}`)
      .set(admin.headers)
      .set('If-Match', 'version-two')
      .send({ displayName: 'x' });
    expect(malformed.status).toBe(400);
  });

  it('refuses an admin disabling themself (422) or changing their own roles (409)', async () => {
    const res = await t.http
      .patch(`/api/v1/users/${admin.userId}`)
      .set(admin.headers)
      .send({ enabled: false });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('BUSINESS_RULE_VIOLATION');
    const demote = await t.http
      .patch(`/api/v1/users/${admin.userId}`)
      .set(admin.headers)
      .send({ roles: ['admin'] });
    expect(demote.status).toBe(409);
    expect(demote.body.code).toBe('OWN_ROLES_UNCHANGEABLE');
  });

  it('ensureFirstAdmin is idempotent and puts the admin in a government platform organization', async () => {
    const users = t.get(UsersService);
    const email = uniqueEmail('root');
    const first = await users.ensureFirstAdmin(email, TEST_PASSWORD);
    const second = await users.ensureFirstAdmin(email.toUpperCase(), 'another-password-123');
    expect(second.id).toBe(first.id);
    // System and security administrator (ADR 0043).
    expect(first.roles).toEqual(['admin', 'security_admin']);
    const [org] = await t.dataSource.query('SELECT type FROM organizations WHERE id = $1', [
      first.organizationId,
    ]);
    expect(org.type).toBe('government');
    // The password was not replaced by the second call.
    const login = await t.http.post('/api/v1/auth/login').send({ email, password: TEST_PASSWORD });
    expect(login.status).toBe(200);
  });
});

describe('first admin at startup (ADMIN_EMAIL / ADMIN_PASSWORD)', () => {
  let t: TestApp;
  const email = 'ops@kjt.jiangxi.gov.cn';
  const password = 'a-long-admin-password';

  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } });
  });
  afterAll(async () => t.close());

  it('creates the configured admin on boot', async () => {
    const res = await t.http.post('/api/v1/auth/login').send({ email, password });
    expect(res.status).toBe(200);
    const me = await t.http.get('/api/v1/me').set(bearer(res.body.accessToken));
    expect(me.body).toMatchObject({
      kind: 'user',
      roles: ['admin', 'security_admin'],
      organization: { type: 'government' },
    });
  });
});
