import { DomainError } from '../errors/domain-error';

/**
 * `admin` is the system administrator (operations); `security_admin` manages accounts, roles, keys
 * and MFA resets; `audit_admin` reads the audit trail and nothing else (三员分立, ADR 43).
 * `user_manager` invites and disables the users of its own organization.
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
