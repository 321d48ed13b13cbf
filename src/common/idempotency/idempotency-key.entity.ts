import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonObject, JsonValue } from '../json';

/**
 * A remembered answer to a POST sent with Idempotency-Key, per caller and route. Kept until
 * `expiresAt`; an `in_progress` row whose `lockedUntil` passed was abandoned by a dead process.
 */
@Entity('idempotency_keys')
@Index('ix_idempotency_keys_expires', ['expiresAt'])
export class IdempotencyKeyEntity {
  @PrimaryColumn({ type: 'text' })
  scope: string;

  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ type: 'text' })
  requestHash: string;

  /** `in_progress` or `completed`. */
  @Column({ type: 'text' })
  status: string;

  @Column({ type: 'integer', nullable: true })
  responseStatus: number | null;

  @Column({ type: 'jsonb', nullable: true })
  responseBody: JsonValue | null;

  @Column({ type: 'jsonb', nullable: true })
  responseHeaders: JsonObject | null;

  @Column({ type: 'timestamptz' })
  lockedUntil: Date;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;
}
