import { createHash } from 'node:crypto';
import {
  Actor,
  auditRows,
  bearer,
  createAdmin,
  createUser,
  registerOrg,
  uniqueEmail,
} from '../support/factories';
import { totpCodeAt } from '../support/mfa';
import { SmtpInbox } from '../support/smtp-inbox';
import { createTestApp, TestApp } from '../support/test-app';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';

const WEB = 'https://jiebang.example.cn/portal';
const RESET_LINK = /https:\/\/jiebang\.example\.cn\/portal\/password-reset\?token=(jbp_[A-Za-z0-9_-]+)/;
const INVITE_LINK = /https:\/\/jiebang\.example\.cn\/portal\/invitations\/accept\?token=(jbi_[A-Za-z0-9_-]+)/;
const REQUESTS_PER_HOUR = 3;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

function tokenIn(text: string, link: RegExp): string {
  const match = link.exec(text);
  if (!match) throw new Error(`no link ${link} in mail:\n${text}`);
  return match[1];
}

describe('accounts: password lifecycle and invitations (ADR 0045)', () => {
  let inbox: SmtpInbox;
  let t: TestApp;
  let worker: TestWorker;
  let admin: Actor;

  const me = (accessToken: string) => t.http.get('/api/v1/me').set(bearer(accessToken));
  const refresh = (refreshToken: string) => t.http.post('/api/v1/auth/refresh').send({ refreshToken });
  const login = (email: string, password: string) =>
    t.http.post('/api/v1/auth/login').send({ email, password });
  /**
   * Signs in a person enrolled in TOTP: the password step answers a challenge, the second step the
   * tokens. The test clock moves on one 30 s step first, so every sign-in sends a code not used yet.
   */
  const loginWithCode = async (email: string, password: string, secret: string) => {
    const first = await login(email, password);
    expect({ status: first.status, mfaRequired: first.body.mfaRequired }).toEqual({
      status: 200,
      mfaRequired: true,
    });
    const at = t.clock.advance(30_000);
    const second = await t.http
      .post('/api/v1/auth/login/mfa')
      .send({ mfaToken: first.body.mfaToken, code: totpCodeAt(secret, at) });
    expect(second.status).toBe(200);
    return second;
  };
  const requestReset = (email: string) => t.http.post('/api/v1/auth/password-reset').send({ email });
  const confirmReset = (token: string, newPassword: string) =>
    t.http.post('/api/v1/auth/password-reset/confirm').send({ token, newPassword });
  const invite = (actor: Actor, body: Record<string, unknown>) =>
    t.http.post('/api/v1/invitations').set(actor.headers).send(body);
  /** Waits until the worker handled every reset request of an address (its audit rows). */
  const requestsHandled = (email: string, count: number) =>
    waitFor(
      async () => {
        const rows = await t.dataSource.query<Array<{ n: number }>>(
          `SELECT count(*)::int AS n FROM audit_events
           WHERE action = 'auth.password_reset_requested' AND after ->> 'email' = $1`,
          [email],
        );
        return rows[0].n >= count;
      },
      { what: `${count} reset requests of ${email} handled` },
    );

  beforeAll(async () => {
    inbox = await SmtpInbox.start();
    t = await createTestApp({
      env: {
        SMTP_URL: inbox.smtpUrl,
        PUBLIC_WEB_URL: WEB,
        PASSWORD_RESET_REQUESTS_PER_HOUR: String(REQUESTS_PER_HOUR),
        // This file signs in over HTTP many times; the strict per-IP limit is auth.e2e-spec's.
        LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
      },
    });
    worker = await startTestWorker(t.environment, t.clock);
    admin = await createAdmin(t);
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await inbox?.close();
  });

  it('an expert invited by e-mail sets a password, enrols TOTP, changes the password (other sessions end), forgets it and resets it by the mailed link, once', async () => {
    const email = uniqueEmail('expert');
    const invited = await invite(admin, { email, displayName: '王专家', roles: ['expert'], locale: 'en' });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({
      email,
      roles: ['expert'],
      state: 'pending',
      invitedBy: admin.userId,
    });
    expect(invited.body.organizationId).toBe(admin.organizationId);
    expect(JSON.stringify(invited.body)).not.toContain('jbi_');

    const invitation = await inbox.nth(email, 1);
    expect(invitation.subject).toContain('Invitation to join');
    expect(invitation.text).toContain('expert reviewer');
    const inviteToken = tokenIn(invitation.text, INVITE_LINK);
    const [stored] = await t.dataSource.query<Array<{ token_hash: string }>>(
      `SELECT token_hash FROM invitations WHERE id = $1`,
      [invited.body.id],
    );
    expect(stored.token_hash).toBe(sha256(inviteToken));
    // The secret is in the mail only: sealed in the outbox event, redacted in the sent mail's row.
    const events = await t.dataSource.query<Array<{ data: string }>>(
      `SELECT data::text AS data FROM outbox_events WHERE type = 'invitation.issued' AND aggregate_id = $1`,
      [invited.body.id],
    );
    expect(events).toHaveLength(1);
    expect(events[0].data).not.toContain(inviteToken);
    const row = await waitFor(
      async () => {
        const [mail] = await t.dataSource.query<Array<{ body_text: string }>>(
          `SELECT body_text FROM mail_messages WHERE to_address = $1 AND kind = 'invitation.issued'`,
          [email],
        );
        return mail?.body_text.includes('token=[redacted]') ? mail : null;
      },
      { what: 'the sent invitation to be redacted' },
    );
    expect(row.body_text).not.toContain(inviteToken);

    const accepted = await t.http
      .post('/api/v1/invitations/accept')
      .send({ token: inviteToken, password: 'first-password-1' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.user).toMatchObject({
      email,
      roles: ['expert'],
      organizationId: admin.organizationId,
    });
    const again = await t.http
      .post('/api/v1/invitations/accept')
      .send({ token: inviteToken, password: 'first-password-1' });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('ONE_TIME_TOKEN_INVALID');
    const listed = await t.http.get('/api/v1/invitations').set(admin.headers).expect(200);
    expect(listed.body.items.find((i: { id: string }) => i.id === invited.body.id)).toMatchObject({
      state: 'accepted',
      acceptedUserId: accepted.body.user.id,
    });

    // The expert enrols an authenticator (optional for experts, ADR 0044): the confirmation answers
    // ten recovery codes and a session that passed MFA (A); from now on a sign-in takes a code.
    const enrolment = await t.http
      .post('/api/v1/auth/mfa/totp')
      .set(bearer(accepted.body.tokens.accessToken))
      .send({});
    expect(enrolment.status).toBe(200);
    const secret = enrolment.body.secret as string;
    expect(enrolment.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/jiebang:/);
    const confirmed = await t.http
      .post('/api/v1/auth/mfa/totp/confirm')
      .set(bearer(accepted.body.tokens.accessToken))
      .send({ code: totpCodeAt(secret, t.clock.now()) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    const withPasswordOnly = await login(email, 'first-password-1');
    expect(withPasswordOnly.body).not.toHaveProperty('accessToken');

    // Two sessions: the enrolment's (A) and a sign-in with a code on another device (B).
    const a = confirmed.body.tokens;
    const b = (await loginWithCode(email, 'first-password-1', secret)).body;
    const wrong = await t.http
      .post('/api/v1/auth/password')
      .set(bearer(a.accessToken))
      .send({ currentPassword: 'not-my-password', newPassword: 'second-password-2' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([expect.objectContaining({ field: 'currentPassword' })]);
    const changed = await t.http
      .post('/api/v1/auth/password')
      .set(bearer(a.accessToken))
      .send({ currentPassword: 'first-password-1', newPassword: 'second-password-2' });
    expect(changed.status).toBe(200);
    for (const old of [a, b]) {
      expect((await me(old.accessToken)).status).toBe(401);
      expect((await refresh(old.refreshToken)).status).toBe(401);
    }
    expect((await me(changed.body.accessToken)).status).toBe(200);
    expect((await refresh(changed.body.refreshToken)).status).toBe(200);
    expect((await login(email, 'first-password-1')).status).toBe(401);
    const c = (await loginWithCode(email, 'second-password-2', secret)).body;

    // Forgotten: the reset answer is the same for this address and an unknown one.
    const unknown = uniqueEmail('nobody');
    const known = await requestReset(email);
    const stranger = await requestReset(unknown);
    expect(known.status).toBe(202);
    expect(stranger.status).toBe(known.status);
    expect(stranger.body).toEqual(known.body);
    const resetMail = await inbox.nth(email, 2);
    expect(resetMail.subject).toContain('Reset your password');
    const resetToken = tokenIn(resetMail.text, RESET_LINK);
    await requestsHandled(unknown, 1);
    expect(inbox.to(unknown)).toEqual([]);

    expect((await confirmReset(resetToken, 'third-password-3')).status).toBe(204);
    expect((await me(c.accessToken)).status).toBe(401);
    expect((await refresh(c.refreshToken)).status).toBe(401);
    const twice = await confirmReset(resetToken, 'fourth-password-4');
    expect(twice.status).toBe(400);
    expect(twice.body.code).toBe('ONE_TIME_TOKEN_INVALID');
    expect((await login(email, 'second-password-2')).status).toBe(401);
    // The reset changed the password, not the second factor: the new password and a code sign in.
    const d = await loginWithCode(email, 'third-password-3', secret);
    expect(d.status).toBe(200);
    expect((await me(d.body.accessToken)).status).toBe(200);

    const userId = accepted.body.user.id as string;
    expect(await auditRows(t, 'invitation.accepted', invited.body.id)).toHaveLength(1);
    expect(await auditRows(t, 'auth.password_changed', userId)).toHaveLength(1);
    expect(await auditRows(t, 'auth.password_reset', userId)).toHaveLength(1);
    const [secrets] = await t.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM password_reset_tokens WHERE token_hash = $1`,
      [sha256(resetToken)],
    );
    expect(secrets.n).toBe(1);
  });

  it('a newer reset link supersedes the older, and an expired link refuses', async () => {
    const org = await registerOrg(t, { role: 'applicant' });
    const user = await createUser(t, org.organizationId, ['applicant']);
    await requestReset(user.email).expect(202);
    const first = tokenIn((await inbox.nth(user.email, 1)).text, RESET_LINK);
    await requestReset(user.email).expect(202);
    const second = tokenIn((await inbox.nth(user.email, 2)).text, RESET_LINK);
    expect(second).not.toBe(first);
    expect((await confirmReset(first, 'superseded-password')).body.code).toBe('ONE_TIME_TOKEN_INVALID');

    t.clock.advance(61 * 60_000);
    const expired = await confirmReset(second, 'too-late-password');
    expect(expired.status).toBe(400);
    expect(expired.body.code).toBe('ONE_TIME_TOKEN_INVALID');
    expect((await login(user.email, user.password)).status).toBe(200);
  });

  it('limits reset requests per address, known or unknown alike', async () => {
    const org = await registerOrg(t, { role: 'applicant' });
    const unknown = uniqueEmail('ghost');
    for (const email of [org.email, unknown]) {
      for (let i = 0; i < REQUESTS_PER_HOUR; i++) await requestReset(email).expect(202);
      const limited = await requestReset(email);
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe('RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    }
    // Another address is not affected; the next hour the address may ask again.
    await requestReset(uniqueEmail('other')).expect(202);
    t.clock.advance(60 * 60_000);
    await requestReset(unknown).expect(202);
  });

  it('a security administrator forces a reset: the password and every session stop working, a mail goes out', async () => {
    const securityAdmin = await createUser(t, admin.organizationId, ['security_admin']);
    const org = await registerOrg(t, { role: 'issuer' });
    await t.http.post(`/api/v1/users/${org.userId}/password-reset`).set(org.headers).expect(403);
    await t.http.post(`/api/v1/users/${org.userId}/password-reset`).set(securityAdmin.headers).expect(204);
    expect((await me(org.accessToken)).status).toBe(401);
    expect((await refresh(org.refreshToken)).status).toBe(401);
    expect((await login(org.email, org.password)).status).toBe(401);
    const mail = await inbox.nth(org.email, 1);
    expect(mail.text).toContain('安全管理员已重置您在揭榜挂帅平台的密码');
    await confirmReset(tokenIn(mail.text, RESET_LINK), 'chosen-after-force').expect(204);
    expect((await login(org.email, 'chosen-after-force')).status).toBe(200);
    expect(await auditRows(t, 'auth.password_reset_forced', org.userId)).toHaveLength(1);
  });

  it('an invitation expires after INVITATION_TTL_DAYS: its link refuses and it is listed as expired', async () => {
    const securityAdmin = await createUser(t, admin.organizationId, ['security_admin']);
    const org = await registerOrg(t, { role: 'issuer' });
    const email = uniqueEmail('late');
    const invited = await invite(securityAdmin, {
      email,
      displayName: '迟到的同事',
      roles: ['issuer'],
      organizationId: org.organizationId,
    }).expect(201);
    const token = tokenIn((await inbox.nth(email, 1)).text, INVITE_LINK);
    t.clock.advance(7 * 24 * 3_600_000 + 60_000);
    const late = await t.http
      .post('/api/v1/invitations/accept')
      .send({ token, password: 'too-late-password' });
    expect(late.status).toBe(400);
    expect(late.body.code).toBe('ONE_TIME_TOKEN_INVALID');
    const fresh = await createAdmin(t);
    const listed = await t.http
      .get('/api/v1/invitations')
      .query({ organizationId: org.organizationId })
      .set(fresh.headers)
      .expect(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: invited.body.id, state: 'expired' })]);
  });

  describe('user managers', () => {
    let manager: Actor;
    let colleague: Actor;
    let other: Actor;
    /** Signed in after the tests above moved the clock past the first admin's access token. */
    let platformAdmin: Actor;
    const orgUsers = (orgId: string) => `/api/v1/organizations/${orgId}/users`;
    const versionOf = async (actor: Actor, orgId: string, userId: string): Promise<number> => {
      const listed = await t.http.get(orgUsers(orgId)).query({ limit: 100 }).set(actor.headers).expect(200);
      return (listed.body.items as Array<{ id: string; version: number }>).find((u) => u.id === userId)!
        .version;
    };

    beforeAll(async () => {
      const issuer = await registerOrg(t, { role: 'issuer' });
      manager = await createUser(t, issuer.organizationId, ['user_manager', 'issuer']);
      colleague = await createUser(t, issuer.organizationId, ['issuer']);
      other = await registerOrg(t, { role: 'applicant' });
      platformAdmin = await createAdmin(t);
    });

    it('invite into their own organization only, with its roles only', async () => {
      const email = uniqueEmail('colleague');
      const own = await invite(manager, { email, displayName: '同事', roles: ['issuer'] });
      expect(own.status).toBe(201);
      expect(own.body.organizationId).toBe(manager.organizationId);
      const elsewhere = await invite(manager, {
        email: uniqueEmail('x'),
        displayName: 'x',
        roles: ['applicant'],
        organizationId: other.organizationId,
      });
      expect(elsewhere.status).toBe(404);
      const administrative = await invite(manager, {
        email: uniqueEmail('x'),
        displayName: 'x',
        roles: ['admin'],
      });
      expect(administrative.status).toBe(403);
      const existing = await invite(manager, { email: colleague.email, displayName: 'x', roles: ['issuer'] });
      expect(existing.status).toBe(409);
      expect(existing.body.code).toBe('ALREADY_EXISTS');
      await invite(other, { email: uniqueEmail('x'), displayName: 'x', roles: ['applicant'] }).expect(403);

      const listed = await t.http.get('/api/v1/invitations').set(manager.headers).expect(200);
      expect(listed.body.items.map((i: { id: string }) => i.id)).toContain(own.body.id);
      expect(
        listed.body.items.every(
          (i: { organizationId: string }) => i.organizationId === manager.organizationId,
        ),
      ).toBe(true);
      await t.http
        .get('/api/v1/invitations')
        .query({ organizationId: other.organizationId })
        .set(manager.headers)
        .expect(404);

      // Revoked: the mailed link no longer works.
      const token = tokenIn((await inbox.nth(email, 1)).text, INVITE_LINK);
      await t.http.delete(`/api/v1/invitations/${own.body.id}`).set(manager.headers).expect(204);
      const late = await t.http
        .post('/api/v1/invitations/accept')
        .send({ token, password: 'any-password-1' });
      expect(late.status).toBe(400);
      expect(late.body.code).toBe('ONE_TIME_TOKEN_INVALID');
    });

    it("list and disable their own organization's users, and get 404 for another organization's", async () => {
      const listed = await t.http.get(orgUsers(manager.organizationId)).set(manager.headers).expect(200);
      expect(listed.body.items.map((u: { id: string }) => u.id)).toEqual(
        expect.arrayContaining([manager.userId, colleague.userId]),
      );
      await t.http.get(orgUsers(other.organizationId)).set(manager.headers).expect(404);
      await t.http.get('/api/v1/users').set(manager.headers).expect(403);
      await t.http.get(orgUsers(manager.organizationId)).set(colleague.headers).expect(403);
      // Existing admin behaviour: any organization, and the platform-wide list.
      await t.http.get(orgUsers(other.organizationId)).set(platformAdmin.headers).expect(200);
      await t.http.get('/api/v1/users').set(platformAdmin.headers).expect(200);

      await t.http
        .patch(`${orgUsers(manager.organizationId)}/${other.userId}`)
        .set(manager.headers)
        .send({ enabled: false })
        .expect(404);
      await t.http
        .patch(`${orgUsers(other.organizationId)}/${other.userId}`)
        .set(manager.headers)
        .send({ enabled: false })
        .expect(404);
      const promote = await t.http
        .patch(`${orgUsers(manager.organizationId)}/${colleague.userId}`)
        .set(manager.headers)
        .send({ roles: ['issuer', 'security_admin'] });
      expect(promote.status).toBe(403);
      const self = await t.http
        .patch(`${orgUsers(manager.organizationId)}/${manager.userId}`)
        .set(manager.headers)
        .send({ roles: ['user_manager', 'issuer', 'expert'] });
      expect(self.status).toBe(403);

      const version = await versionOf(manager, manager.organizationId, colleague.userId);
      const disabled = await t.http
        .patch(`${orgUsers(manager.organizationId)}/${colleague.userId}`)
        .set(manager.headers)
        .set('If-Match', `"${version}"`)
        .send({ enabled: false, displayName: '已停用的同事' });
      expect(disabled.status).toBe(200);
      expect(disabled.body).toMatchObject({ enabled: false, displayName: '已停用的同事' });
      expect((await me(colleague.accessToken)).status).toBe(401);
      expect(await auditRows(t, 'user.disabled', colleague.userId)).toEqual([
        expect.objectContaining({ actor_id: manager.userId }),
      ]);
      await t.http
        .patch(`${orgUsers(manager.organizationId)}/${colleague.userId}`)
        .set(manager.headers)
        .send({ enabled: true })
        .expect(200);
      expect((await login(colleague.email, colleague.password)).status).toBe(200);
    });
  });
});

describe('accounts: the per-client limit of reset requests', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(async () => t?.close());

  it('shares the strict per-IP budget of sign-in: past it, any address is 429', async () => {
    const ask = () => t.http.post('/api/v1/auth/password-reset').send({ email: uniqueEmail('ip') });
    for (let i = 0; i < 3; i++) expect((await ask()).status).toBe(202);
    const limited = await ask();
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    const confirm = await t.http
      .post('/api/v1/auth/password-reset/confirm')
      .send({ token: 'jbp_not-a-real-token-at-all', newPassword: 'whatever-password' });
    expect(confirm.status).toBe(429);
  });
});
