import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import type { JsonObject } from '../../../../common/json';
import { OrganizationEntity } from '../../../platform/organizations/entities/organization.entity';
import { UserEntity } from '../../../platform/users/entities/user.entity';
import { ProjectEntity } from './project.entity';

export const SIGNING_PARTIES = ['issuer', 'applicant', 'admin'] as const;
export type SigningParty = (typeof SIGNING_PARTIES)[number];

/** One party's signature of the task book; one per party (signing twice changes nothing). */
@Entity('project_signatures')
@Check('ck_project_signatures_party', `"party" IN ('issuer', 'applicant', 'admin')`)
export class ProjectSignatureEntity {
  @PrimaryColumn({ type: 'uuid' })
  projectId: string;

  @PrimaryColumn({ type: 'text' })
  party: SigningParty;

  @ManyToOne(() => ProjectEntity)
  @JoinColumn({ name: 'project_id', foreignKeyConstraintName: 'fk_project_signatures_project' })
  project?: ProjectEntity;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_project_signatures_user' })
  user?: UserEntity;

  @Column({ type: 'uuid', nullable: true })
  organizationId: string | null;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_project_signatures_organization' })
  organization?: OrganizationEntity;

  /** The task book version signed. */
  @Column({ type: 'integer' })
  taskBookVersion: number;

  @Column({ type: 'timestamptz' })
  signedAt: Date;
}

/** A version of a task book, whole: v1 at award, then one per approved change request. */
@Entity('task_book_versions')
@Check('ck_task_book_versions_version', `"version" >= 1`)
export class TaskBookVersionEntity {
  @PrimaryColumn({ type: 'uuid' })
  projectId: string;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  @ManyToOne(() => ProjectEntity)
  @JoinColumn({ name: 'project_id', foreignKeyConstraintName: 'fk_task_book_versions_project' })
  project?: ProjectEntity;

  @Column({ type: 'jsonb' })
  taskBook: JsonObject;

  /** `award`, or the change request's kind and reason. */
  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'uuid', nullable: true })
  changeRequestId: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_task_book_versions_created_by' })
  creator?: UserEntity;

  @Column({ type: 'timestamptz' })
  createdAt: Date;
}

export const MILESTONE_STATUSES = [
  'pending',
  'submitted',
  'passed',
  'conditionally_passed',
  'failed',
] as const;
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number];

/** A milestone of a project's task book; `dueAt` is set at activation (start + dueMonth months). */
@Entity('project_milestones')
@Index('uq_project_milestones_position', ['projectId', 'position'], { unique: true })
@Check(
  'ck_project_milestones_status',
  `"status" IN ('pending', 'submitted', 'passed', 'conditionally_passed', 'failed')`,
)
@Check('ck_project_milestones_share', `"share_percent" BETWEEN 1 AND 100`)
@Check('ck_project_milestones_due_month', `"due_month" >= 1`)
export class ProjectMilestoneEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  projectId: string;

  @ManyToOne(() => ProjectEntity)
  @JoinColumn({ name: 'project_id', foreignKeyConstraintName: 'fk_project_milestones_project' })
  project?: ProjectEntity;

  @Column({ type: 'integer' })
  position: number;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  deliverables: string;

  @Column({ type: 'integer' })
  dueMonth: number;

  @Column({ type: 'integer' })
  sharePercent: number;

  @Column({ type: 'timestamptz', nullable: true })
  dueAt: Date | null;

  @Column({ type: 'text', default: 'pending' })
  status: MilestoneStatus;

  /** Set by the overdue deadline job when the due date passed without an accepted report. */
  @Column({ type: 'timestamptz', nullable: true })
  overdueAt: Date | null;

  /** Progress reports submitted so far (a failed milestone may be resubmitted per the program). */
  @Column({ type: 'integer', default: 0 })
  reportsSubmitted: number;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
