import { randomUUID } from 'node:crypto';
import { JsonObject } from '../../common/json';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { currentRequestId } from '../../common/request-context/request-context';
import { Clock } from '../clock/clock';
import { OutboxEventEntity } from './outbox-event.entity';

export const OUTBOX_CHANNEL = 'jiebang_outbox';

export interface DomainEvent {
  type: string;
  aggregateType: string;
  aggregateId: string;
  data: JsonObject;
  /** When it happened, if not now: a late deadline job records what happened at its due time. */
  occurredAt?: Date;
}

/**
 * Records domain events in the caller's transaction. Nothing is sent here: the relay delivers
 * committed events, so an event exists if and only if its change committed.
 */
@Injectable()
export class OutboxService {
  constructor(private readonly clock: Clock) {}

  async publish(em: EntityManager, event: DomainEvent): Promise<string> {
    const row = new OutboxEventEntity();
    Object.assign(row, event, {
      id: randomUUID(),
      occurredAt: event.occurredAt ?? this.clock.now(),
      requestId: currentRequestId() ?? null,
      publishedAt: null,
      deliveredAt: null,
    });
    await em.save(row, { reload: false });
    // Delivered at commit (and dropped on rollback): wakes the relay without waiting for its poll.
    await em.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, '']);
    return row.id;
  }
}
