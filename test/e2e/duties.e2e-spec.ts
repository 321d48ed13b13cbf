import { SeparatedDuties1763702600000 } from '../../migrations/1763702600000-SeparatedDuties';
import { hasRole } from '../../src/common/auth/principal';
import type { UserPrincipal } from '../../src/common/auth/principal';
import { UsersService } from '../../src/modules/platform/users/users.service';
import { WORLDS_ENV } from '../support/context';
import {
  Actor,
  auditRows,
  createAdmin,
  createAuditAdmin,
  createSecurityAdmin,
  createSystemAdmin,
  createUser,
  login,
  platformOrganizationId,
  registerOrg,
  TEST_PASSWORD,
  uniqueEmail,
} from '../support/factories';
import { documentedOperations, OPENAPI_DOCUMENT, ProbedOperation } from '../support/openapi-probe';
import { createTestApp, TestApp } from '../support/test-app';
import { enrolTotp } from '../support/mfa';
import { Clock } from '../../src/infra/clock/clock';

/**
 * Separated administrative duties (三员分立, ADR 0043): the audit administrator reads the audit
 * trail and nothing else; the security administrator manages accounts, not operations; the system
 * administrator runs operations, neither accounts nor (by default) the audit trail.
 */

type DocumentedOperation = { security?: Array<Record<string, unknown>>; 'x-roles'?: string[] };

const documented = (o: ProbedOperation) => OPENAPI_DOCUMENT.paths[o.path][o.method] as DocumentedOperation;

/** Operations that need credentials: not public, not optional (@OptionalAuth lists `{}`). */
const authenticated = documentedOperations().filter((o) => {
  const security = documented(o).security;
  return security !== undefined && security.length > 0 && !security.some((s) => Object.keys(s).length === 0);
});

/** The audit trail's reads: the audit administrator's whole duty. */
const AUDIT_READS = ['Audit_list', 'AuditVerification_verify'];
/**
 * Open to every signed-in caller (no roles in the document): the caller's own session and profile.
 * An operation added without roles fails this file until it is decided (ADR 0043): name it here when
 * the audit administrator must reach it (its own sign-in, password, MFA), else give it roles.
 */
const SELF_SERVICE = [
  'Auth_logout',
  'Me_me',
  'Passwords_changePassword',
  // The caller's own second factor (ADR 0044): every administrator must enrol one.
  'Mfa_status',
  'Mfa_start',
  'Mfa_confirm',
  'Mfa_regenerate',
  'Mfa_remove',
];

const urlOf = (o: ProbedOperation) =>
  o.pathParams.reduce((path, p) => path.replace(`{${p.name}}`, encodeURIComponent(p.example)), o.path);

const SOME_ID = '00000000-0000-4000-8000-000000000000';

