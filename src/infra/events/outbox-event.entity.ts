import type { JsonObject } from '../../common/json';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A domain event written in the same transaction as the change that caused it. The relay moves
 * unpublished rows to BullMQ (job id = event id) and stamps `publishedAt`; the dispatcher stamps
 * `deliveredAt` once every handler has run.
 */
@Entity('outbox_events')
@Index('ix_outbox_events_unpublished', ['occurredAt'], { where: 'published_at IS NULL' })
@Index('ix_outbox_events_undelivered', ['publishedAt'], {
  where: 'published_at IS NOT NULL AND delivered_at IS NULL',
})
// What the retention job archives (docs/adr/0068).
@Index('ix_outbox_events_delivered', ['deliveredAt'], { where: 'delivered_at IS NOT NULL' })
export class OutboxEventEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The event type, e.g. `organization.verified`; the webhook event names in API.md. */
  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'text' })
  aggregateType: string;

  @Column({ type: 'text' })
  aggregateId: string;

  @Column({ type: 'jsonb' })
  data: JsonObject;

  @Column({ type: 'timestamptz' })
  occurredAt: Date;

  @Column({ type: 'text', nullable: true })
  requestId: string | null;

  /** The W3C `traceparent` of the span that recorded it, when tracing is on (docs/adr/0064). */
  @Column({ type: 'text', nullable: true })
  traceparent: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  /** Set when every handler of the event has had its effect; until then the event may be re-sent. */
  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;
}
