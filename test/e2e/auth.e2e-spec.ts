import { createHmac } from 'node:crypto';
import {
  auditRows,
  bearer,
  outboxEvents,
  registerOrg,
  TEST_PASSWORD,
  uniqueEmail,
  validCreditCode,
} from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

function registerBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    organizationName: '江西某新材料有限公司',
    organizationType: 'enterprise',
    creditCode: validCreditCode(),
    regionCode: '360100',
    role: 'issuer',
    email: uniqueEmail('reg'),
    password: TEST_PASSWORD,
    displayName: '李明',
    ...overrides,
  };
}

describe('auth', () => {
  let t: TestApp;

  beforeAll(async () => {
    // A generous strict limit here: the per-IP throttling has its own describe below.
    t = await createTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' } });
  });
  afterAll(async () => t.close());

  describe('register', () => {
    it('creates an organization and its first user, signs in, audits, and publishes organization.registered', async () => {
      const body = registerBody({ email: 'Mixed.Case@Example.CN' });
      const res = await t.http.post('/api/v1/auth/register').send(body);
      expect(res.status).toBe(201);
      expect(res.body.user).toMatchObject({
        email: 'mixed.case@example.cn',
        roles: ['issuer'],
        enabled: true,
      });
      expect(res.body.user.passwordHash).toBeUndefined();
      expect(res.body.organization).toMatchObject({
        type: 'enterprise',
        creditCode: body.creditCode,
        verified: false,
      });
      expect(res.body.tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });

      const me = await t.http.get('/api/v1/me').set(bearer(res.body.tokens.accessToken));
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({
        kind: 'user',
        roles: ['issuer'],
        organization: { id: res.body.organization.id },
      });

      expect(await auditRows(t, 'auth.registered', res.body.user.id)).toHaveLength(1);
      expect(await auditRows(t, 'organization.created', res.body.organization.id)).toHaveLength(1);
      const events = await outboxEvents(t, 'organization.registered', res.body.organization.id);
      expect(events.map((e) => e.data)).toEqual([{ organizationId: res.body.organization.id }]);
    });

    it('refuses unknown fields and wrong types with field-level errors', async () => {
      const res = await t.http
        .post('/api/v1/auth/register')
        .send(registerBody({ isAdmin: true, regionCode: 360100, organizationType: 'bank' }));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      const fields = (res.body.errors as Array<{ field: string }>).map((e) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['isAdmin', 'regionCode', 'organizationType']));
    });

    it('refuses a credit code with a wrong check character, naming creditCode', async () => {
      const res = await t.http
        .post('/api/v1/auth/register')
        .send(registerBody({ creditCode: '91350100M000100Y42' }));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['creditCode']);
    });

    it('never grants admin (or expert) by self-registration', async () => {
      for (const role of ['admin', 'expert']) {
        const res = await t.http.post('/api/v1/auth/register').send(registerBody({ role }));
        expect(res.status).toBe(400);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['role']);
      }
    });

    it('answers 409 for an email or credit code already registered', async () => {
      const first = registerBody();
      expect((await t.http.post('/api/v1/auth/register').send(first)).status).toBe(201);
      const sameEmail = await t.http.post('/api/v1/auth/register').send(registerBody({ email: first.email }));
      expect(sameEmail.status).toBe(409);
      const sameCode = await t.http
        .post('/api/v1/auth/register')
        .send(registerBody({ creditCode: first.creditCode }));
      expect(sameCode.status).toBe(409);
      expect(sameCode.body.code).toBe('ALREADY_EXISTS');
    });
  });

  describe('login', () => {
    it('signs in, and audits the login', async () => {
      const actor = await registerOrg(t, { role: 'applicant' });
      const res = await t.http
        .post('/api/v1/auth/login')
        .send({ email: actor.email.toUpperCase(), password: TEST_PASSWORD });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
      expect(typeof res.body.refreshToken).toBe('string');
      expect((await t.http.get('/api/v1/me').set(bearer(res.body.accessToken))).status).toBe(200);
      expect(await auditRows(t, 'auth.login', actor.userId)).toHaveLength(1);
    });

    it('answers the same 401 for a wrong password and an unknown email, auditing both', async () => {
      const actor = await registerOrg(t);
      const wrong = await t.http
        .post('/api/v1/auth/login')
        .send({ email: actor.email, password: 'wrong-password-1' });
      const unknown = await t.http
        .post('/api/v1/auth/login')
        .send({ email: uniqueEmail('nobody'), password: 'x' });
      for (const res of [wrong, unknown]) {
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('INVALID_CREDENTIALS');
      }
      expect(wrong.body.detail).toBe(unknown.body.detail);
      const failed = await auditRows(t, 'auth.login_failed', actor.userId);
      expect(failed).toHaveLength(1);
      expect(failed[0].actor_type).toBe('anonymous');
    });

    it('locks an account after 5 consecutive failures, even for the right password, until the lock passes', async () => {
      const actor = await registerOrg(t);
      for (let i = 0; i < 5; i++) {
        const res = await t.http
          .post('/api/v1/auth/login')
          .send({ email: actor.email, password: `wrong-${i}` });
        expect(res.status).toBe(401);
      }
      const locked = await t.http
        .post('/api/v1/auth/login')
        .send({ email: actor.email, password: TEST_PASSWORD });
      expect(locked.status).toBe(429);
      expect(locked.body.code).toBe('LOGIN_LOCKED');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);

      t.clock.advance(16 * 60_000);
      const after = await t.http
        .post('/api/v1/auth/login')
        .send({ email: actor.email, password: TEST_PASSWORD });
      expect(after.status).toBe(200);
    });
  });

  describe('tokens', () => {
    it('requires a token on protected routes and refuses a forged one', async () => {
      expect((await t.http.get('/api/v1/me')).status).toBe(401);
      const forged = await t.http.get('/api/v1/me').set(bearer('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'));
      expect(forged.status).toBe(401);
      expect(forged.body.code).toBe('UNAUTHENTICATED');
    });

    it('refuses a token with valid claims signed with another secret, accepts the same claims signed with ours', async () => {
      const actor = await registerOrg(t);
      const [header, payload] = actor.accessToken.split('.');
      const signed = (secret: string) =>
        `${header}.${payload}.${createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')}`;
      const other = await t.http
        .get('/api/v1/me')
        .set(bearer(signed('another-secret-of-at-least-32-characters')));
      expect(other.status).toBe(401);
      expect(other.body.code).toBe('UNAUTHENTICATED');
      expect(signed(t.environment.config.JWT_ACCESS_SECRET)).toBe(actor.accessToken);
      expect((await t.http.get('/api/v1/me').set(actor.headers)).status).toBe(200);
    });

    it('expires access tokens by the injected clock', async () => {
      const actor = await registerOrg(t);
      expect((await t.http.get('/api/v1/me').set(actor.headers)).status).toBe(200);
      t.clock.advance(901_000);
      expect((await t.http.get('/api/v1/me').set(actor.headers)).status).toBe(401);
    });

    it('rotates refresh tokens; reusing a rotated one revokes the whole family', async () => {
      const actor = await registerOrg(t);
      const first = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: actor.refreshToken });
      expect(first.status).toBe(200);
      expect(first.body.refreshToken).not.toBe(actor.refreshToken);

      const replay = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: actor.refreshToken });
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('REFRESH_TOKEN_INVALID');

      // The newest token of the family, never used, is revoked too.
      const newest = await t.http
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: first.body.refreshToken });
      expect(newest.status).toBe(401);
      expect(newest.body.code).toBe('REFRESH_TOKEN_INVALID');
      expect(await auditRows(t, 'auth.refresh_token_reused', actor.userId)).toHaveLength(1);
    });

    it('lets exactly one of two concurrent refreshes with the same token succeed', async () => {
      const actor = await registerOrg(t);
      const results = await Promise.all([
        t.http.post('/api/v1/auth/refresh').send({ refreshToken: actor.refreshToken }),
        t.http.post('/api/v1/auth/refresh').send({ refreshToken: actor.refreshToken }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    });

    it('logout revokes the refresh token family', async () => {
      const actor = await registerOrg(t);
      const refreshed = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: actor.refreshToken });
      expect(refreshed.status).toBe(200);
      const out = await t.http
        .post('/api/v1/auth/logout')
        .set(bearer(refreshed.body.accessToken))
        .send({ refreshToken: refreshed.body.refreshToken });
      expect(out.status).toBe(204);
      const after = await t.http
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: refreshed.body.refreshToken });
      expect(after.status).toBe(401);
      expect(await auditRows(t, 'auth.logout', actor.userId)).toHaveLength(1);
    });
  });
});

describe('auth rate limits (defaults: LOGIN_RATE_LIMIT_PER_MINUTE=10)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('throttles 20 wrong passwords in a minute with 429 RATE_LIMITED and Retry-After', async () => {
    const actor = await registerOrg(t);
    const codes: string[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 20; i++) {
      const res = await t.http
        .post('/api/v1/auth/login')
        .send({ email: actor.email, password: `wrong-${i}` });
      codes.push(res.body.code);
      if (res.body.code === 'RATE_LIMITED') {
        expect(res.status).toBe(429);
        retryAfter = res.headers['retry-after'];
      }
    }
    expect(codes[0]).toBe('INVALID_CREDENTIALS');
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(10);
    expect(codes.slice(10).every((c) => c === 'RATE_LIMITED')).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
