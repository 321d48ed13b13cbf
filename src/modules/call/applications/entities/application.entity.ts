import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '../../../../infra/database/transformers';
import { ChallengeEntity } from '../../challenges/entities/challenge.entity';
import { OrganizationEntity } from '../../../platform/organizations/entities/organization.entity';
import { TeamEntity } from '../../teams/entities/team.entity';
import { UserEntity } from '../../../platform/users/entities/user.entity';
import { APPLICATION_STATUSES } from '../application-status';
import type { ApplicationStatus } from '../application-status';
import type { RuleResult } from '../eligibility-rules';

/** An application (揭榜申请) of one team on one challenge. */
@Entity('applications')
@Index('uq_applications_challenge_team', ['challengeId', 'teamId'], { unique: true })
@Index('ix_applications_challenge', ['challengeId', 'status', 'submittedAt', 'id'])
@Index('ix_applications_lead_organization', ['leadOrganizationId', 'createdAt', 'id'])
@Index('ix_applications_leader', ['leaderUserId', 'status'])
@Index('ix_applications_team', ['teamId', 'status'])
@Check('ck_applications_requested', `"requested_fiscal_fen" >= 0`)
@Check('ck_applications_submitted', `"status" IN ('draft', 'withdrawn') OR "submitted_at" IS NOT NULL`)
export class ApplicationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  challengeId: string;

  @ManyToOne(() => ChallengeEntity)
  @JoinColumn({ name: 'challenge_id', foreignKeyConstraintName: 'fk_applications_challenge' })
  challenge?: ChallengeEntity;

  @Column({ type: 'uuid' })
  teamId: string;

  @ManyToOne(() => TeamEntity)
  @JoinColumn({ name: 'team_id', foreignKeyConstraintName: 'fk_applications_team' })
  team?: TeamEntity;

  /** The team's lead organization: it owns the application. */
  @Column({ type: 'uuid' })
  leadOrganizationId: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'lead_organization_id', foreignKeyConstraintName: 'fk_applications_lead_organization' })
  leadOrganization?: OrganizationEntity;

  /** The team's leader when the application was last saved or submitted (the leader limit counts it). */
  @Column({ type: 'uuid' })
  leaderUserId: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'leader_user_id', foreignKeyConstraintName: 'fk_applications_leader' })
  leader?: UserEntity;

  @Column({ type: 'enum', enum: APPLICATION_STATUSES, enumName: 'application_status' })
  status: ApplicationStatus;

  /** The formal check's reason (ineligible, returned). */
  @Column({ type: 'text', nullable: true })
  statusReason: string | null;

  @Column({ type: 'text' })
  technicalPlan: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  requestedFiscalFen: number;

  /** When the leader accepted the responsibility pledge (军令状); cleared by any later edit. */
  @Column({ type: 'timestamptz', nullable: true })
  pledgeAcceptedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  pledgeAcceptedBy: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'pledge_accepted_by', foreignKeyConstraintName: 'fk_applications_pledge_accepted_by' })
  pledgeAcceptor?: UserEntity;

  /** The eligibility rules as evaluated at submission and again at the formal check. */
  @Column({ type: 'jsonb', nullable: true })
  ruleResults: RuleResult[] | null;

  @Column({ type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  formalCheckedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  formalCheckedBy: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'formal_checked_by', foreignKeyConstraintName: 'fk_applications_formal_checked_by' })
  formalChecker?: UserEntity;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'uuid' })
  createdBy: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_applications_created_by' })
  creator?: UserEntity;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
