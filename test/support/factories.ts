import { randomBytes, randomInt } from 'node:crypto';
import {
  CREDIT_CODE_ALPHABET,
  creditCodeCheckChar,
} from '../../src/modules/platform/organizations/credit-code';
import { OrganizationType } from '../../src/modules/platform/organizations/entities/organization.entity';
import { AuthService } from '../../src/modules/platform/auth/auth.service';
import { TokenResponseDto } from '../../src/modules/platform/auth/dto/auth.dto';
import { MfaLoginService } from '../../src/modules/platform/auth/mfa/mfa-login.service';
import { UsersService } from '../../src/modules/platform/users/users.service';
import { mfaRequiredFor } from '../../src/common/auth/mfa-policy';
import { Clock } from '../../src/infra/clock/clock';
import type { Role } from '../../src/common/auth/principal';
import { enrolTotp, unusedTotpCode } from './mfa';
import { TestApp } from './test-app';

/**
 * Factories for e2e tests. They call the services directly (not HTTP), so they do not use up the
 * strict per-IP rate limit of /auth/login, /auth/register and /auth/refresh.
 */

export const TEST_PASSWORD = 'correct-horse-battery-staple';

/** A fresh, valid unified social credit code (GB 32100-2015 check character), unique per call. */
export function validCreditCode(): string {
  let body = '91360100';
  for (let i = 0; i < 9; i++) body += CREDIT_CODE_ALPHABET[randomInt(CREDIT_CODE_ALPHABET.length)];
  return body + creditCodeCheckChar(body);
}

export function uniqueEmail(label = 'user'): string {
  return `${label}.${randomBytes(5).toString('hex')}@example.cn`;
}

/** `{ Authorization: 'Bearer …' }` for supertest's `.set()`. */
export function bearer(accessToken: string): Record<string, string> {
  return { Authorization: `Bearer ${accessToken}` };
}

export interface Actor {
  userId: string;
  organizationId: string;
  email: string;
  password: string;
  roles: Role[];
  accessToken: string;
  refreshToken: string;
  /** `{ Authorization: 'Bearer <accessToken>' }` */
  headers: Record<string, string>;
  /** Administrative roles: the base32 secret of the TOTP authenticator the factory enrolled (ADR 0044). */
  totpSecret?: string;
}

/** The authenticators the factories enrolled, by email: login() passes the second step with them. */
const enrolled = new Map<string, { userId: string; secret: string; recoveryCodes: string[] }>();

/**
 * Signs in through AuthService; for a user the factories enrolled in TOTP, passes the second step
 * too, with a code not used yet (or, while the test clock stands still, a recovery code).
 */
export async function login(t: TestApp, email: string, password = TEST_PASSWORD): Promise<TokenResponseDto> {
  const answer = await t.get(AuthService).login(email, password);
  if (!('mfaRequired' in answer)) return answer;
  const entry = enrolled.get(email.toLowerCase());
  if (!entry)
    throw new Error(
      `${email} has a TOTP authenticator the factories did not enrol: pass the second step yourself`,
    );
  const code = await unusedTotpCode(t.dataSource, t.get(Clock), entry.userId, entry.secret);
  const recoveryCode = code ? undefined : entry.recoveryCodes.shift();
  if (!code && !recoveryCode)
    throw new Error(`${email}: no unused TOTP code or recovery code left; move the test clock on`);
  return t
    .get(MfaLoginService)
    .complete({ mfaToken: answer.mfaToken, code: code ?? undefined, recoveryCode });
}

/** Signs in; an administrator is first enrolled in TOTP (as required), so the session passed MFA. */
async function signedIn(
  t: TestApp,
  user: { id: string; organizationId: string; email: string; roles: Role[] },
): Promise<{ tokens: TokenResponseDto; totpSecret?: string }> {
  const known = enrolled.get(user.email);
  if (known) return { tokens: await login(t, user.email), totpSecret: known.secret };
  if (!mfaRequiredFor(user.roles)) return { tokens: await login(t, user.email) };
  // The app's clock: a test may run the app on the real clock (t.get(Clock) is then not t.clock).
  const enrolment = await enrolTotp(t.get.bind(t), t.get(Clock), {
    userId: user.id,
    organizationId: user.organizationId,
    roles: user.roles,
  });
  enrolled.set(user.email, {
    userId: user.id,
    secret: enrolment.secret,
    recoveryCodes: enrolment.recoveryCodes,
  });
  return { tokens: enrolment.tokens, totpSecret: enrolment.secret };
}

/** Registers an organization with its first user (as POST /auth/register does) and signs in. */
export async function registerOrg(
  t: TestApp,
  options: {
    role?: 'issuer' | 'applicant';
    type?: OrganizationType;
    name?: string;
    email?: string;
    /** The administrative division (default 360100, 南昌). */
    regionCode?: string;
    /** The first user's display name (default `Test <role>`). */
    displayName?: string;
  } = {},
): Promise<Actor> {
  const role = options.role ?? 'applicant';
  const email = options.email ?? uniqueEmail(role);
  const result = await t.get(AuthService).register({
    organizationName: options.name ?? `${role} org ${randomBytes(3).toString('hex')}`,
    organizationType: options.type ?? (role === 'issuer' ? 'enterprise' : 'university'),
    creditCode: validCreditCode(),
    regionCode: options.regionCode ?? '360100',
    role,
    email,
    password: TEST_PASSWORD,
    displayName: options.displayName ?? `Test ${role}`,
  });
  return {
    userId: result.user.id,
    organizationId: result.organization.id,
    email: result.user.email,
    password: TEST_PASSWORD,
    roles: result.user.roles,
    accessToken: result.tokens.accessToken,
    refreshToken: result.tokens.refreshToken,
    headers: bearer(result.tokens.accessToken),
  };
}

