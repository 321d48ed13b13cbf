import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ChallengeEntity } from '../../../call/challenges/entities/challenge.entity';
import { UserEntity } from '../../../platform/users/entities/user.entity';
import { SelectionEntity } from './selection.entity';

export const OBJECTION_STATUSES = ['lodged', 'under_investigation', 'upheld', 'dismissed'] as const;
export type ObjectionStatus = (typeof OBJECTION_STATUSES)[number];

/** An objection (异议) to a selection during its publicity period (ADR 0026). */
@Entity('objections')
@Index('ix_objections_selection', ['selectionId', 'status'])
@Check('ck_objections_status', `"status" IN ('lodged', 'under_investigation', 'upheld', 'dismissed')`)
export class ObjectionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  challengeId: string;

  @ManyToOne(() => ChallengeEntity)
  @JoinColumn({ name: 'challenge_id', foreignKeyConstraintName: 'fk_objections_challenge' })
  challenge?: ChallengeEntity;

  @Column({ type: 'uuid' })
  selectionId: string;

  @ManyToOne(() => SelectionEntity)
  @JoinColumn({ name: 'selection_id', foreignKeyConstraintName: 'fk_objections_selection' })
  selection?: SelectionEntity;

  @Column({ type: 'uuid' })
  objectorUserId: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'objector_user_id', foreignKeyConstraintName: 'fk_objections_objector' })
  objector?: UserEntity;

  @Column({ type: 'text' })
  grounds: string;

  @Column({ type: 'text' })
  status: ObjectionStatus;

  @Column({ type: 'text', nullable: true })
  decisionReason: string | null;

  @Column({ type: 'uuid', nullable: true })
  decidedBy: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'decided_by', foreignKeyConstraintName: 'fk_objections_decided_by' })
  decider?: UserEntity;

  @Column({ type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
