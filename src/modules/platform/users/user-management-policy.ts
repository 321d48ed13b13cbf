import { hasRole, isAdministrativeRole, Principal, Role } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';

/**
 * Who may manage (invite, list, disable, rename) which users (ADR 0045): a security administrator
 * (ADR 0043) any organization's, with any role; an
 * organization's `user_manager` only its own organization's, with the organization's roles only,
 * never a holder of an administrative role and never its own roles. Pure: no I/O.
 */

/** The roles a user manager may grant within its own organization. */
export const ORGANIZATION_ROLES: readonly Role[] = [
  'issuer',
  'applicant',
  'expert',
  'broker',
  'user_manager',
];

/** The roles whose holders may manage users of any organization. */
export const ACCOUNT_ADMIN_ROLES: Role[] = ['security_admin'];

/** The roles that may call the user-management routes (further scoped per organization). */
export const USER_MANAGEMENT_ROLES: Role[] = [...ACCOUNT_ADMIN_ROLES, 'user_manager'];

export function isAccountAdmin(actor: Principal): boolean {
  return actor.kind === 'user' && hasRole(actor, ...ACCOUNT_ADMIN_ROLES);
}

/** Whether the caller may manage the users of `organizationId` (otherwise it answers 404). */
export function managesOrganization(actor: Principal, organizationId: string): boolean {
  if (actor.kind !== 'user') return false;
  if (isAccountAdmin(actor)) return true;
  return hasRole(actor, 'user_manager') && actor.organizationId === organizationId;
}

/** 404 for an organization the caller may not manage: ids of others do not leak. */
export function assertManagesOrganization(actor: Principal, organizationId: string): void {
  if (!managesOrganization(actor, organizationId)) throw DomainError.notFound('Organization');
}

/** 403 when the caller may not grant one of `roles`; 422 for the security + audit pair. */
export function assertGrantable(actor: Principal, roles: readonly Role[]): void {
  if (roles.includes('security_admin') && roles.includes('audit_admin')) {
    throw new DomainError(
      'BUSINESS_RULE_VIOLATION',
      'One account may not hold the security and the audit administrator roles together',
    );
  }
  if (isAccountAdmin(actor)) return;
  const refused = roles.filter((role) => !ORGANIZATION_ROLES.includes(role));
  if (refused.length) {
    throw new DomainError('FORBIDDEN', `A user manager may not grant: ${refused.join(', ')}`);
  }
}

/**
 * A user manager's change of a user of its organization: never a holder of an administrative
 * role, never its own roles (403). Security administrators are not limited here.
 */
export function assertMayChangeUser(
  actor: Principal,
  target: { id: string; roles: readonly Role[] },
  change: { roles?: readonly Role[] },
): void {
  if (isAccountAdmin(actor)) return;
  if (target.roles.some(isAdministrativeRole)) {
    throw new DomainError('FORBIDDEN', 'A user manager may not change an administrator');
  }
  if (change.roles && actor.kind === 'user' && actor.userId === target.id) {
    throw new DomainError('FORBIDDEN', 'A user manager may not change its own roles');
  }
  if (change.roles) assertGrantable(actor, change.roles);
}
