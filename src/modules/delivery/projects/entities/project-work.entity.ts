import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { JsonObject, JsonValue } from '../../../../common/json';
import { ChallengeEntity } from '../../../call/challenges/entities/challenge.entity';
import { UserEntity } from '../../../platform/users/entities/user.entity';
import { ProjectMilestoneEntity } from './project-parts.entity';
import { ProjectEntity } from './project.entity';

/** One progress report of a milestone (attempt 1, then one per allowed resubmission). */
@Entity('milestone_reports')
@Index('uq_milestone_reports_attempt', ['milestoneId', 'attempt'], { unique: true })
@Check('ck_milestone_reports_attempt', `"attempt" >= 1`)
export class MilestoneReportEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  milestoneId: string;

  @ManyToOne(() => ProjectMilestoneEntity)
  @JoinColumn({ name: 'milestone_id', foreignKeyConstraintName: 'fk_milestone_reports_milestone' })
  milestone?: ProjectMilestoneEntity;

  @Column({ type: 'uuid' })
  projectId: string;

  @ManyToOne(() => ProjectEntity)
  @JoinColumn({ name: 'project_id', foreignKeyConstraintName: 'fk_milestone_reports_project' })
  project?: ProjectEntity;

  @Column({ type: 'integer' })
  attempt: number;

  @Column({ type: 'text' })
  summary: string;

  /** `[{ indicatorId, progress }]`, one per task-book indicator reported on. */
  @Column({ type: 'jsonb' })
  indicatorProgress: JsonValue;

  /** Attachment ids of the lead organization (evidence). */
  @Column({ type: 'jsonb' })
  evidenceAttachmentIds: JsonValue;

  @Column({ type: 'uuid' })
  submittedBy: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'submitted_by', foreignKeyConstraintName: 'fk_milestone_reports_submitted_by' })
  submitter?: UserEntity;

  @Column({ type: 'timestamptz' })
  submittedAt: Date;
}

export const MILESTONE_OUTCOMES = ['passed', 'conditionally_passed', 'failed'] as const;
export type MilestoneOutcome = (typeof MILESTONE_OUTCOMES)[number];

/** The admin's assessment of one report, with the issuer's opinion recorded. */
@Entity('milestone_assessments')
@Index('uq_milestone_assessments_report', ['reportId'], { unique: true })
@Index('ix_milestone_assessments_milestone', ['milestoneId'])
@Check('ck_milestone_assessments_outcome', `"outcome" IN ('passed', 'conditionally_passed', 'failed')`)
export class MilestoneAssessmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  milestoneId: string;

  @ManyToOne(() => ProjectMilestoneEntity)
  @JoinColumn({ name: 'milestone_id', foreignKeyConstraintName: 'fk_milestone_assessments_milestone' })
  milestone?: ProjectMilestoneEntity;

  @Column({ type: 'uuid' })
  reportId: string;

  @ManyToOne(() => MilestoneReportEntity)
  @JoinColumn({ name: 'report_id', foreignKeyConstraintName: 'fk_milestone_assessments_report' })
  report?: MilestoneReportEntity;

  @Column({ type: 'text' })
  outcome: MilestoneOutcome;

  @Column({ type: 'text' })
  opinion: string;

  @Column({ type: 'text' })
  issuerOpinion: string;

  @Column({ type: 'uuid' })
  assessedBy: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'assessed_by', foreignKeyConstraintName: 'fk_milestone_assessments_assessed_by' })
  assessor?: UserEntity;

  @Column({ type: 'timestamptz' })
  assessedAt: Date;
}

export const CHANGE_REQUEST_KINDS = ['extension', 'member_change', 'indicator_change'] as const;
export type ChangeRequestKind = (typeof CHANGE_REQUEST_KINDS)[number];
export const CHANGE_REQUEST_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type ChangeRequestStatus = (typeof CHANGE_REQUEST_STATUSES)[number];

/** A change of the task book asked by the applicant; approval makes a new task book version. */
@Entity('project_change_requests')
@Index('ix_project_change_requests_project', ['projectId', 'createdAt'])
@Check('ck_project_change_requests_kind', `"kind" IN ('extension', 'member_change', 'indicator_change')`)
@Check('ck_project_change_requests_status', `"status" IN ('pending', 'approved', 'rejected')`)
@Check('ck_project_change_requests_extension', `("kind" = 'extension') = ("milestone_id" IS NOT NULL)`)
export class ProjectChangeRequestEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  projectId: string;

  @ManyToOne(() => ProjectEntity)
  @JoinColumn({ name: 'project_id', foreignKeyConstraintName: 'fk_project_change_requests_project' })
  project?: ProjectEntity;

  @Column({ type: 'text' })
  kind: ChangeRequestKind;

  /** The milestone an extension moves (null for the other kinds). */
  @Column({ type: 'uuid', nullable: true })
  milestoneId: string | null;

  @ManyToOne(() => ProjectMilestoneEntity)
  @JoinColumn({ name: 'milestone_id', foreignKeyConstraintName: 'fk_project_change_requests_milestone' })
  milestone?: ProjectMilestoneEntity;

  /** extension `{ milestoneId, newDueAt }`, member_change `{ members }`, indicator_change `{ indicatorId, committedValue }`. */
  @Column({ type: 'jsonb' })
  payload: JsonObject;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'text' })
  status: ChangeRequestStatus;

  @Column({ type: 'uuid' })
  requestedBy: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'requested_by', foreignKeyConstraintName: 'fk_project_change_requests_requested_by' })
  requester?: UserEntity;

  @Column({ type: 'text', nullable: true })
  decisionReason: string | null;

  @Column({ type: 'text', nullable: true })
  issuerOpinion: string | null;

  @Column({ type: 'uuid', nullable: true })
  decidedBy: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'decided_by', foreignKeyConstraintName: 'fk_project_change_requests_decided_by' })
  decider?: UserEntity;

  @Column({ type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  /** The task book version an approval made. */
  @Column({ type: 'integer', nullable: true })
  taskBookVersion: number | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}

/** A horse-race stage gate: one per challenge and milestone position, with its decisions. */
@Entity('stage_gates')
@Index('uq_stage_gates_position', ['challengeId', 'milestonePosition'], { unique: true })
@Check('ck_stage_gates_milestone_position', `"milestone_position" >= 0`)
export class StageGateEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  challengeId: string;

  @ManyToOne(() => ChallengeEntity)
  @JoinColumn({ name: 'challenge_id', foreignKeyConstraintName: 'fk_stage_gates_challenge' })
  challenge?: ChallengeEntity;

  @Column({ type: 'integer' })
  milestonePosition: number;

  /** `[{ projectId, outcome, reason, releasedFiscalFen?, releasedIssuerFen? }]`. */
  @Column({ type: 'jsonb' })
  decisions: JsonValue;

  @Column({ type: 'uuid' })
  decidedBy: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'decided_by', foreignKeyConstraintName: 'fk_stage_gates_decided_by' })
  decider?: UserEntity;

  @Column({ type: 'timestamptz' })
  decidedAt: Date;
}
