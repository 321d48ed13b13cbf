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

  /** Bumped by every change (reschedule, cancel, done). */
  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
