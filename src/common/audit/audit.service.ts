import { JsonObject } from '../json';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../../infra/clock/clock';
import { Principal } from '../auth/principal';
import { currentRequestId } from '../request-context/request-context';
import { AuditEventEntity } from './audit-event.entity';

export type AuditActor = Principal | { kind: 'system' } | { kind: 'anonymous'; userId?: string };

export interface AuditEntry {
  actor: AuditActor;
  action: string;
  objectType: string;
  objectId: string;
  before?: JsonObject | null;
  after?: JsonObject | null;
}

function actorColumns(
  actor: AuditActor,
): Pick<AuditEventEntity, 'actorType' | 'actorId' | 'actorOrganizationId'> {
  switch (actor.kind) {
    case 'user':
      return { actorType: 'user', actorId: actor.userId, actorOrganizationId: actor.organizationId };
    case 'api_key':
      return { actorType: 'api_key', actorId: actor.apiKeyId, actorOrganizationId: actor.organizationId };
    case 'anonymous':
      return { actorType: 'anonymous', actorId: actor.userId ?? null, actorOrganizationId: null };
    case 'system':
      return { actorType: 'system', actorId: null, actorOrganizationId: null };
  }
}

/** Writes audit events inside the caller's transaction: pass the EntityManager of that transaction. */
@Injectable()
export class AuditService {
  constructor(private readonly clock: Clock) {}

  async record(em: EntityManager, entry: AuditEntry): Promise<void> {
    const row = new AuditEventEntity();
    Object.assign(row, {
      ...actorColumns(entry.actor),
      occurredAt: this.clock.now(),
      action: entry.action,
      objectType: entry.objectType,
      objectId: entry.objectId,
      before: entry.before ?? null,
      after: entry.after ?? null,
      requestId: currentRequestId() ?? null,
    });
    await em.save(row, { reload: false });
  }
}
