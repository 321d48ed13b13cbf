import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

export const DEADLINE_STATUSES = ['pending', 'done', 'cancelled'] as const;
export type DeadlineStatus = (typeof DEADLINE_STATUSES)[number];

/**
 * The source of truth of a scheduled deadline; the delayed BullMQ job is only its alarm clock,
 * re-created from here when Redis lost it. Written in the transaction of the change that sets it.
 */
@Entity('deadlines')
@Unique('uq_deadlines_entity_kind', ['entityType', 'entityId', 'kind'])
@Index('ix_deadlines_pending_due', ['dueAt'], { where: `status = 'pending'` })
export class DeadlineEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** e.g. `challenge`. */
  @Column({ type: 'text' })
  entityType: string;

  @Column({ type: 'text' })
  entityId: string;

  /** e.g. `challenge.close`: names the `@OnDeadline` handler. */
  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'timestamptz' })
  dueAt: Date;

  @Column({ type: 'text' })
  status: DeadlineStatus;

  /** Failed runs of the handler at this due time (ADR 0053); 0 once it ran or was rescheduled. */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** When a row whose handler failed is tried again (backoff); null when it has not failed. */
  @Column({ type: 'timestamptz', nullable: true })
  retryAt: Date | null;

  /** The message of the last failure, for an operator. */
  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  /** Bumped by every change (reschedule, cancel, done). */
  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
