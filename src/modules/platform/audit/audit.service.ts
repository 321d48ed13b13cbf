import { Injectable } from '@nestjs/common';
import { DataSource, SelectQueryBuilder } from 'typeorm';
import { AuditEventEntity } from '../../../common/audit/audit-event.entity';
import { AuditService } from '../../../common/audit/audit.service';
import { hasRole, Principal } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { JsonValue } from '../../../common/json';
import { InjectConfig } from '../../../infra/config/config';
import type { AppConfig } from '../../../infra/config/config';
import { mapPage, Page, paginate } from '../../../common/pagination/pagination';
import { AuditEventQueryDto, AuditEventResponse } from './dto/audit-event.dto';

export function toAuditEventResponse(event: AuditEventEntity): AuditEventResponse {
  return {
    id: event.id,
    occurredAt: event.occurredAt.toISOString(),
    actorType: event.actorType,
    actorId: event.actorId,
    actorOrganizationId: event.actorOrganizationId,
    action: event.action,
    objectType: event.objectType,
    objectId: event.objectId,
    before: event.before,
    after: event.after,
    requestId: event.requestId,
  };
}

export const AUDIT_TRAIL_AUDIT = { read: 'audit.read' } as const;

/**
 * Who reads the audit trail's endpoints (ADR 43): the audit administrator; the system administrator
 * only where AUDIT_READ_BY_SYSTEM_ADMIN allows it (the routes let both roles through the guard).
 */
@Injectable()
export class AuditReadPolicy {
  constructor(@InjectConfig() private readonly config: AppConfig) {}

  /** 403 FORBIDDEN unless `actor` may read the audit trail under the configured policy. */
  assertMayRead(actor: Principal): void {
    if (hasRole(actor, 'audit_admin')) return;
    if (hasRole(actor, 'admin') && this.config.AUDIT_READ_BY_SYSTEM_ADMIN) return;
    throw new DomainError(
      'FORBIDDEN',
      'The audit trail is read by the audit administrator (AUDIT_READ_BY_SYSTEM_ADMIN is off)',
    );
  }
}

/**
 * Reads the audit trail (audit administrator; ADR 43). Every read is itself audited (`audit.read`,
 * with its filters) in the read's transaction. Writing is AuditService's, inside each change's
 * transaction.
 */
@Injectable()
export class AuditQueryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: AuditReadPolicy,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Principal, query: AuditEventQueryDto): Promise<Page<AuditEventResponse>> {
    this.policy.assertMayRead(actor);
    return this.dataSource.transaction(async (em) => {
      const filters = Object.fromEntries<JsonValue>(
        Object.entries(query).filter((entry): entry is [string, string | number] => entry[1] !== undefined),
      );
      await this.audit.record(em, {
        actor,
        action: AUDIT_TRAIL_AUDIT.read,
        objectType: 'audit_trail',
        objectId: 'audit_events',
        after: { query: filters },
      });
      return this.page(em.getRepository(AuditEventEntity).createQueryBuilder('a'), query);
    });
  }

  private async page(
    qb: SelectQueryBuilder<AuditEventEntity>,
    query: AuditEventQueryDto,
  ): Promise<Page<AuditEventResponse>> {
    if (query.objectType) qb.andWhere('a.object_type = :objectType', { objectType: query.objectType });
    if (query.objectId) qb.andWhere('a.object_id = :objectId', { objectId: query.objectId });
    if (query.actorId) qb.andWhere('a.actor_id = :actorId', { actorId: query.actorId });
    if (query.action) qb.andWhere('a.action = :action', { action: query.action });
    if (query.from) qb.andWhere('a.occurred_at >= :from', { from: new Date(query.from) });
    if (query.to) qb.andWhere('a.occurred_at < :to', { to: new Date(query.to) });
    const page = await paginate(
      qb,
      [
        { expression: 'a.occurred_at', value: (e) => e.occurredAt, cast: 'timestamptz' },
        { expression: 'a.id', value: (e) => e.id, cast: 'uuid' },
      ],
      query,
    );
    return mapPage(page, toAuditEventResponse);
  }
}
