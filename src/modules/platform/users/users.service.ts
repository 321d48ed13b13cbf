import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../../../common/audit/audit.service';
import { PasswordHasher } from '../../../common/auth/passwords';
import { MemberRole, Principal, Role } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { JsonObject } from '../../../common/json';
import { mapPage, Page } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import type { OrganizationEntity } from '../organizations/entities/organization.entity';
import { OrganizationsRepository } from '../organizations/organizations.repository';
import { OrganizationsService } from '../organizations/organizations.service';
import {
  CreateUserDto,
  ListUsersQueryDto,
  toUserResponse,
  UpdateUserDto,
  UserResponseDto,
} from './dto/user.dto';
import { UserEntity } from './entities/user.entity';
import { normalizeEmail } from './email';
import { UsersRepository } from './users.repository';
import { assertNotOwnRoles, assertSeparatedDuties, holdsAdministrativeRole, RoleChange } from './duties';
import { assertRolesFitOrganization, typedRolesGranted } from './role-organization-types';

export const USER_EVENTS = { rolesChanged: 'user.roles_changed' } as const;

export const USER_AUDIT = {
  created: 'user.created',
  rolesChanged: 'user.roles_changed',
  enabled: 'user.enabled',
  disabled: 'user.disabled',
  updated: 'user.updated',
} as const;

/**
 * Told inside the transaction that disables a user, before it commits: the auth module revokes the
 * user's refresh tokens here, so users need not know auth's tables.
 */
export type UserDisabledListener = (em: EntityManager, userId: string, at: Date) => Promise<void>;

export const PLATFORM_ORGANIZATION_NAME = '揭榜挂帅平台运营方 (platform)';
/** The first administrator's duties: system and security administrator (ADR 43). */
export const FIRST_ADMIN_ROLES = ['admin', 'security_admin'] as const satisfies readonly Role[];
/** Serializes concurrent first-admin creation across API processes starting at once. */
const FIRST_ADMIN_LOCK_KEY = 7_340_215_100;

export interface NewUser {
  organizationId: string;
  email: string;
  displayName: string;
  password: string;
  roles: Role[];
  locale?: string;
}

function snapshot(user: UserEntity): JsonObject {
  return {
    id: user.id,
    organizationId: user.organizationId,
    email: user.email,
    displayName: user.displayName,
    roles: [...user.roles],
    enabled: user.enabled,
  };
}

