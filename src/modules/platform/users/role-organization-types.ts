import type { Role } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import type { OrganizationType } from '../organizations/organization-types';
import type { RoleChange } from './duties';

/**
 * Member roles held only by users of organizations of given types: `registrar` (技术合同登记, ADR
 * 0061) by a service centre's users; admins register without it. Other roles fit any organization.
 */
export const ROLE_ORGANIZATION_TYPES: Partial<Record<Role, readonly OrganizationType[]>> = {
  registrar: ['service_center'],
};

/** The roles of `change` that need an organization type (none: no need to read the organization). */
export function typedRolesGranted(change: RoleChange): Role[] {
  return change.after.filter((role) => !change.before.includes(role) && ROLE_ORGANIZATION_TYPES[role]);
}

/**
 * 422 BUSINESS_RULE_VIOLATION naming `roles` when a role granted by `change` is not held in an
 * organization of `organizationType`. Only granted roles count: keeping or removing one never fails.
 */
export function assertRolesFitOrganization(change: RoleChange, organizationType: OrganizationType): void {
  const misfits = typedRolesGranted(change).filter(
    (role) => !ROLE_ORGANIZATION_TYPES[role]?.includes(organizationType),
  );
  if (!misfits.length) return;
  throw new DomainError(
    'BUSINESS_RULE_VIOLATION',
    `The organization (${organizationType}) may not hold: ${misfits.join(', ')}`,
    {
      errors: misfits.map((role) => ({
        field: 'roles',
        message: `${role} is held only by users of a ${ROLE_ORGANIZATION_TYPES[role]?.join(' or ')} organization`,
      })),
    },
  );
}
