import type { AuditActor } from '../../../common/audit/audit.service';
import { hasRole, isAdministrativeRole, Role } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';

/** A new user's roles (`before` empty), or a change of an existing user's. */
export interface RoleChange {
  actor: AuditActor;
  before: readonly Role[];
  after: readonly Role[];
}

/** Nobody changes their own roles, not even a security administrator (409 OWN_ROLES_UNCHANGEABLE). */
export function assertNotOwnRoles(actor: AuditActor, userId: string): void {
  if (actor.kind === 'user' && actor.userId === userId) {
    throw new DomainError(
      'OWN_ROLES_UNCHANGEABLE',
      'Nobody changes their own roles; ask another security administrator',
    );
  }
}

/** Whether `roles` hold an administrative duty (only in the platform organization). */
export function holdsAdministrativeRole(roles: readonly Role[]): boolean {
  return roles.some(isAdministrativeRole);
}

/**
 * The rules of separated duties (三员分立, ADR 43) every user creation and role change passes, but
 * the platform-organization rule, which needs the database (UsersService), and that nobody changes
 * their own roles (assertNotOwnRoles):
 * - only a security administrator grants or removes an administrative role (403 FORBIDDEN); the
 *   system itself (start-up, the demo seed, migrations) may;
 * - `security_admin` and `audit_admin` never together, and `audit_admin` with no other role at all
 *   (422 ROLES_INCOMPATIBLE, `roles` naming the clash).
 */
export function assertSeparatedDuties({ actor, before, after }: RoleChange): void {
  const touched = [...after.filter((r) => !before.includes(r)), ...before.filter((r) => !after.includes(r))];
  const bySecurityAdmin =
    actor.kind === 'system' || (actor.kind === 'user' && hasRole(actor, 'security_admin'));
  if (touched.some(isAdministrativeRole) && !bySecurityAdmin) {
    throw new DomainError(
      'FORBIDDEN',
      'Only a security administrator grants or removes administrative roles',
    );
  }
  if (after.includes('security_admin') && after.includes('audit_admin')) {
    throw incompatible(
      ['security_admin', 'audit_admin'],
      'The security and audit duties are never held together',
    );
  }
  if (after.includes('audit_admin') && after.length > 1) {
    throw incompatible([...after], 'The audit administrator holds no other role');
  }
}

function incompatible(roles: Role[], message: string): DomainError {
  return new DomainError('ROLES_INCOMPATIBLE', message, { extra: { roles } });
}
