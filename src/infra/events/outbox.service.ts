import { randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { JsonObject } from '../../common/json';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { currentRequestId } from '../../common/request-context/request-context';
import { Clock } from '../clock/clock';
import { currentTraceparent, inSpan } from '../tracing/trace-context';

export const OUTBOX_CHANNEL = 'jiebang_outbox';

/**
 * An event and the relay's wake-up in one round trip (docs/adr/0055): the NOTIFY is delivered at commit
 * and dropped on rollback, as before. $9 is the trace context (docs/adr/0064). Exported for the bench's
 * raw-pg baseline.
 */
export const OUTBOX_INSERT_SQL = `WITH event AS (
  INSERT INTO outbox_events (id, type, aggregate_type, aggregate_id, data, occurred_at, request_id, published_at, delivered_at, traceparent)
  VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, $9) RETURNING id)
SELECT pg_notify($8, '') FROM event`;

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

  /**
   * With tracing on, recording the event is a producer span of the current trace, whose context is
   * stored with the event: the worker's handling continues that trace (docs/adr/0064).
   */
  async publish(em: EntityManager, event: DomainEvent): Promise<string> {
    const id = randomUUID();
    const attributes = {
      'messaging.system': 'jiebang_outbox',
      'messaging.operation.type': 'publish',
      'messaging.destination.name': event.type,
      'messaging.message.id': id,
    };
    await inSpan(`publish ${event.type}`, { kind: SpanKind.PRODUCER, attributes }, async () => {
      // The NOTIFY wakes the relay at commit without waiting for its poll.
      await em.query(OUTBOX_INSERT_SQL, [
        id,
        event.type,
        event.aggregateType,
        event.aggregateId,
        JSON.stringify(event.data),
        event.occurredAt ?? this.clock.now(),
        currentRequestId() ?? null,
        OUTBOX_CHANNEL,
        currentTraceparent() ?? null,
      ]);
    });
    return id;
  }
}
