import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditEventEntity } from '../../../common/audit/audit-event.entity';
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

/** Reads the audit trail (admin). Writing is AuditService's, inside each change's transaction. */
@Injectable()
export class AuditQueryService {
  constructor(private readonly dataSource: DataSource) {}

  async list(query: AuditEventQueryDto): Promise<Page<AuditEventResponse>> {
    const qb = this.dataSource.getRepository(AuditEventEntity).createQueryBuilder('a');
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