/**
 * An administrator of the platform organization (through UsersService.ensureFirstAdmin), enrolled
 * in TOTP and signed in with it (`totpSecret`): system and security administrator (`admin` +
 * `security_admin`), as every admin is after ADR 43's migration. It cannot read the audit trail
 * unless AUDIT_READ_BY_SYSTEM_ADMIN is on.
 */
export async function createAdmin(t: TestApp, email = uniqueEmail('admin')): Promise<Actor> {
  const user = await t.get(UsersService).ensureFirstAdmin(email, TEST_PASSWORD);
  const { tokens, totpSecret } = await signedIn(t, user);
  return {
    userId: user.id,
    organizationId: user.organizationId,
    email: user.email,
    password: TEST_PASSWORD,
    roles: user.roles,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    headers: bearer(tokens.accessToken),
    ...(totpSecret ? { totpSecret } : {}),
  };
}

/** The platform organization: that of the oldest administrator (one is made when there is none). */
export async function platformOrganizationId(t: TestApp): Promise<string> {
  const [oldest] = await t.dataSource.query<Array<{ organization_id: string }>>(
    `SELECT organization_id FROM users WHERE roles && ARRAY['admin', 'security_admin', 'audit_admin']::text[]
     ORDER BY created_at, id LIMIT 1`,
  );
  return oldest?.organization_id ?? (await createAdmin(t)).organizationId;
}

/** A system administrator only (`admin`: operations; no accounts, no audit trail), signed in. */
export async function createSystemAdmin(t: TestApp): Promise<Actor> {
  return createUser(t, await platformOrganizationId(t), ['admin'], uniqueEmail('sysadmin'));
}

/** A security administrator only (`security_admin`: users, roles, keys), signed in. */
export async function createSecurityAdmin(t: TestApp): Promise<Actor> {
  return createUser(t, await platformOrganizationId(t), ['security_admin'], uniqueEmail('secadmin'));
}

/** The audit administrator (`audit_admin`, no other role: reads the audit trail only), signed in. */
export async function createAuditAdmin(t: TestApp): Promise<Actor> {
  return createUser(t, await platformOrganizationId(t), ['audit_admin'], uniqueEmail('auditadmin'));
}

/**
 * A user with the given roles in an existing organization (as an admin's POST /users does), signed
 * in; with an administrative role, enrolled in TOTP first and signed in with it (`totpSecret`).
 */
export async function createUser(
  t: TestApp,
  organizationId: string,
  roles: Role[],
  email = uniqueEmail(roles[0] ?? 'user'),
  displayName = `Test ${roles.join('+')}`,
): Promise<Actor> {
  const admin = { kind: 'system' } as const;
  const users = t.get(UsersService);
  const user = await t.dataSource.transaction((em) =>
    users.createInTransaction(em, admin, {
      organizationId,
      email,
      displayName,
      password: TEST_PASSWORD,
      roles,
    }),
  );
  const { tokens, totpSecret } = await signedIn(t, user);
  return {
    userId: user.id,
    organizationId,
    email: user.email,
    password: TEST_PASSWORD,
    roles: user.roles,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    headers: bearer(tokens.accessToken),
    ...(totpSecret ? { totpSecret } : {}),
  };
}

/**
 * Changes a user as an admin's PATCH /users/{id} does (roles, enabled, displayName), with the
 * version read from GET /users of its organization.
 */
export async function changeUser(
  t: TestApp,
  admin: Actor,
  user: Pick<Actor, 'userId' | 'organizationId'>,
  change: { roles?: string[]; enabled?: boolean; displayName?: string },
): Promise<void> {
  const listed = await t.http
    .get('/api/v1/users')
    .query({ organizationId: user.organizationId, limit: 100 })
    .set(admin.headers);
  if (listed.status !== 200) throw new Error(`users: ${listed.status} ${JSON.stringify(listed.body)}`);
  const current = (listed.body.items as Array<{ id: string; version: number }>).find(
    (u) => u.id === user.userId,
  );
  if (!current) throw new Error(`user ${user.userId} not listed in its organization`);
  const changed = await t.http
    .patch(`/api/v1/users/${user.userId}`)
    .set(admin.headers)
    .set('If-Match', `"${current.version}"`)
    .send(change);
  if (changed.status !== 200)
    throw new Error(`user change: ${changed.status} ${JSON.stringify(changed.body)}`);
}

/** Audit rows of an action (optionally for one object), oldest first. */
export async function auditRows(
  t: TestApp,
  action: string,
  objectId?: string,
): Promise<Array<{ action: string; actor_type: string; actor_id: string | null; object_id: string }>> {
  return t.dataSource.query(
    `SELECT action, actor_type, actor_id, object_id FROM audit_events
     WHERE action = $1 AND ($2::text IS NULL OR object_id = $2) ORDER BY occurred_at, id`,
    [action, objectId ?? null],
  );
}

/** Outbox events of a type (optionally for one aggregate), oldest first. */
export async function outboxEvents(
  t: TestApp,
  type: string,
  aggregateId?: string,
): Promise<Array<{ type: string; aggregate_id: string; data: Record<string, unknown> }>> {
  return t.dataSource.query(
    `SELECT type, aggregate_id, data FROM outbox_events
     WHERE type = $1 AND ($2::text IS NULL OR aggregate_id = $2) ORDER BY occurred_at, id`,
    [type, aggregateId ?? null],
  );
}
