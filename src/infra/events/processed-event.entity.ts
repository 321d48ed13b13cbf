import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * That a handler has had the effect of an event: inserted in the same transaction as the effect,
 * so each (event, handler) pair runs at most once whatever BullMQ redelivers.
 */
@Entity('processed_events')
// What the retention job archives (docs/adr/0068).
@Index('ix_processed_events_processed', ['processedAt'])
export class ProcessedEventEntity {
  @PrimaryColumn({ type: 'uuid' })
  eventId: string;

  /** `ClassName.methodName` of the handler. */
  @PrimaryColumn({ type: 'text' })
  handler: string;

  @Column({ type: 'timestamptz' })
  processedAt: Date;
}
