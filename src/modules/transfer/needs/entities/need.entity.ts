import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '../../../../infra/database/transformers';
import { ChallengeEntity } from '../../../call/challenges/entities/challenge.entity';
import { OrganizationEntity } from '../../../platform/organizations/entities/organization.entity';
import { IndustryChainEntity } from '../../../platform/taxonomy/entities/industry-chain.entity';
import { UserEntity } from '../../../platform/users/entities/user.entity';
import { NEED_STATUSES } from '../needs-status';
import type { NeedStatus } from '../needs-status';

/** An indicator the diagnosis names; carried to the challenge list on promotion. */
export interface NeedIndicator {
  name: string;
  targetValue: string;
  unit: string;
  verificationMethod: string;
}

/**
 * An enterprise's need (产业需求) in the industry-demand library (TRANSFER.md, ADR 0058). The
 * confidential details sit in their own column that is never selected unless asked for.
 */
@Entity('needs')
@Index('ix_needs_created', ['createdAt', 'id'])
@Index('ix_needs_updated', ['updatedAt', 'id'])
@Index('ix_needs_enterprise', ['enterpriseOrganizationId'])
@Index('ix_needs_centre', ['centreOrganizationId'])
@Index('ix_needs_challenge', ['challengeId'])
@Check('ck_needs_budget', `"budget_min_fen" <= "budget_max_fen"`)
@Check('ck_needs_trl', `"trl_needed" IS NULL OR "trl_needed" BETWEEN 1 AND 9`)
export class NeedEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  enterpriseOrganizationId: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'enterprise_organization_id', foreignKeyConstraintName: 'fk_needs_enterprise' })
  enterprise?: OrganizationEntity;

  @Column({ type: 'uuid' })
  filedBy: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'filed_by', foreignKeyConstraintName: 'fk_needs_filed_by' })
  filer?: UserEntity;

  @Column({ type: 'text' })
  title: string;

  /** The problem statement everyone may read once the need is public. */
  @Column({ type: 'text' })
  publicSummary: string;

  /** The real specifications: the enterprise, the brokers in scope, admins, and undertakers only. */
  @Column({ type: 'text', select: false })
  confidentialDetails?: string;

  @Column({ type: 'text' })
  industryChainCode: string;

  @ManyToOne(() => IndustryChainEntity)
  @JoinColumn({ name: 'industry_chain_code', foreignKeyConstraintName: 'fk_needs_industry_chain' })
  industryChain?: IndustryChainEntity;

  /** The enterprise's region when it filed (what routing and the anonymous label use). */
  @Column({ type: 'varchar', length: 6 })
  regionCode: string;

  @Column({ type: 'text' })
  desiredOutcome: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  budgetMinFen: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  budgetMaxFen: number;

  @Column({ type: 'date', nullable: true })
  deadlineWish: string | null;

  /** The public sees "an enterprise in <region>, <chain>" instead of the organization. */
  @Column({ type: 'boolean', default: true })
  anonymous: boolean;

  @Column({ type: 'enum', enum: NEED_STATUSES, enumName: 'need_status' })
  status: NeedStatus;

  /** The status an expired need returns to when renewed. */
  @Column({ type: 'enum', enum: NEED_STATUSES, enumName: 'need_status', nullable: true })
  statusBeforeExpiry: NeedStatus | null;

  /** Why it was returned (or marked long-term). */
  @Column({ type: 'text', nullable: true })
  statusReason: string | null;

  /** The service centre routing chose (null when no centre exists). */
  @Column({ type: 'uuid', nullable: true })
  centreOrganizationId: string | null;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'centre_organization_id', foreignKeyConstraintName: 'fk_needs_centre' })
  centre?: OrganizationEntity | null;

  @Column({ type: 'uuid', nullable: true })
  brokerUserId: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'broker_user_id', foreignKeyConstraintName: 'fk_needs_broker' })
  broker?: UserEntity | null;

  @Column({ type: 'timestamptz', nullable: true })
  claimedAt: Date | null;

  /** The diagnosis: what the real technical problem is. */
  @Column({ type: 'text', nullable: true })
  diagnosisProblem: string | null;

  @Column({ type: 'smallint', nullable: true })
  trlNeeded: number | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  indicators: NeedIndicator[];

  @Column({ type: 'timestamptz', nullable: true })
  diagnosedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  refinedAt: Date | null;

  /** The draft challenge list made from it (promotion). */
  @Column({ type: 'uuid', nullable: true })
  challengeId: string | null;

  @ManyToOne(() => ChallengeEntity)
  @JoinColumn({ name: 'challenge_id', foreignKeyConstraintName: 'fk_needs_challenge' })
  challenge?: ChallengeEntity | null;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
