import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { UserEntity } from '../../../platform/users/entities/user.entity';

/**
 * queued: waiting for its send job; sending: claimed by a job run (`claimedAt`), SMTP in flight;
 * sent; failed: gave up (a permanent SMTP refusal or the last retry); skipped: no SMTP configured.
 */
export const MAIL_STATUSES = ['queued', 'sending', 'sent', 'failed', 'skipped'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

/**
 * One e-mail to one user (or, for account mails, one address) about one domain event: the truth of what is (to be) sent, its rendered
 * subject and body, and how sending went. At most one per (event, user), so a redelivered event
 * never mails twice; the BullMQ send job only carries its id (docs/adr/0031).
 */
@Entity('mail_messages')
@Unique('uq_mail_messages_event_user', ['eventId', 'userId'])
@Index('uq_mail_messages_event_address', ['eventId'], { unique: true, where: '"user_id" IS NULL' })
@Index('ix_mail_messages_unsent', ['createdAt'], { where: `status IN ('queued', 'sending')` })
// What the retention job archives (docs/adr/0068).
@Index('ix_mail_messages_settled', ['updatedAt'], { where: `status NOT IN ('queued', 'sending')` })
@Check('ck_mail_messages_status', `"status" IN ('queued', 'sending', 'sent', 'failed', 'skipped')`)
export class MailMessageEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The outbox event the mail tells of. */
  @Column({ type: 'uuid' })
  eventId: string;

  /** The recipient; null for a mail to an address that is no user yet (an invitation, ADR 0045). */
  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_mail_messages_user' })
  user?: UserEntity;

  /** The event type, e.g. `application.formal_checked`. */
  @Column({ type: 'text' })
  kind: string;

  /** The user's address when the mail was made. */
  @Column({ type: 'text' })
  toAddress: string;

  /** The language it was written in: `zh-CN` or `en`. */
  @Column({ type: 'text' })
  locale: string;

  @Column({ type: 'text' })
  subject: string;

  @Column({ type: 'text' })
  bodyText: string;

  @Column({ type: 'text' })
  status: MailStatus;

  /** SMTP attempts made (claims of the row by a job run). */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  /** When a job run claimed it for sending (the lease of a `sending` row starts here). */
  @Column({ type: 'timestamptz', nullable: true })
  claimedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
