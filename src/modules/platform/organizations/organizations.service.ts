import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../../../common/audit/audit.service';
import { hasRole, isAdmin, Principal } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { JsonObject } from '../../../common/json';
import { mapPage, Page } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import {
  CreateOrganizationDto,
  ListOrganizationsQueryDto,
  OrganizationResponseDto,
  toOrganizationResponse,
  UpdateOrganizationDto,
} from './dto/organization.dto';
import { OrganizationEntity, OrganizationType } from './entities/organization.entity';
import { OrganizationsRepository } from './organizations.repository';

export const ORGANIZATION_AUDIT = {
  created: 'organization.created',
  updated: 'organization.updated',
  verified: 'organization.verified',
} as const;

export const ORGANIZATION_EVENTS = {
  registered: 'organization.registered',
  verified: 'organization.verified',
} as const;

export interface NewOrganization {
  name: string;
  type: OrganizationType;
  creditCode: string | null;
  regionCode: string;
  parentOrganizationId?: string | null;
}

function snapshot(org: OrganizationEntity): JsonObject {
  return { ...toOrganizationResponse(org) };
}

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  /** Inserts an organization inside the caller's transaction, audited, with `organization.registered`. */
  async createInTransaction(
    em: EntityManager,
    actor: AuditActor,
    input: NewOrganization,
  ): Promise<OrganizationEntity> {
    if (input.creditCode && (await this.organizations.existsWithCreditCode(em, input.creditCode))) {
      throw new DomainError('ALREADY_EXISTS', 'An organization with this credit code is already registered', {
        errors: [{ field: 'creditCode', message: 'creditCode is already registered' }],
      });
    }
    if (input.parentOrganizationId && !(await this.organizations.findById(input.parentOrganizationId, em))) {
      throw DomainError.validation([
        { field: 'parentOrganizationId', message: 'parent organization not found' },
      ]);
    }
    const now = this.clock.now();
    const org = em.create(OrganizationEntity, {
      name: input.name.trim(),
      type: input.type,
      creditCode: input.creditCode,
      regionCode: input.regionCode,
      parentOrganizationId: input.parentOrganizationId ?? null,
      verified: false,
      verifiedAt: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    await em.save(org);
    await this.audit.record(em, {
      actor,
      action: ORGANIZATION_AUDIT.created,
      objectType: 'organization',
      objectId: org.id,
      after: snapshot(org),
    });
    await this.outbox.publish(em, {
      type: ORGANIZATION_EVENTS.registered,
      aggregateType: 'organization',
      aggregateId: org.id,
      data: { organizationId: org.id },
    });
    return org;
  }

  async create(actor: Principal, dto: CreateOrganizationDto): Promise<OrganizationResponseDto> {
    const org = await this.dataSource.transaction((em) => this.createInTransaction(em, actor, dto));
    return toOrganizationResponse(org);
  }

  async list(query: ListOrganizationsQueryDto): Promise<Page<OrganizationResponseDto>> {
    return mapPage(await this.organizations.listNewestFirst(query), toOrganizationResponse);
  }

  /** Admin, or a member of that organization; anyone else gets 404 so ids do not leak. */
  async get(actor: Principal, id: string): Promise<OrganizationResponseDto> {
    const org = this.canSee(actor, id) ? await this.organizations.findById(id) : null;
    if (!org) throw DomainError.notFound('Organization');
    return toOrganizationResponse(org);
  }

  async update(
    actor: Principal,
    id: string,
    dto: UpdateOrganizationDto,
    expectedVersion: number | undefined,
  ): Promise<OrganizationResponseDto> {
    const admin = isAdmin(actor);
    const member = actor.kind === 'user' && actor.organizationId === id;
    if (!admin && !(member && hasRole(actor, 'issuer', 'applicant'))) {
      throw DomainError.notFound('Organization');
    }
    if (!admin && (dto.type !== undefined || dto.parentOrganizationId !== undefined)) {
      throw new DomainError('FORBIDDEN', 'Only an admin may change the type or parent of an organization');
    }
    const org = await this.dataSource.transaction(async (em) => {
      const current = await this.organizations.findByIdForUpdate(em, id);
      if (!current) throw DomainError.notFound('Organization');
      assertVersion(current.version, expectedVersion);
      const before = snapshot(current);
      if (dto.parentOrganizationId !== undefined) await this.checkParent(em, id, dto.parentOrganizationId);
      if (dto.name !== undefined) current.name = dto.name.trim();
      if (dto.regionCode !== undefined) current.regionCode = dto.regionCode;
      if (dto.type !== undefined) current.type = dto.type;
      if (dto.parentOrganizationId !== undefined) current.parentOrganizationId = dto.parentOrganizationId;
      current.version += 1;
      current.updatedAt = this.clock.now();
      await em.save(current);
      await this.audit.record(em, {
        actor,
        action: ORGANIZATION_AUDIT.updated,
        objectType: 'organization',
        objectId: id,
        before,
        after: snapshot(current),
      });
      return current;
    });
    return toOrganizationResponse(org);
  }

  async verify(
    actor: Principal,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<OrganizationResponseDto> {
    const org = await this.dataSource.transaction(async (em) => {
      const current = await this.organizations.findByIdForUpdate(em, id);
      if (!current) throw DomainError.notFound('Organization');
      assertVersion(current.version, expectedVersion);
      if (current.verified) throw DomainError.invalidTransition('verified', 'verify');
      const before = snapshot(current);
      const now = this.clock.now();
      current.verified = true;
      current.verifiedAt = now;
      current.version += 1;
      current.updatedAt = now;
      await em.save(current);
      await this.audit.record(em, {
        actor,
        action: ORGANIZATION_AUDIT.verified,
        objectType: 'organization',
        objectId: id,
        before,
        after: snapshot(current),
      });
      await this.outbox.publish(em, {
        type: ORGANIZATION_EVENTS.verified,
        aggregateType: 'organization',
        aggregateId: id,
        data: { organizationId: id },
      });
      return current;
    });
    return toOrganizationResponse(org);
  }

  private canSee(actor: Principal, id: string): boolean {
    // The security admin reads every organization, to manage its accounts (ADR 43); changes stay the admin's.
    return (
      hasRole(actor, 'admin', 'security_admin') || (actor.kind === 'user' && actor.organizationId === id)
    );
  }

  private async checkParent(em: EntityManager, id: string, parentId: string | null): Promise<void> {
    if (parentId === null) return;
    if (parentId === id) {
      throw new DomainError('BUSINESS_RULE_VIOLATION', 'An organization cannot be its own parent');
    }
    if (!(await this.organizations.findById(parentId, em))) {
      throw DomainError.validation([
        { field: 'parentOrganizationId', message: 'parent organization not found' },
      ]);
    }
    if ((await this.organizations.ancestorIds(em, parentId)).includes(id)) {
      throw new DomainError('BUSINESS_RULE_VIOLATION', 'The parent would make the hierarchy a cycle');
    }
  }
}
