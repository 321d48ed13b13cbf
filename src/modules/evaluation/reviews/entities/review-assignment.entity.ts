import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ApplicationEntity } from '../../../call/applications/entities/application.entity';
import { ExpertEntity } from '../../experts/entities/expert.entity';
import { PanelMemberEntity } from './panel-member.entity';
import { ReviewPanelEntity } from './review-panel.entity';

export const ASSIGNMENT_STATUSES = [
  'pending',
  'declared',
  'submitted',
  'conflicted',
  'declined',
  'cancelled',
] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];

/** numeric(4,1) comes back from pg as a string: a number in the code, null stays null. */
export const tenthNumber = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null || value === undefined ? value : Number(value)),
};

/** One panel member's review of one eligible application: the declaration, then the scores. */
@Entity('review_assignments')
@Index('uq_review_assignments_member_application', ['panelMemberId', 'applicationId'], { unique: true })
@Index('ix_review_assignments_expert', ['expertId', 'createdAt', 'id'])
@Index('ix_review_assignments_panel', ['panelId', 'applicationId'])
@Check(
  'ck_review_assignments_status',
  `"status" IN ('pending', 'declared', 'submitted', 'conflicted', 'declined', 'cancelled')`,
)
@Check(
  'ck_review_assignments_submitted',
  `"status" <> 'submitted' OR ("submitted_at" IS NOT NULL AND "total" IS NOT NULL)`,
)
export class ReviewAssignmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  panelId: string;

  @ManyToOne(() => ReviewPanelEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'panel_id', foreignKeyConstraintName: 'fk_review_assignments_panel' })
  panel?: ReviewPanelEntity;

  @Column({ type: 'uuid' })
  panelMemberId: string;

  @ManyToOne(() => PanelMemberEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'panel_member_id', foreignKeyConstraintName: 'fk_review_assignments_member' })
  panelMember?: PanelMemberEntity;

  @Column({ type: 'uuid' })
  expertId: string;

  @ManyToOne(() => ExpertEntity)
  @JoinColumn({ name: 'expert_id', foreignKeyConstraintName: 'fk_review_assignments_expert' })
  expert?: ExpertEntity;

  @Column({ type: 'uuid' })
  applicationId: string;

  @ManyToOne(() => ApplicationEntity)
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'fk_review_assignments_application' })
  application?: ApplicationEntity;

  @Column({ type: 'text' })
  status: AssignmentStatus;

  @Column({ type: 'timestamptz', nullable: true })
  declaredAt: Date | null;

  /** The expert's reason for a conflict or a decline, or the conflict the rules found. */
  @Column({ type: 'text', nullable: true })
  declarationReason: string | null;

  /** criterion key → score; partial while saved, complete once submitted. */
  @Column({ type: 'jsonb', nullable: true })
  scores: Record<string, number> | null;

  @Column({ type: 'jsonb', nullable: true })
  comments: Record<string, string> | null;

  /** The expert's total out of 100 (scoring.ts expertTotal), set at submission. */
  @Column({ type: 'numeric', precision: 4, scale: 1, nullable: true, transformer: tenthNumber })
  total: number | null;

  @Column({ type: 'timestamptz', nullable: true })
  savedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;
}
