import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '../../../../infra/database/transformers';
import { ChallengeEntity } from '../../../call/challenges/entities/challenge.entity';
import { ProjectMilestoneEntity } from '../../projects/entities/project-parts.entity';
import { ProjectEntity } from '../../projects/entities/project.entity';
import { UserEntity } from '../../../platform/users/entities/user.entity';

export const PAYERS = ['fiscal', 'issuer'] as const;
export type Payer = (typeof PAYERS)[number];

export const TRANCHE_KINDS = ['first', 'milestone', 'final'] as const;
export type TrancheKind = (typeof TRANCHE_KINDS)[number];

export const PAYMENT_STATUSES = ['scheduled', 'approved', 'paid', 'cancelled'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * A tranche (拨付批次) of a project for one payer: planned `scheduled` at activation, then
 * `approved` → `paid`, or `cancelled` (ADR 0028). Its project, payer, kind, milestone and amount
 * never change, it is never deleted, and the paid sum per project and payer never exceeds the task
 * book's amount: the `payments_guard` trigger refuses anything else.
 */
@Entity('payments')
@Index('uq_payments_sequence', ['projectId', 'payer', 'sequence'], { unique: true })
@Index('ix_payments_challenge', ['challengeId'])
@Index('ix_payments_milestone', ['milestoneId'])
@Check('ck_payments_payer', `"payer" IN ('fiscal', 'issuer')`)
@Check('ck_payments_kind', `"kind" IN ('first', 'milestone', 'final')`)
@Check('ck_payments_status', `"status" IN ('scheduled', 'approved', 'paid', 'cancelled')`)
@Check('ck_payments_amount', `"amount_fen" > 0`)
@Check('ck_payments_sequence', `"sequence" >= 1`)
@Check('ck_payments_milestone', `("kind" = 'milestone') = ("milestone_id" IS NOT NULL)`)
export class PaymentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  projectId: string;

  @ManyToOne(() => ProjectEntity)
  @JoinColumn({ name: 'project_id', foreignKeyConstraintName: 'fk_payments_project' })
  project?: ProjectEntity;

  @Column({ type: 'uuid' })
  challengeId: string;

  @ManyToOne(() => ChallengeEntity)
  @JoinColumn({ name: 'challenge_id', foreignKeyConstraintName: 'fk_payments_challenge' })
  challenge?: ChallengeEntity;

  @Column({ type: 'text' })
  payer: Payer;

  @Column({ type: 'text' })
  kind: TrancheKind;

  /** The milestone a `milestone` tranche pays; null for `first` and `final`. */
  @Column({ type: 'uuid', nullable: true })
  milestoneId: string | null;

  @ManyToOne(() => ProjectMilestoneEntity)
  @JoinColumn({ name: 'milestone_id', foreignKeyConstraintName: 'fk_payments_milestone' })
  milestone?: ProjectMilestoneEntity;

  /** Order of the tranche among the project's tranches of this payer, from 1. */
  @Column({ type: 'integer' })
  sequence: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  amountFen: number;

  @Column({ type: 'text', default: 'scheduled' })
  status: PaymentStatus;

  @Column({ type: 'timestamptz', nullable: true })
  approvedAt: Date | null;

  /** Null when approved by the system (the first tranche at activation, the final at acceptance). */
  @Column({ type: 'uuid', nullable: true })
  approvedBy: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'approved_by', foreignKeyConstraintName: 'fk_payments_approved_by' })
  approver?: UserEntity;

  @Column({ type: 'timestamptz', nullable: true })
  paidAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  paidBy: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'paid_by', foreignKeyConstraintName: 'fk_payments_paid_by' })
  payerUser?: UserEntity;

  @Column({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  @Column({ type: 'text', nullable: true })
  cancelReason: string | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
