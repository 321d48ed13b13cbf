import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { WebhookSubscriptionEntity } from './webhook-subscription.entity';

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/**
 * One event to one subscription: the message (its id is the `webhook-id` header, the same on
 * every retry and replay) and the truth of its progress. BullMQ only wakes it at `nextAttemptAt`;
 * the worker re-enqueues pending rows whose job is missing (docs/adr/0030).
 */
@Entity('webhook_deliveries')
@Index('uq_webhook_deliveries_subscription_event', ['subscriptionId', 'eventId'], { unique: true })
@Index('ix_webhook_deliveries_subscription_created', ['subscriptionId', 'createdAt', 'id'])
@Index('ix_webhook_deliveries_pending', ['nextAttemptAt'], { where: `status = 'pending'` })
// What the retention job archives (docs/adr/0068).
@Index('ix_webhook_deliveries_settled', ['updatedAt'], { where: `status <> 'pending'` })
@Check('ck_webhook_deliveries_status', `"status" IN ('pending', 'succeeded', 'failed')`)
@Check('ck_webhook_deliveries_next', `("status" = 'pending') = ("next_attempt_at" IS NOT NULL)`)
@Check('ck_webhook_deliveries_counts', `"chain" >= 0 AND "chain_attempts" >= 0`)
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  subscriptionId: string;

  @ManyToOne(() => WebhookSubscriptionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'subscription_id', foreignKeyConstraintName: 'fk_webhook_deliveries_subscription' })
  subscription?: WebhookSubscriptionEntity;

  /** The outbox event delivered (the body's `id`). */
  @Column({ type: 'uuid' })
  eventId: string;

  @Column({ type: 'text' })
  eventType: string;

  /** The exact JSON body sent on every attempt: `{ id, type, createdAt, data }`. */
  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'text', default: 'pending' })
  status: WebhookDeliveryStatus;

  /** 0 for the first series of attempts; each replay starts the next. */
  @Column({ type: 'integer', default: 0 })
  chain: number;

  /** Attempts made in the current chain. */
  @Column({ type: 'integer', default: 0 })
  chainAttempts: number;

  /** When the next attempt is due (by the service's clock); null once succeeded or failed. */
  @Column({ type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastAttemptAt: Date | null;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
