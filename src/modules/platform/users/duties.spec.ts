import type { AuditActor } from '../../../common/audit/audit.service';
import type { Role } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { assertNotOwnRoles, assertSeparatedDuties, holdsAdministrativeRole } from './duties';

const person = (...roles: Role[]): AuditActor => ({
  kind: 'user',
  userId: 'u-actor',
  organizationId: 'o-platform',
  roles,
});

function codeOf(run: () => void): string | null {
  try {
    run();
    return null;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

describe('separated duties (ADR 43)', () => {
  it('lets a security administrator grant and remove administrative roles, and the system too', () => {
    for (const actor of [person('security_admin'), { kind: 'system' } as const]) {
      expect(codeOf(() => assertSeparatedDuties({ actor, before: ['expert'], after: ['admin'] }))).toBeNull();
      expect(codeOf(() => assertSeparatedDuties({ actor, before: ['admin'], after: ['expert'] }))).toBeNull();
    }
  });

  it('refuses anyone else a change that touches an administrative role (403), not one that does not', () => {
    for (const actor of [person('admin'), person('user_manager', 'issuer'), { kind: 'anonymous' } as const]) {
      expect(codeOf(() => assertSeparatedDuties({ actor, before: [], after: ['audit_admin'] }))).toBe(
        'FORBIDDEN',
      );
      expect(
        codeOf(() => assertSeparatedDuties({ actor, before: ['admin', 'expert'], after: ['expert'] })),
      ).toBe('FORBIDDEN');
      expect(
        codeOf(() => assertSeparatedDuties({ actor, before: ['issuer'], after: ['issuer', 'expert'] })),
      ).toBeNull();
    }
  });

  it.each<[Role[], Role[]]>([
    [
      ['security_admin', 'audit_admin'],
      ['security_admin', 'audit_admin'],
    ],
    [
      ['audit_admin', 'admin'],
      ['audit_admin', 'admin'],
    ],
    [
      ['audit_admin', 'user_manager'],
      ['audit_admin', 'user_manager'],
    ],
  ])('refuses %j (422 ROLES_INCOMPATIBLE naming %j)', (after, named) => {
    try {
      assertSeparatedDuties({ actor: person('security_admin'), before: [], after });
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('ROLES_INCOMPATIBLE');
      expect((error as DomainError).options.extra).toEqual({ roles: named });
    }
  });

  it('allows the system and security duties together (the migrated administrators)', () => {
    const change = {
      actor: person('security_admin'),
      before: [],
      after: ['admin', 'security_admin'] as Role[],
    };
    expect(codeOf(() => assertSeparatedDuties(change))).toBeNull();
  });

  it('refuses a change of one’s own roles (409), whoever one is', () => {
    expect(codeOf(() => assertNotOwnRoles(person('security_admin'), 'u-actor'))).toBe(
      'OWN_ROLES_UNCHANGEABLE',
    );
    expect(codeOf(() => assertNotOwnRoles(person('security_admin'), 'u-other'))).toBeNull();
    expect(codeOf(() => assertNotOwnRoles({ kind: 'system' }, 'u-actor'))).toBeNull();
  });

  it('knows the administrative roles', () => {
    expect(holdsAdministrativeRole(['issuer', 'user_manager'])).toBe(false);
    expect(holdsAdministrativeRole(['expert', 'audit_admin'])).toBe(true);
  });
});
