import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';

export const WEBHOOK_ATTEMPT_OUTCOMES = ['succeeded', 'failed'] as const;
export type WebhookAttemptOutcome = (typeof WEBHOOK_ATTEMPT_OUTCOMES)[number];

/** One HTTP attempt of a delivery, recorded once (unique per delivery and number). */
@Entity('webhook_delivery_attempts')
@Index('uq_webhook_delivery_attempts_number', ['deliveryId', 'attemptNumber'], { unique: true })
@Check('ck_webhook_delivery_attempts_outcome', `"outcome" IN ('succeeded', 'failed')`)
@Check('ck_webhook_delivery_attempts_number', `"attempt_number" >= 1 AND "chain_attempt" >= 1`)
export class WebhookDeliveryAttemptEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  deliveryId: string;

  @ManyToOne(() => WebhookDeliveryEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'delivery_id', foreignKeyConstraintName: 'fk_webhook_delivery_attempts_delivery' })
  delivery?: WebhookDeliveryEntity;

  /** 1, 2, … over every chain of the delivery. */
  @Column({ type: 'integer' })
  attemptNumber: number;

  @Column({ type: 'integer' })
  chain: number;

  /** 1, 2, … within its chain. */
  @Column({ type: 'integer' })
  chainAttempt: number;

  @Column({ type: 'timestamptz' })
  attemptedAt: Date;

  @Column({ type: 'text' })
  outcome: WebhookAttemptOutcome;

  /** The receiver's HTTP status; null when no answer came (refused, timeout, connection error). */
  @Column({ type: 'integer', nullable: true })
  statusCode: number | null;

  @Column({ type: 'integer' })
  latencyMs: number;

  /** The first 1 KB of the answer's body, as text. */
  @Column({ type: 'text', nullable: true })
  responseSnippet: string | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** When the next attempt was scheduled after this one; null when none was. */
  @Column({ type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;
}