describe('separated administrative duties (ADR 0043)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { ...WORLDS_ENV, LOGIN_RATE_LIMIT_PER_MINUTE: '1000' } });
  });
  afterAll(async () => t.close());

  const call = (o: ProbedOperation, actor: Actor) => {
    const request = t.http[o.method](urlOf(o)).set(actor.headers);
    return o.method === 'get' || o.method === 'delete' ? request : request.send({});
  };

  it('the document names the roles of every operation that needs credentials, but the self-service ones', () => {
    expect(authenticated.length).toBeGreaterThan(100);
    const unrestricted = authenticated.filter((o) => !documented(o)['x-roles']).map((o) => o.operationId);
    expect(unrestricted.sort()).toEqual([...SELF_SERVICE].sort());
    const forAuditAdmin = authenticated
      .filter((o) => documented(o)['x-roles']?.includes('audit_admin'))
      .map((o) => o.operationId);
    expect(forAuditAdmin).toEqual(AUDIT_READS);
  });

  it('the audit administrator reads the audit trail (200, the read audited) and gets 403 everywhere else', async () => {
    const auditor = await createAuditAdmin(t);
    const wrong: string[] = [];
    for (const operation of authenticated) {
      if (AUDIT_READS.includes(operation.operationId) || SELF_SERVICE.includes(operation.operationId))
        continue;
      const res = await call(operation, auditor);
      if (res.status !== 403 || res.body.code !== 'FORBIDDEN') {
        wrong.push(`${operation.operationId} → ${res.status} ${res.body.code ?? ''}`);
      }
    }
    expect(wrong).toEqual([]);

    for (const operationId of AUDIT_READS) {
      const operation = authenticated.find((o) => o.operationId === operationId) as ProbedOperation;
      const res = await call(operation, auditor);
      expect({ operationId, status: res.status }).toEqual({ operationId, status: 200 });
    }
    const reads = await auditRows(t, 'audit.read');
    expect(reads).toEqual(
      expect.arrayContaining([expect.objectContaining({ actor_type: 'user', actor_id: auditor.userId })]),
    );

    // Its own session: who it is, and signing out.
    const me = await t.http.get('/api/v1/me').set(auditor.headers);
    expect(me.status).toBe(200);
    expect(me.body.roles).toEqual(['audit_admin']);
    const logout = await t.http
      .post('/api/v1/auth/logout')
      .set(auditor.headers)
      .send({ refreshToken: auditor.refreshToken });
    expect(logout.status).toBe(204);
  });

  it('the audit administrator cannot change anything, not even its own roles', async () => {
    const auditor = await createAuditAdmin(t);
    const own = await t.http
      .patch(`/api/v1/users/${auditor.userId}`)
      .set(auditor.headers)
      .send({ roles: ['audit_admin', 'security_admin'] });
    expect(own.status).toBe(403);
    const me = await t.http.get('/api/v1/me').set(auditor.headers);
    expect(me.body.roles).toEqual(['audit_admin']);
  });

  it('the security administrator manages accounts but cannot confirm a payment nor create a program', async () => {
    const security = await createSecurityAdmin(t);
    const system = await createSystemAdmin(t);
    const confirm = await t.http.post(`/api/v1/payments/${SOME_ID}/confirm`).set(security.headers).send({});
    expect(confirm.status).toBe(403);
    expect(confirm.body.code).toBe('FORBIDDEN');
    // The system administrator passes the guard (then finds no such payment).
    const bySystem = await t.http.post(`/api/v1/payments/${SOME_ID}/confirm`).set(system.headers).send({});
    expect(bySystem.status).toBe(404);

    const program = await t.http
      .post('/api/v1/programs')
      .set(security.headers)
      .send({ name: '安全管理员的专项', year: 2027 });
    expect(program.status).toBe(403);

    const issuer = await registerOrg(t, { role: 'issuer' });
    const created = await t.http
      .post('/api/v1/users')
      .set(security.headers)
      .send({
        organizationId: issuer.organizationId,
        email: uniqueEmail('expert'),
        displayName: '专家',
        password: TEST_PASSWORD,
        roles: ['expert'],
      });
    expect(created.status).toBe(201);
    expect((await t.http.get('/api/v1/api-keys').set(security.headers)).status).toBe(200);
    expect(
      (await t.http.get(`/api/v1/organizations/${issuer.organizationId}`).set(security.headers)).status,
    ).toBe(200);
    expect((await t.http.get('/api/v1/audit-events').set(security.headers)).status).toBe(403);
  });

  it('the system administrator alone cannot create users nor read the audit trail (default policy)', async () => {
    const system = await createSystemAdmin(t);
    const issuer = await registerOrg(t, { role: 'issuer' });
    const create = await t.http
      .post('/api/v1/users')
      .set(system.headers)
      .send({
        organizationId: issuer.organizationId,
        email: uniqueEmail('expert'),
        displayName: '专家',
        password: TEST_PASSWORD,
        roles: ['expert'],
      });
    expect(create.status).toBe(403);
    const audit = await t.http.get('/api/v1/audit-events').set(system.headers);
    expect(audit.status).toBe(403);
    expect(audit.body.code).toBe('FORBIDDEN');
    // The migrated pair (admin + security_admin) does not read it either.
    const admin = await createAdmin(t);
    expect((await t.http.get('/api/v1/audit-events').set(admin.headers)).status).toBe(403);
    // Operations are its own; the user directory it may read.
    const program = await t.http
      .post('/api/v1/programs')
      .set(system.headers)
      .send({ name: '系统管理员的专项', year: 2027 });
    expect(program.status).toBe(201);
    expect((await t.http.get('/api/v1/users').set(system.headers)).status).toBe(200);
  });

  describe('the rules on roles', () => {
    let security: Actor;
    let issuer: Actor;
    let platformId: string;

    beforeAll(async () => {
      security = await createSecurityAdmin(t);
      issuer = await registerOrg(t, { role: 'issuer' });
      platformId = await platformOrganizationId(t);
    });

    const createWith = (roles: string[], organizationId = platformId) =>
      t.http
        .post('/api/v1/users')
        .set(security.headers)
        .send({
          organizationId,
          email: uniqueEmail('duty'),
          displayName: '管理员',
          password: TEST_PASSWORD,
          roles,
        });

    const patch = async (actor: Actor, userId: string, body: Record<string, unknown>) => {
      const listed = await t.http
        .get('/api/v1/users')
        .query({ organizationId: platformId, limit: 100 })
        .set(actor.headers);
      const version = (listed.body.items as Array<{ id: string; version: number }>).find(
        (u) => u.id === userId,
      )?.version;
      return t.http
        .patch(`/api/v1/users/${userId}`)
        .set(actor.headers)
        .set('If-Match', `"${version ?? 1}"`)
        .send(body);
    };

    it('a security administrator creates the audit administrator in the platform organization', async () => {
      const res = await createWith(['audit_admin']);
      expect(res.status).toBe(201);
      expect(res.body.roles).toEqual(['audit_admin']);
      // Signed in with the password alone, it is held to enrolling a second factor (ADR 0044) …
      const tokens = await login(t, res.body.email as string);
      const refused = await t.http
        .get('/api/v1/audit-events')
        .set({ Authorization: `Bearer ${tokens.accessToken}` });
      expect({ status: refused.status, code: refused.body.code }).toEqual({
        status: 403,
        code: 'MFA_ENROLMENT_REQUIRED',
      });
      // … and reads the trail once enrolled.
      const enrolled = await enrolTotp(t.get.bind(t), t.get(Clock), {
        userId: res.body.id as string,
        organizationId: platformId,
        roles: ['audit_admin'],
      });
      const read = await t.http
        .get('/api/v1/audit-events')
        .set({ Authorization: `Bearer ${enrolled.tokens.accessToken}` });
      expect(read.status).toBe(200);
    });

    it.each([
      [
        ['security_admin', 'audit_admin'],
        ['security_admin', 'audit_admin'],
      ],
      [
        ['audit_admin', 'expert'],
        ['audit_admin', 'expert'],
      ],
      [
        ['admin', 'audit_admin'],
        ['admin', 'audit_admin'],
      ],
    ])('refuses %j together: 422 ROLES_INCOMPATIBLE naming them', async (roles, named) => {
      const res = await createWith(roles);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('ROLES_INCOMPATIBLE');
      expect([...(res.body.roles as string[])].sort()).toEqual([...named].sort());
    });

    it('refuses an administrative role outside the platform organization: 422 ADMIN_ROLE_OUTSIDE_PLATFORM', async () => {
      for (const roles of [['admin'], ['security_admin'], ['audit_admin'], ['issuer', 'admin']]) {
        const res = await createWith(roles, issuer.organizationId);
        expect({ roles, status: res.status, code: res.body.code }).toEqual({
          roles,
          status: 422,
          code: 'ADMIN_ROLE_OUTSIDE_PLATFORM',
        });
      }
      const promote = await t.http
        .patch(`/api/v1/users/${issuer.userId}`)
        .set(security.headers)
        .send({ roles: ['issuer', 'admin'] });
      expect(promote.status).toBe(422);
      expect(promote.body.code).toBe('ADMIN_ROLE_OUTSIDE_PLATFORM');
    });

    it('refuses a change of roles that would join the security and audit duties', async () => {
      const other = await createSecurityAdmin(t);
      const res = await patch(security, other.userId, { roles: ['security_admin', 'audit_admin'] });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('ROLES_INCOMPATIBLE');
    });

    it('nobody changes their own roles: 409 OWN_ROLES_UNCHANGEABLE, even a security administrator', async () => {
      const res = await patch(security, security.userId, { roles: ['security_admin', 'admin'] });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('OWN_ROLES_UNCHANGEABLE');
      const dropping = await patch(security, security.userId, { roles: ['expert'] });
      expect(dropping.status).toBe(409);
      // Renaming oneself is no change of roles.
      const rename = await patch(security, security.userId, { displayName: '安全管理员' });
      expect(rename.status).toBe(200);
    });

    it('a security administrator grants and removes administrative roles of others', async () => {
      const colleague = await createUser(t, platformId, ['expert'], uniqueEmail('colleague'));
      const granted = await patch(security, colleague.userId, { roles: ['admin'] });
      expect(granted.status).toBe(200);
      expect(granted.body.roles).toEqual(['admin']);
      const removed = await patch(security, colleague.userId, { roles: ['expert'] });
      expect(removed.status).toBe(200);
      const audited = await auditRows(t, 'user.roles_changed', colleague.userId);
      expect(audited.map((row) => row.actor_id)).toEqual([security.userId, security.userId]);
    });

    it('only a security administrator grants or removes administrative roles (403 in the service too)', async () => {
      const system = await createSystemAdmin(t);
      const target = await createUser(t, platformId, ['expert'], uniqueEmail('target'));
      // The guard first: the users routes are the security administrator's.
      expect((await patch(system, target.userId, { roles: ['admin'] })).status).toBe(403);
      // And the service, whoever else may reach it (an organization's user manager, ADR 0043).
      const manager: UserPrincipal = {
        kind: 'user',
        userId: system.userId,
        organizationId: platformId,
        roles: ['admin', 'user_manager'],
      };
      expect(hasRole(manager, 'security_admin')).toBe(false);
      const users = t.get(UsersService);
      await expect(
        users.update(manager, target.userId, { roles: ['admin'] }, undefined),
      ).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(
        users.create(manager, {
          organizationId: platformId,
          email: uniqueEmail('x'),
          displayName: 'x',
          password: TEST_PASSWORD,
          roles: ['security_admin'],
        }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      // Roles that are not administrative it may change (the routes decide who reaches it).
      const member = await users.update(
        manager,
        target.userId,
        { roles: ['expert', 'applicant'] },
        undefined,
      );
      expect(member.roles).toEqual(['expert', 'applicant']);
    });
  });

  it('the migration makes every admin a security administrator too, audited, and only once', async () => {
    const platformId = await platformOrganizationId(t);
    const legacy = await createUser(t, platformId, ['admin'], uniqueEmail('legacy'));
    const runner = t.dataSource.createQueryRunner();
    try {
      await new SeparatedDuties1763702600000().up(runner);
      await new SeparatedDuties1763702600000().up(runner);
    } finally {
      await runner.release();
    }
    const [row] = await t.dataSource.query<Array<{ roles: string[]; version: number }>>(
      `SELECT roles, version FROM users WHERE id = $1`,
      [legacy.userId],
    );
    expect(row).toEqual({ roles: ['admin', 'security_admin'], version: 2 });
    expect(await auditRows(t, 'user.roles_changed', legacy.userId)).toEqual([
      expect.objectContaining({ actor_type: 'system', actor_id: null }),
    ]);
    // Now it manages accounts, as the single admin did.
    const tokens = await login(t, legacy.email);
    const users = await t.http.get('/api/v1/users').set({ Authorization: `Bearer ${tokens.accessToken}` });
    expect(users.status).toBe(200);
  });

  it('the bootstrap administrator (ADMIN_EMAIL) is a system and security administrator', async () => {
    const admin = await createAdmin(t);
    expect([...admin.roles].sort()).toEqual(['admin', 'security_admin']);
  });
});

describe('separated administrative duties: AUDIT_READ_BY_SYSTEM_ADMIN=true', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { AUDIT_READ_BY_SYSTEM_ADMIN: 'true' } });
  });
  afterAll(async () => t.close());

  it('lets the system administrator read the audit trail (audited), still not create users', async () => {
    const system = await createSystemAdmin(t);
    const read = await t.http.get('/api/v1/audit-events').set(system.headers);
    expect(read.status).toBe(200);
    expect(await auditRows(t, 'audit.read')).toEqual([
      expect.objectContaining({ actor_type: 'user', actor_id: system.userId }),
    ]);
    const issuer = await registerOrg(t, { role: 'issuer' });
    const create = await t.http
      .post('/api/v1/users')
      .set(system.headers)
      .send({
        organizationId: issuer.organizationId,
        email: uniqueEmail('expert'),
        displayName: '专家',
        password: TEST_PASSWORD,
        roles: ['expert'],
      });
    expect(create.status).toBe(403);
    // The security administrator alone still does not read it.
    const security = await createSecurityAdmin(t);
    expect((await t.http.get('/api/v1/audit-events').set(security.headers)).status).toBe(403);
  });
});
