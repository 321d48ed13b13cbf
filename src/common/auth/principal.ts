import { DomainError } from '../errors/domain-error';

/**
 * `admin` is the system administrator (operations); `security_admin` manages accounts, roles, keys
 * and MFA resets; `audit_admin` reads the audit trail and nothing else (三员分立, ADR 43).
 * `user_manager` invites and disables the users of its own organization. `broker` is a technology
 * broker of a service centre (TRANSFER.md, ADR 0058): a member role, not an administrative one.
 * `registrar` registers technology contracts (技术合同登记, ADR 0061): a member role of a service-centre user.
 */
export const ROLES = [
  'admin',
  'security_admin',
  'audit_admin',
  'user_manager',
  'issuer',
  'applicant',
  'expert',
  'broker',
  'integration',
  'registrar',
] as const;
export type Role = (typeof ROLES)[number];

/**
 * The administrative duties (三员分立, ADR 43): held only in the platform organization, granted and
 * removed only by a security administrator; `audit_admin` never with another role.
 */
export const ADMINISTRATIVE_ROLES = [
  'admin',
  'security_admin',
  'audit_admin',
] as const satisfies readonly Role[];

/**
 * The roles of the people who receive notifications: they list and read their in-app notifications
 * and set their e-mail preferences. Every role but `audit_admin` (reads the audit trail and nothing
 * else, ADR 43) and `integration` (an API key, not a person).
 */
export const NOTIFICATION_RECIPIENT_ROLES = [
  'admin',
  'security_admin',
  'user_manager',
  'issuer',
  'applicant',
  'expert',
  'broker',
  'registrar',
] as const satisfies readonly Role[];

/** Every role but the administrative ones: what sign-up and invitations hand out. */
export type MemberRole = Exclude<Role, (typeof ADMINISTRATIVE_ROLES)[number]>;

export function isAdministrativeRole(role: Role): boolean {
  return (ADMINISTRATIVE_ROLES as readonly Role[]).includes(role);
}

/** A person signed in with a bearer token. */
export interface UserPrincipal {
  kind: 'user';
  userId: string;
  organizationId: string;
  roles: Role[];
  /** The session passed a second factor (its access token's `amr` holds `otp`, ADR 0044). */
  mfa?: boolean;
}

/** A portal or other integration calling with X-Api-Key. */
export interface ApiKeyPrincipal {
  kind: 'api_key';
  apiKeyId: string;
  organizationId: string | null;
  roles: ['integration'];
  scopes: string[];
}

export type Principal = UserPrincipal | ApiKeyPrincipal;

export function hasRole(principal: Principal, ...roles: Role[]): boolean {
  return principal.roles.some((role) => roles.includes(role));
}

export function isAdmin(principal: Principal): boolean {
  return hasRole(principal, 'admin');
}

/**
 * The caller as a signed-in person: 403 FORBIDDEN for an integration (API key). `message` keeps the
 * wording some callers have always answered with.
 */
export function requireUser(
  actor: Principal,
  message = 'This operation needs a signed-in user',
): UserPrincipal {
  if (actor.kind !== 'user') throw new DomainError('FORBIDDEN', message);
  return actor;
}
