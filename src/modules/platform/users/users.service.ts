import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../../../common/audit/audit.service';
import { PasswordHasher } from '../../../common/auth/passwords';
import { Principal, Role } from '../../../common/auth/principal';
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

  /** Inserts a user inside the caller's transaction (password hashed with argon2id), audited. */
  async createInTransaction(em: EntityManager, actor: AuditActor, input: NewUser): Promise<UserEntity> {
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
      roles: [...new Set(input.roles)],
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
      if (self && (dto.enabled === false || (dto.roles && !dto.roles.includes('admin')))) {
        throw new DomainError('BUSINESS_RULE_VIOLATION', 'An admin cannot disable or demote themself');
      }
      const before = snapshot(current);
      const now = this.clock.now();
      const rolesChanged = dto.roles !== undefined && !sameRoles(current.roles, dto.roles);
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
   * Makes sure `email` is an enabled admin of the platform organization (type government, created
   * when missing). Idempotent: an existing user keeps its password and gains the admin role if it
   * lacked it. Used at startup with ADMIN_EMAIL / ADMIN_PASSWORD, and by tests.
   */
  async ensureFirstAdmin(email: string, password: string): Promise<UserEntity> {
    const system: AuditActor = { kind: 'system' };
    return this.dataSource.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1)', [FIRST_ADMIN_LOCK_KEY]);
      const existing = await this.users.findByEmail(email, em);
      if (existing) {
        if (existing.roles.includes('admin') && existing.enabled) return existing;
        const before = snapshot(existing);
        existing.roles = [...new Set<Role>([...existing.roles, 'admin'])];
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
        roles: ['admin'],
      });
    });
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
