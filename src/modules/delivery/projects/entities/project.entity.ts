import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { JsonObject } from '../../../../common/json';
import { bigintNumber } from '../../../../infra/database/transformers';
import { ApplicationEntity } from '../../../call/applications/entities/application.entity';
import { ChallengeEntity } from '../../../call/challenges/entities/challenge.entity';
import { OrganizationEntity } from '../../../platform/organizations/entities/organization.entity';
import { ProgramEntity } from '../../../call/programs/entities/program.entity';

export const PROJECT_STATUSES = [
  'pending_signature',
  'active',
  'acceptance_requested',
  'accepted',
  'failed',
  'suspended',
  'terminated',
] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/**
 * A project (立项) per selected application, created by the award in `pending_signature` with the task book
 * (v1) built from the application; `active` once its three parties signed (ADR 0027). One per application
 * (uq_projects_application). Amounts per payer: `fiscalFen` (财政) and `issuerFen` (发榜方配套).
 */
@Entity('projects')
@Index('uq_projects_application', ['applicationId'], { unique: true })
@Index('ix_projects_challenge', ['challengeId'])
@Index('ix_projects_issuer_organization', ['issuerOrganizationId'])
@Index('ix_projects_lead_organization', ['leadOrganizationId'])
@Check('ck_projects_amounts', `"fiscal_fen" >= 0 AND "issuer_fen" >= 0`)
@Check('ck_projects_suspended_from', `("status" = 'suspended') = ("suspended_from" IS NOT NULL)`)
@Check(
  'ck_projects_status',
  `"status" IN ('pending_signature', 'active', 'acceptance_requested', 'accepted', 'failed', 'suspended', 'terminated')`,
)
export class ProjectEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  challengeId: string;

  @ManyToOne(() => ChallengeEntity)
  @JoinColumn({ name: 'challenge_id', foreignKeyConstraintName: 'fk_projects_challenge' })
  challenge?: ChallengeEntity;

  @Column({ type: 'uuid' })
  applicationId: string;

  @ManyToOne(() => ApplicationEntity)
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'fk_projects_application' })
  application?: ApplicationEntity;

  @Column({ type: 'uuid' })
  programId: string;

  @ManyToOne(() => ProgramEntity)
  @JoinColumn({ name: 'program_id', foreignKeyConstraintName: 'fk_projects_program' })
  program?: ProgramEntity;

  @Column({ type: 'uuid' })
  issuerOrganizationId: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'issuer_organization_id', foreignKeyConstraintName: 'fk_projects_issuer_organization' })
  issuerOrganization?: OrganizationEntity;

  @Column({ type: 'uuid' })
  leadOrganizationId: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'lead_organization_id', foreignKeyConstraintName: 'fk_projects_lead_organization' })
  leadOrganization?: OrganizationEntity;

  @Column({ type: 'text' })
  status: ProjectStatus;

  @Column({ type: 'text', nullable: true })
  statusReason: string | null;

  /** While `suspended`: the status a resumption returns to. */
  @Column({ type: 'text', nullable: true })
  suspendedFrom: ProjectStatus | null;

  @Column({ type: 'jsonb' })
  taskBook: JsonObject;

  /** The current task book's version (task_book_versions keeps every one). */
  @Column({ type: 'integer', default: 1 })
  taskBookVersion: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  fiscalFen: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  issuerFen: number;

  @Column({ type: 'timestamptz', nullable: true })
  activatedAt: Date | null;

  /** When it reached accepted, failed or terminated. */
  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
