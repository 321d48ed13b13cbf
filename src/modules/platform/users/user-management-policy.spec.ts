import type { Principal, Role } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { invitationState } from './dto/invitation.dto';
import {
  assertGrantable,
  assertManagesOrganization,
  assertMayChangeUser,
  managesOrganization,
} from './user-management-policy';

const OWN = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';

const user = (roles: Role[], userId = 'u-1'): Principal => ({
  kind: 'user',
  userId,
  organizationId: OWN,
  roles,
});
const apiKey: Principal = {
  kind: 'api_key',
  apiKeyId: 'k',
  organizationId: OWN,
  roles: ['integration'],
  scopes: [],
};

function codeOf(fn: () => void): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not a DomainError';
  }
}

describe('user management policy (ADR 0045)', () => {
  it('lets a user manager manage its own organization only; account admins any; keys none', () => {
    expect(managesOrganization(user(['user_manager']), OWN)).toBe(true);
    expect(managesOrganization(user(['user_manager']), OTHER)).toBe(false);
    expect(managesOrganization(user(['issuer']), OWN)).toBe(false);
    expect(managesOrganization(user(['security_admin']), OTHER)).toBe(true);
    expect(managesOrganization(user(['admin']), OTHER)).toBe(false);
    expect(managesOrganization(user(['audit_admin']), OWN)).toBe(false);
    expect(managesOrganization(apiKey, OWN)).toBe(false);
    expect(codeOf(() => assertManagesOrganization(user(['user_manager']), OTHER))).toBe('NOT_FOUND');
  });

  it("lets a user manager grant the organization's roles only, never administrative ones", () => {
    const manager = user(['user_manager']);
    expect(
      codeOf(() => assertGrantable(manager, ['issuer', 'expert', 'user_manager', 'applicant'])),
    ).toBeNull();
    for (const role of ['admin', 'security_admin', 'audit_admin'] as Role[]) {
      expect(codeOf(() => assertGrantable(manager, ['issuer', role]))).toBe('FORBIDDEN');
    }
    expect(codeOf(() => assertGrantable(user(['security_admin']), ['admin']))).toBeNull();
  });

  it('refuses the security and audit administrator roles together, to anyone', () => {
    expect(codeOf(() => assertGrantable(user(['security_admin']), ['security_admin', 'audit_admin']))).toBe(
      'BUSINESS_RULE_VIOLATION',
    );
  });

  it('keeps a user manager off administrators and off its own roles', () => {
    const manager = user(['user_manager', 'issuer'], 'me');
    const colleague = { id: 'c', roles: ['issuer'] as Role[] };
    expect(codeOf(() => assertMayChangeUser(manager, colleague, { roles: ['applicant'] }))).toBeNull();
    expect(codeOf(() => assertMayChangeUser(manager, colleague, {}))).toBeNull();
    expect(codeOf(() => assertMayChangeUser(manager, colleague, { roles: ['admin'] }))).toBe('FORBIDDEN');
    expect(codeOf(() => assertMayChangeUser(manager, { id: 'a', roles: ['admin'] }, {}))).toBe('FORBIDDEN');
    expect(codeOf(() => assertMayChangeUser(manager, { id: 'me', roles: ['user_manager'] }, {}))).toBeNull();
    expect(
      codeOf(() =>
        assertMayChangeUser(manager, { id: 'me', roles: ['user_manager'] }, { roles: ['issuer'] }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      codeOf(() =>
        assertMayChangeUser(user(['security_admin']), { id: 'a', roles: ['admin'] }, { roles: ['issuer'] }),
      ),
    ).toBeNull();
  });
});

describe('invitation state', () => {
  const now = new Date('2027-03-01T02:00:00Z');
  const later = new Date('2027-03-08T02:00:00Z');
  it('is accepted or revoked for good, and pending until it expires', () => {
    expect(invitationState({ acceptedAt: now, revokedAt: null, expiresAt: later }, later)).toBe('accepted');
    expect(invitationState({ acceptedAt: null, revokedAt: now, expiresAt: later }, now)).toBe('revoked');
    expect(invitationState({ acceptedAt: null, revokedAt: null, expiresAt: later }, now)).toBe('pending');
    expect(invitationState({ acceptedAt: null, revokedAt: null, expiresAt: later }, later)).toBe('expired');
  });
});
