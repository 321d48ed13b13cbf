import { JsonObject } from '../json';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One recorded change. Append-only: a trigger in the database refuses UPDATE, DELETE and TRUNCATE.
 * Written in the same transaction as the change it records.
 */
@Entity('audit_events')
@Index('ix_audit_events_object', ['objectType', 'objectId', 'occurredAt'])
@Index('ix_audit_events_actor', ['actorId', 'occurredAt'])
@Index('ix_audit_events_occurred', ['occurredAt', 'id'])
@Index('ix_audit_events_tx', ['txId'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'timestamptz' })
  occurredAt: Date;

  /** `user`, `api_key` or `system`. */
  @Column({ type: 'text' })
  actorType: string;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'uuid', nullable: true })
  actorOrganizationId: string | null;

  @Column({ type: 'text' })
  action: string;

  @Column({ type: 'text' })
  objectType: string;

  @Column({ type: 'text' })
  objectId: string;

  @Column({ type: 'jsonb', nullable: true })
  before: JsonObject | null;

  @Column({ type: 'jsonb', nullable: true })
  after: JsonObject | null;

  @Column({ type: 'text', nullable: true })
  requestId: string | null;

  /**
   * The inserting transaction's id (`pg_current_xact_id()`, through `audit_current_tx()`), set by the database: the audit sealer
   * scans from the oldest transaction still running at its last run (ADR 0046). NULL on rows older
   * than the chain. Never written or read by the application.
   */
  @Column({
    type: 'bigint',
    nullable: true,
    insert: false,
    update: false,
    select: false,
    default: () => 'audit_current_tx()',
  })
  txId?: string | null;
}
