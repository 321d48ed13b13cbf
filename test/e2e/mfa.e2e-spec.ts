import { randomUUID } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { UsersService } from '../../src/modules/platform/users/users.service';
import { TotpSecretCipher } from '../../src/modules/platform/auth/mfa/totp-secret-cipher';
import {
  Actor,
  auditRows,
  bearer,
  createAdmin,
  createSecurityAdmin,
  createSystemAdmin,
  createUser,
  registerOrg,
  TEST_PASSWORD,
  uniqueEmail,
} from '../support/factories';
import { totpCodeAt } from '../support/mfa';
import { createTestApp, TestApp } from '../support/test-app';

const STEP_MS = 30_000;
/** An operations route only administrators may call (the system administrator's). */
const ADMIN_ROUTE = '/api/v1/experts';

/**
 * TOTP multi-factor sign-in (ADR 0044): enrolment, the two-step login, codes used once, recovery
 * codes, the lockout, administrators held to MFA by the global guard, the security administrator's
 * reset, and the audit trail of each step. Codes come from the `otpauth` library at the test
 * clock's time; the clock moves one step (30 s) between codes that must both be accepted.
 */
describe('TOTP multi-factor sign-in', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' } });
  });
  afterAll(async () => t.close());

  const code = (secret: string, stepsFromNow = 0) =>
    totpCodeAt(secret, t.clock.now().getTime() + stepsFromNow * STEP_MS);
  const nextStep = () => t.clock.advance(STEP_MS);

  const login = (email: string, password = TEST_PASSWORD) =>
    t.http.post('/api/v1/auth/login').send({ email, password });
  const loginMfa = (body: Record<string, string>) => t.http.post('/api/v1/auth/login/mfa').send(body);

  /** Starts and confirms an authenticator over HTTP: the secret, the recovery codes, new tokens. */
  async function enrol(headers: Record<string, string>) {
    const started = await t.http.post('/api/v1/auth/mfa/totp').set(headers);
    expect(started.status).toBe(200);
    const secret = started.body.secret as string;
    const confirmed = await t.http
      .post('/api/v1/auth/mfa/totp/confirm')
      .set(headers)
      .send({ code: code(secret) });
    expect(confirmed.status).toBe(200);
    nextStep();
    return {
      secret,
      recoveryCodes: confirmed.body.recoveryCodes as string[],
      accessToken: confirmed.body.tokens.accessToken as string,
      refreshToken: confirmed.body.tokens.refreshToken as string,
    };
  }

  /** The mfaToken of a password step that must ask for the second factor. */
  async function challenge(email: string): Promise<string> {
    const res = await login(email);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mfaRequired: true, expiresIn: 300 });
    expect(res.body.accessToken).toBeUndefined();
    return res.body.mfaToken as string;
  }

  describe('a person who chooses MFA (an applicant)', () => {
    let actor: Actor;
    let secret: string;
    let recoveryCodes: string[];

    beforeAll(async () => {
      actor = await registerOrg(t, { role: 'applicant' });
    });

    it('enrols: a secret and an otpauth:// URI, pending until confirmed with a current code', async () => {
      const started = await t.http.post('/api/v1/auth/mfa/totp').set(actor.headers);
      expect(started.status).toBe(200);
      secret = started.body.secret;
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(started.body).toMatchObject({ issuer: 'jiebang', algorithm: 'SHA1', digits: 6, period: 30 });
      const uri = new URL(started.body.otpauthUri as string);
      expect(uri.protocol).toBe('otpauth:');
      expect(uri.searchParams.get('issuer')).toBe('jiebang');
      expect(uri.searchParams.get('secret')).toBe(secret);
      expect(decodeURIComponent(uri.pathname)).toContain(actor.email);

      const status = await t.http.get('/api/v1/auth/mfa').set(actor.headers);
      expect(status.body).toMatchObject({ totp: 'pending', required: false, recoveryCodesLeft: 0 });
      // Pending: the sign-in does not ask for a code yet.
      expect((await login(actor.email)).body.accessToken).toEqual(expect.any(String));

      // At rest the secret is encrypted (AES-256-GCM) and decrypts only for this user.
      const [row] = await t.dataSource.query(`SELECT secret_encrypted FROM user_totp WHERE user_id = $1`, [
        actor.userId,
      ]);
      expect(row.secret_encrypted).not.toContain(secret);
      expect(row.secret_encrypted).toMatch(/^v1\./);
      const cipher = t.get(TotpSecretCipher);
      expect(cipher.decrypt(row.secret_encrypted, actor.userId)).toBe(secret);
      expect(() => cipher.decrypt(row.secret_encrypted, registerOrgIdLike())).toThrow();
    });

    it('refuses a wrong code at confirmation, then confirms: 10 recovery codes shown once, stored hashed', async () => {
      const wrong = await t.http
        .post('/api/v1/auth/mfa/totp/confirm')
        .set(actor.headers)
        .send({ code: code(secret, 5) });
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe('MFA_CODE_INVALID');

      const confirmed = await t.http
        .post('/api/v1/auth/mfa/totp/confirm')
        .set(actor.headers)
        .send({ code: code(secret) });
      expect(confirmed.status).toBe(200);
      recoveryCodes = confirmed.body.recoveryCodes;
      expect(recoveryCodes).toHaveLength(10);
      expect(new Set(recoveryCodes).size).toBe(10);
      for (const c of recoveryCodes) expect(c).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
      expect(confirmed.body.tokens).toMatchObject({ tokenType: 'Bearer' });
      const stored = await t.dataSource.query(`SELECT code_hash FROM mfa_recovery_codes WHERE user_id = $1`, [
        actor.userId,
      ]);
      expect(stored).toHaveLength(10);
      const hashes = stored.map((r: { code_hash: string }) => r.code_hash).join(' ');
      for (const c of recoveryCodes) expect(hashes).not.toContain(c.replaceAll('-', ''));

      const again = await t.http.post('/api/v1/auth/mfa/totp').set(actor.headers);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('MFA_ALREADY_ENROLLED');
      nextStep();
    });

    it('asks for the second step at login; a wrong code is refused, the right one gives tokens, once', async () => {
      const mfaToken = await challenge(actor.email);
      // The challenge is no access token.
      expect((await t.http.get('/api/v1/me').set(bearer(mfaToken))).status).toBe(401);

      const wrong = await loginMfa({ mfaToken, code: code(secret, 3) });
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe('MFA_CODE_INVALID');

      const current = code(secret);
      const ok = await loginMfa({ mfaToken, code: current });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
      expect((await t.http.get('/api/v1/me').set(bearer(ok.body.accessToken))).status).toBe(200);

      // The same code again (same step, another sign-in) is refused.
      const replay = await loginMfa({ mfaToken: await challenge(actor.email), code: current });
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('MFA_CODE_INVALID');
      // So is the previous step's code: a code of an earlier step than the last used one.
      expect(
        (await loginMfa({ mfaToken: await challenge(actor.email), code: code(secret, -1) })).status,
      ).toBe(401);

      const failed = await auditRows(t, 'auth.login_failed', actor.userId);
      expect(failed.length).toBeGreaterThanOrEqual(3);
      expect(await auditRows(t, 'auth.login', actor.userId)).not.toHaveLength(0);
      nextStep();
      // The failures above are cleared by a successful second step.
      expect((await loginMfa({ mfaToken: await challenge(actor.email), code: code(secret) })).status).toBe(
        200,
      );
      nextStep();
    });

    it('accepts a recovery code once, in any case and without dashes', async () => {
      const [first] = recoveryCodes;
      const ok = await loginMfa({
        mfaToken: await challenge(actor.email),
        recoveryCode: first.toLowerCase().replaceAll('-', ''),
      });
      expect(ok.status).toBe(200);
      const again = await loginMfa({ mfaToken: await challenge(actor.email), recoveryCode: first });
      expect(again.status).toBe(401);
      expect(again.body.code).toBe('MFA_CODE_INVALID');
      expect(await auditRows(t, 'auth.mfa_recovery_code_used', actor.userId)).toHaveLength(1);
      const status = await t.http.get('/api/v1/auth/mfa').set(bearer(ok.body.accessToken));
      expect(status.body).toMatchObject({ totp: 'confirmed', recoveryCodesLeft: 9, sessionMfa: true });
    });

    it('refuses a code and a recovery code together, and an expired challenge', async () => {
      const mfaToken = await challenge(actor.email);
      const both = await loginMfa({ mfaToken, code: code(secret), recoveryCode: recoveryCodes[1] });
      expect(both.status).toBe(400);
      t.clock.advance(301_000);
      const expired = await loginMfa({ mfaToken, code: code(secret) });
      expect(expired.status).toBe(401);
      expect(expired.body.code).toBe('MFA_TOKEN_INVALID');
      const forged = await loginMfa({ mfaToken: `${mfaToken.slice(0, -4)}AAAA`, code: code(secret) });
      expect(forged.status).toBe(401);
      expect(forged.body.code).toBe('MFA_TOKEN_INVALID');
    });

    it('counts wrong codes toward the login lockout, which holds even for the right code', async () => {
      // A success clears the failures of the tests above.
      expect((await loginMfa({ mfaToken: await challenge(actor.email), code: code(secret) })).status).toBe(
        200,
      );
      nextStep();
      const held = await challenge(actor.email);
      for (let i = 0; i < 5; i++) {
        const res = await loginMfa({ mfaToken: await challenge(actor.email), code: code(secret, 10 + i) });
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('MFA_CODE_INVALID');
      }
      const locked = await loginMfa({ mfaToken: held, code: code(secret) });
      expect(locked.status).toBe(429);
      expect(locked.body.code).toBe('LOGIN_LOCKED');
      // The password step is locked too.
      expect((await login(actor.email)).status).toBe(429);
      t.clock.advance(16 * 60_000);
      expect((await loginMfa({ mfaToken: await challenge(actor.email), code: code(secret) })).status).toBe(
        200,
      );
      nextStep();
    });

    it('regenerates the recovery codes with a code; the old ones stop working', async () => {
      const session = await loginMfa({ mfaToken: await challenge(actor.email), code: code(secret) });
      nextStep();
      const headers = bearer(session.body.accessToken);
      const fresh = await t.http
        .post('/api/v1/auth/mfa/recovery-codes')
        .set(headers)
        .send({ code: code(secret) });
      expect(fresh.status).toBe(200);
      expect(fresh.body.recoveryCodes).toHaveLength(10);
      nextStep();
      const old = await loginMfa({ mfaToken: await challenge(actor.email), recoveryCode: recoveryCodes[2] });
      expect(old.status).toBe(401);
      const renewed = await loginMfa({
        mfaToken: await challenge(actor.email),
        recoveryCode: fresh.body.recoveryCodes[0],
      });
      expect(renewed.status).toBe(200);
      expect(await auditRows(t, 'auth.mfa_recovery_codes_regenerated', actor.userId)).toHaveLength(1);
    });

    it('removes the authenticator with the password (a wrong one refused); the login asks for the password only', async () => {
      nextStep();
      const session = await loginMfa({ mfaToken: await challenge(actor.email), code: code(secret) });
      const headers = bearer(session.body.accessToken);
      const wrong = await t.http
        .delete('/api/v1/auth/mfa/totp')
        .set(headers)
        .send({ password: 'not-the-password' });
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
      const removed = await t.http
        .delete('/api/v1/auth/mfa/totp')
        .set(headers)
        .send({ password: TEST_PASSWORD });
      expect(removed.status).toBe(204);
      expect((await login(actor.email)).body).toMatchObject({ tokenType: 'Bearer' });
      const gone = await t.http
        .delete('/api/v1/auth/mfa/totp')
        .set(headers)
        .send({ code: code(secret) });
      expect(gone.status).toBe(409);
      expect(gone.body.code).toBe('MFA_NOT_ENROLLED');
    });

    it('audits every step, by the person', async () => {
      const seen: Record<string, string[]> = {};
      for (const action of [
        'auth.mfa_totp_enrolment_started',
        'auth.mfa_totp_confirmed',
        'auth.mfa_recovery_code_used',
        'auth.mfa_recovery_codes_regenerated',
        'auth.mfa_code_rejected',
        'auth.mfa_totp_removed',
      ]) {
        seen[action] = (await auditRows(t, action, actor.userId)).map((row) => row.actor_type);
      }
      for (const actorTypes of Object.values(seen)) expect(actorTypes).toContain('user');
    });
  });

  describe('administrators must have MFA', () => {
    let email: string;
    let adminId: string;

    beforeAll(async () => {
      email = uniqueEmail('newadmin');
      adminId = (await t.get(UsersService).ensureFirstAdmin(email, TEST_PASSWORD)).id;
    });

    it('signs an administrator without MFA in, but refuses every route except enrolment, /me and logout with 403 MFA_ENROLMENT_REQUIRED', async () => {
      const res = await login(email);
      expect(res.status).toBe(200);
      expect(res.body.accessToken).toEqual(expect.any(String));
      const headers = bearer(res.body.accessToken);

      const refused = await t.http.get(ADMIN_ROUTE).set(headers);
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('MFA_ENROLMENT_REQUIRED');
      expect((await t.http.get('/api/v1/users').set(headers)).body.code).toBe('MFA_ENROLMENT_REQUIRED');
      expect((await t.http.get('/api/v1/me').set(headers)).status).toBe(200);
      const status = await t.http.get('/api/v1/auth/mfa').set(headers);
      expect(status.body).toMatchObject({ totp: 'none', required: true, sessionMfa: false });

      // Enrolling answers a session that passed MFA; the password-only one stays refused.
      const enrolled = await enrol(headers);
      expect((await t.http.get(ADMIN_ROUTE).set(bearer(enrolled.accessToken))).status).toBe(200);
      expect((await t.http.get(ADMIN_ROUTE).set(headers)).body.code).toBe('MFA_ENROLMENT_REQUIRED');
      // The password-only session cannot be refreshed any more; the enrolled one keeps its MFA.
      const stale = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: res.body.refreshToken });
      expect(stale.status).toBe(401);
      const refreshed = await t.http
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: enrolled.refreshToken });
      expect(refreshed.status).toBe(200);
      expect((await t.http.get(ADMIN_ROUTE).set(bearer(refreshed.body.accessToken))).status).toBe(200);

      // From now on the sign-in has two steps, and the second gives a session that passes.
      const mfaToken = await challenge(email);
      const second = await loginMfa({ mfaToken, code: code(enrolled.secret) });
      expect(second.status).toBe(200);
      expect((await t.http.get(ADMIN_ROUTE).set(bearer(second.body.accessToken))).status).toBe(200);

      // Administrators keep their second factor.
      nextStep();
      const remove = await t.http
        .delete('/api/v1/auth/mfa/totp')
        .set(bearer(second.body.accessToken))
        .send({ code: code(enrolled.secret) });
      expect(remove.status).toBe(422);
      expect(remove.body.code).toBe('MFA_REQUIRED_FOR_ROLE');

      const logout = await t.http
        .post('/api/v1/auth/logout')
        .set(bearer(enrolled.accessToken))
        .send({ refreshToken: refreshed.body.refreshToken });
      expect(logout.status).toBe(204);
    });

    it("lets a security administrator reset an administrator's MFA: signed out, and must enrol again", async () => {
      const system = await createSystemAdmin(t);
      const security = await createSecurityAdmin(t);
      expect(security.totpSecret).toEqual(expect.any(String));
      // A system administrator (admin alone, ADR 43) may not reset MFA; nobody resets their own.
      expect((await t.http.delete(`/api/v1/users/${adminId}/mfa`).set(system.headers)).status).toBe(403);
      const own = await t.http.delete(`/api/v1/users/${security.userId}/mfa`).set(security.headers);
      expect(own.status).toBe(422);
      expect((await t.http.delete(`/api/v1/users/${randomUUID()}/mfa`).set(security.headers)).status).toBe(
        404,
      );

      const reset = await t.http.delete(`/api/v1/users/${adminId}/mfa`).set(security.headers);
      expect(reset.status).toBe(204);
      const [row] = await t.dataSource.query(`SELECT count(*)::int AS n FROM user_totp WHERE user_id = $1`, [
        adminId,
      ]);
      expect(row.n).toBe(0);

      // The next sign-in is password-only again, and held to enrolment.
      const res = await login(email);
      expect(res.body.accessToken).toEqual(expect.any(String));
      expect((await t.http.get(ADMIN_ROUTE).set(bearer(res.body.accessToken))).body.code).toBe(
        'MFA_ENROLMENT_REQUIRED',
      );
      const again = await enrol(bearer(res.body.accessToken));
      expect((await t.http.get(ADMIN_ROUTE).set(bearer(again.accessToken))).status).toBe(200);

      const audited = await auditRows(t, 'auth.mfa_reset', adminId);
      expect(audited).toHaveLength(1);
      expect(audited[0].actor_id).toBe(security.userId);
    });

    it('signs the reset user out at once (access tokens of before stop working)', async () => {
      const admin = await createAdmin(t);
      const security = await createUser(t, admin.organizationId, ['security_admin']);
      expect((await t.http.get(ADMIN_ROUTE).set(admin.headers)).status).toBe(200);
      expect((await t.http.delete(`/api/v1/users/${admin.userId}/mfa`).set(security.headers)).status).toBe(
        204,
      );
      expect((await t.http.get('/api/v1/me').set(admin.headers)).status).toBe(401);
      expect(
        (await t.http.post('/api/v1/auth/refresh').send({ refreshToken: admin.refreshToken })).status,
      ).toBe(401);
    });

    it('leaves API keys alone, and the factories give administrators sessions that passed MFA', async () => {
      const admin = await createAdmin(t);
      expect((await t.http.get(ADMIN_ROUTE).set(admin.headers)).status).toBe(200);
      const key = await t.http
        .post('/api/v1/api-keys')
        .set(admin.headers)
        .send({ name: 'portal', organizationId: admin.organizationId, scopes: ['stats:read'] });
      expect(key.status).toBe(201);
      expect((await t.http.get('/api/v1/me').set('X-Api-Key', key.body.key)).status).toBe(200);
    });
  });

  it('computes the same codes as any RFC 6238 authenticator (SHA1, 6 digits, 30 s)', () => {
    // RFC 6238 appendix B, SHA1, at 59 s: 94287082 (8 digits) → 287082 with 6.
    const secret = Secret.fromUTF8('12345678901234567890').base32;
    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
    expect(totp.generate({ timestamp: 59_000 })).toBe('287082');
    expect(totpCodeAt(secret, 59_000)).toBe('287082');
  });
});

/** A UUID that is not the user's (the ciphertext's additional data is the user id). */
function registerOrgIdLike(): string {
  return '00000000-0000-4000-8000-000000000000';
}
