import type { AuditActor } from '../../../common/audit/audit.service';
import type { Role } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { ORGANIZATION_TYPES } from '../organizations/organization-types';
import { assertRolesFitOrganization, typedRolesGranted } from './role-organization-types';

const actor: AuditActor = { kind: 'system' };
const change = (before: Role[], after: Role[]) => ({ actor, before, after });

function refusal(run: () => void): DomainError | null {
  try {
    run();
    return null;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
}

describe('roles bound to an organization type (ADR 0061)', () => {
  it('names only newly granted typed roles: no organization read for other changes', () => {
    expect(typedRolesGranted(change([], ['issuer', 'registrar']))).toEqual(['registrar']);
    expect(typedRolesGranted(change(['registrar'], ['registrar', 'broker']))).toEqual([]);
    expect(typedRolesGranted(change(['registrar'], ['broker']))).toEqual([]);
    expect(typedRolesGranted(change([], ['broker', 'expert', 'applicant']))).toEqual([]);
  });

  it('grants registrar in a service centre only, with 422 naming roles elsewhere', () => {
    expect(refusal(() => assertRolesFitOrganization(change([], ['registrar']), 'service_center'))).toBeNull();
    for (const type of ORGANIZATION_TYPES.filter((t) => t !== 'service_center')) {
      const error = refusal(() =>
        assertRolesFitOrganization(change(['applicant'], ['applicant', 'registrar']), type),
      );
      expect(error?.code).toBe('BUSINESS_RULE_VIOLATION');
      expect(error?.options.errors).toEqual([
        { field: 'roles', message: 'registrar is held only by users of a service_center organization' },
      ]);
    }
  });

  it('lets other roles into any organization, and a registrar keep or lose the role anywhere', () => {
    expect(
      refusal(() => assertRolesFitOrganization(change([], ['issuer', 'broker']), 'enterprise')),
    ).toBeNull();
    expect(
      refusal(() => assertRolesFitOrganization(change(['registrar'], ['registrar', 'issuer']), 'enterprise')),
    ).toBeNull();
    expect(
      refusal(() => assertRolesFitOrganization(change(['registrar'], ['issuer']), 'enterprise')),
    ).toBeNull();
  });
});