function sameRoles(a: Role[], b: Role[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly organizationsService: OrganizationsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    private readonly passwords: PasswordHasher,
  ) {}

  private readonly disabledListeners: UserDisabledListener[] = [];

  /** Registers a reaction to a user being disabled, run in the disabling transaction. */
  onUserDisabled(listener: UserDisabledListener): void {
    this.disabledListeners.push(listener);
  }

  /**
   * Inserts a user inside the caller's transaction (password hashed with argon2id), audited, after
   * the rules of separated duties (ADR 43: 403, 409, 422 ROLES_INCOMPATIBLE or
   * ADMIN_ROLE_OUTSIDE_PLATFORM) and of roles bound to an organization type (422).
   */
  async createInTransaction(em: EntityManager, actor: AuditActor, input: NewUser): Promise<UserEntity> {
    const roles = [...new Set(input.roles)];
    await this.assertDuties(em, { actor, before: [], after: roles }, input.organizationId);
    return this.insert(em, actor, { ...input, roles });
  }

  /**
   * Whether `actor` may grant `roles` to a new user of `organizationId` (the rules of
   * createInTransaction, checked ahead: an invitation is refused when it is made, not when accepted).
   */
  assertGrantableInTransaction(
    em: EntityManager,
    actor: AuditActor,
    organizationId: string,
    roles: Role[],
  ): Promise<void> {
    return this.assertDuties(em, { actor, before: [], after: [...new Set(roles)] }, organizationId);
  }

  /**
   * A user without administrative roles (sign-up): the type rules them out, so the
   * rules of separated duties have nothing to refuse.
   */
  createMemberInTransaction(
    em: EntityManager,
    actor: AuditActor,
    input: NewUser & { roles: MemberRole[] },
  ): Promise<UserEntity> {
    return this.insert(em, actor, { ...input, roles: [...new Set(input.roles)] });
  }

  private async insert(em: EntityManager, actor: AuditActor, input: NewUser): Promise<UserEntity> {
    const email = normalizeEmail(input.email);
    if (await this.users.findByEmail(email, em)) {
      throw new DomainError('ALREADY_EXISTS', 'A user with this email already exists', {
        errors: [{ field: 'email', message: 'email is already registered' }],
      });
    }
    const now = this.clock.now();
    const user = em.create(UserEntity, {
      organizationId: input.organizationId,
      email,
      displayName: input.displayName.trim(),
      passwordHash: await this.passwords.hash(input.password),
      roles: input.roles,
      enabled: true,
      tokenVersion: 0,
      locale: input.locale ?? 'zh-CN',
      createdAt: now,
      updatedAt: now,
    });
    await em.save(user);
    await this.audit.record(em, {
      actor,
      action: USER_AUDIT.created,
      objectType: 'user',
      objectId: user.id,
      after: snapshot(user),
    });
    return user;
  }

  async create(actor: Principal, dto: CreateUserDto): Promise<UserResponseDto> {
    const user = await this.dataSource.transaction(async (em) => {
      if (!(await this.organizations.findById(dto.organizationId, em))) {
        throw DomainError.validation([{ field: 'organizationId', message: 'organization not found' }]);
      }
      return this.createInTransaction(em, actor, dto);
    });
    return toUserResponse(user);
  }

  async list(query: ListUsersQueryDto): Promise<Page<UserResponseDto>> {
    return mapPage(await this.users.listNewestFirst(query), toUserResponse);
  }

  async get(id: string): Promise<UserResponseDto> {
    const user = await this.users.findById(id);
    if (!user) throw DomainError.notFound('User');
    return toUserResponse(user);
  }

  /**
   * Admin changes of roles, enabled flag and display name. A role change or a disable raises the
   * user's token_version, so access tokens issued before stop working at once; a disable also
   * revokes every refresh token.
   */
  async update(
    actor: Principal,
    id: string,
    dto: UpdateUserDto,
    expectedVersion: number | undefined,
  ): Promise<UserResponseDto> {
    const user = await this.dataSource.transaction(async (em) => {
      const current = await this.users.findByIdForUpdate(em, id);
      if (!current) throw DomainError.notFound('User');
      assertVersion(current.version, expectedVersion);
      const self = actor.kind === 'user' && actor.userId === id;
      if (self && dto.enabled === false) {
        throw new DomainError('BUSINESS_RULE_VIOLATION', 'An administrator cannot disable themself');
      }
      const before = snapshot(current);
      const now = this.clock.now();
      const rolesChanged = dto.roles !== undefined && !sameRoles(current.roles, dto.roles);
      if (rolesChanged) {
        assertNotOwnRoles(actor, id);
        const change = { actor, before: current.roles, after: [...new Set(dto.roles)] };
        await this.assertDuties(em, change, current.organizationId);
      }
      const enabledChanged = dto.enabled !== undefined && dto.enabled !== current.enabled;
      const nameChanged = dto.displayName !== undefined && dto.displayName.trim() !== current.displayName;
      if (!rolesChanged && !enabledChanged && !nameChanged) return current;

      if (rolesChanged) current.roles = [...new Set(dto.roles)];
      if (enabledChanged) current.enabled = dto.enabled as boolean;
      if (nameChanged) current.displayName = (dto.displayName as string).trim();
      if (rolesChanged || (enabledChanged && !current.enabled)) current.tokenVersion += 1;
      current.version += 1;
      current.updatedAt = now;
      await em.save(current);
      if (enabledChanged && !current.enabled) {
        for (const listener of this.disabledListeners) await listener(em, id, now);
      }

      const after = snapshot(current);
      const record = (action: (typeof USER_AUDIT)[keyof typeof USER_AUDIT]) =>
        this.audit.record(em, { actor, action, objectType: 'user', objectId: id, before, after });
      if (rolesChanged) {
        await record(USER_AUDIT.rolesChanged);
        await this.outbox.publish(em, {
          type: USER_EVENTS.rolesChanged,
          aggregateType: 'user',
          aggregateId: id,
          data: { userId: id, organizationId: current.organizationId, roles: [...current.roles] },
        });
      }
      if (enabledChanged) await record(current.enabled ? USER_AUDIT.enabled : USER_AUDIT.disabled);
      if (nameChanged) await record(USER_AUDIT.updated);
      return current;
    });
    return toUserResponse(user);
  }

  /**
   * Makes sure `email` is an enabled system and security administrator (`admin` + `security_admin`,
   * ADR 43) of the platform organization (type government, created when missing). Idempotent: an
   * existing user keeps its password and gains the roles it lacked. Used at startup with
   * ADMIN_EMAIL / ADMIN_PASSWORD, by the demo seed and by tests.
   */
  async ensureFirstAdmin(email: string, password: string): Promise<UserEntity> {
    const system: AuditActor = { kind: 'system' };
    return this.dataSource.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1)', [FIRST_ADMIN_LOCK_KEY]);
      const existing = await this.users.findByEmail(email, em);
      if (existing) {
        if (FIRST_ADMIN_ROLES.every((role) => existing.roles.includes(role)) && existing.enabled)
          return existing;
        const before = snapshot(existing);
        const roles = [...new Set<Role>([...existing.roles, ...FIRST_ADMIN_ROLES])];
        const change = { actor: system, before: existing.roles, after: roles };
        await this.assertDuties(em, change, existing.organizationId);
        existing.roles = roles;
        existing.enabled = true;
        existing.tokenVersion += 1;
        existing.version += 1;
        existing.updatedAt = this.clock.now();
        await em.save(existing);
        await this.audit.record(em, {
          actor: system,
          action: USER_AUDIT.rolesChanged,
          objectType: 'user',
          objectId: existing.id,
          before,
          after: snapshot(existing),
        });
        return existing;
      }
      const platform = await this.platformOrganization(em, system);
      return this.createInTransaction(em, system, {
        organizationId: platform.id,
        email,
        displayName: 'Platform administrator',
        password,
        roles: [...FIRST_ADMIN_ROLES],
      });
    });
  }

  /**
   * The rules of separated duties (duties.ts), roles bound to an organization type (422
   * BUSINESS_RULE_VIOLATION naming `roles`: `registrar` only in a service centre,
   * role-organization-types.ts), and administrative roles only in the platform
   * organization: that of the oldest administrator, else the one named PLATFORM_ORGANIZATION_NAME
   * (422 ADMIN_ROLE_OUTSIDE_PLATFORM); with neither, the first administrator's organization is it.
   */
  private async assertDuties(em: EntityManager, change: RoleChange, organizationId: string): Promise<void> {
    assertSeparatedDuties(change);
    if (typedRolesGranted(change).length) {
      const organization = await this.organizations.findById(organizationId, em);
      if (organization) assertRolesFitOrganization(change, organization.type);
    }
    if (!holdsAdministrativeRole(change.after)) return;
    const administrator = await this.users.oldestAdministrator(em);
    const platformId =
      administrator?.organizationId ??
      (await this.organizations.findByName(em, PLATFORM_ORGANIZATION_NAME))?.id ??
      null;
    // No administrator and no platform organization yet: the first administrator's becomes it.
    if (platformId !== null && platformId !== organizationId) {
      throw new DomainError(
        'ADMIN_ROLE_OUTSIDE_PLATFORM',
        'Administrative roles (admin, security_admin, audit_admin) are held only in the platform organization',
        { extra: { platformOrganizationId: platformId } },
      );
    }
  }

  async hasAnyAdmin(): Promise<boolean> {
    return (await this.users.anyAdmin()) !== null;
  }

  private async platformOrganization(em: EntityManager, actor: AuditActor): Promise<OrganizationEntity> {
    const admin = await this.users.anyAdmin(em);
    if (admin) {
      const org = await this.organizations.findById(admin.organizationId, em);
      if (org) return org;
    }
    const named = await this.organizations.findByName(em, PLATFORM_ORGANIZATION_NAME);
    if (named) return named;
    return this.organizationsService.createInTransaction(em, actor, {
      name: PLATFORM_ORGANIZATION_NAME,
      type: 'government',
      creditCode: null,
      regionCode: '000000',
    });
  }
}
