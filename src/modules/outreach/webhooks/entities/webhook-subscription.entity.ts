import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ApiKeyEntity } from '../../../platform/api-keys/entities/api-key.entity';
import { OrganizationEntity } from '../../../platform/organizations/entities/organization.entity';
import { UserEntity } from '../../../platform/users/entities/user.entity';

export const WEBHOOK_STATUSES = ['enabled', 'disabled'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

/** Why a subscription was disabled: the receiver answered 410 Gone, or it kept failing for days. */
export const WEBHOOK_DISABLED_REASONS = ['gone', 'failing'] as const;
export type WebhookDisabledReason = (typeof WEBHOOK_DISABLED_REASONS)[number];

/**
 * A webhook subscription (docs/adr/0030), owned by exactly one integration API key or one person (an
 * admin, or an organization's user manager). `organizationId` is the organization it was made for
 * (ADR 0047): the owning key's, or the user manager's; null for a platform subscription (an admin's)
 * or a key acting for no organization. The signing secret is kept as is (HMAC needs it) and shown only in the creation answer.
 */
@Entity('webhook_subscriptions')
@Index('ix_webhook_subscriptions_created', ['createdAt', 'id'])
@Index('ix_webhook_subscriptions_api_key', ['ownerApiKeyId'])
@Index('ix_webhook_subscriptions_user', ['ownerUserId'])
@Index('ix_webhook_subscriptions_organization', ['organizationId', 'createdAt', 'id'])
@Check('ck_webhook_subscriptions_owner', `num_nonnulls("owner_api_key_id", "owner_user_id") = 1`)
@Check('ck_webhook_subscriptions_status', `"status" IN ('enabled', 'disabled')`)
@Check(
  'ck_webhook_subscriptions_disabled',
  `("status" = 'disabled') = ("disabled_at" IS NOT NULL AND "disabled_reason" IN ('gone', 'failing'))`,
)
export class WebhookSubscriptionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The integration key that owns it (null when an admin owns it). */
  @Column({ type: 'uuid', nullable: true })
  ownerApiKeyId: string | null;

  @ManyToOne(() => ApiKeyEntity)
  @JoinColumn({ name: 'owner_api_key_id', foreignKeyConstraintName: 'fk_webhook_subscriptions_api_key' })
  ownerApiKey?: ApiKeyEntity;

  /** The admin who owns it (null when a key owns it). */
  @Column({ type: 'uuid', nullable: true })
  ownerUserId: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'owner_user_id', foreignKeyConstraintName: 'fk_webhook_subscriptions_user' })
  ownerUser?: UserEntity;

  /** The organization it was made for; null for the platform's (an admin's) or a key without one. */
  @Column({ type: 'uuid', nullable: true })
  organizationId: string | null;

  @ManyToOne(() => OrganizationEntity, { nullable: true })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_webhook_subscriptions_organization' })
  organization?: OrganizationEntity | null;

  @Column({ type: 'text' })
  url: string;

  @Column({ type: 'text', array: true })
  eventTypes: string[];

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** `whsec_` + base64 of 32 random bytes (the Standard Webhooks form). */
  @Column({ type: 'text' })
  secret: string;

  @Column({ type: 'text', default: 'enabled' })
  status: WebhookStatus;

  @Column({ type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  @Column({ type: 'text', nullable: true })
  disabledReason: WebhookDisabledReason | null;

  /** The first failed attempt since the last success; null while deliveries succeed. */
  @Column({ type: 'timestamptz', nullable: true })
  failingSince: Date | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
