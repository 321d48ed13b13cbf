import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '../../../../infra/database/transformers';
import { OrganizationEntity } from '../../../platform/organizations/entities/organization.entity';
import type { OrganizationType } from '../../../platform/organizations/entities/organization.entity';
import { ProgramEntity } from '../../programs/entities/program.entity';
import { CategoryEntity } from '../../../platform/taxonomy/entities/category.entity';
import { IndustryChainEntity } from '../../../platform/taxonomy/entities/industry-chain.entity';
import { UserEntity } from '../../../platform/users/entities/user.entity';
import { CHALLENGE_STATUSES } from '../challenge-status';
import type { ChallengeStatus } from '../challenge-status';

export const SELECTION_MODES = ['single', 'horse_race'] as const;
export type SelectionMode = (typeof SELECTION_MODES)[number];

export const OUTCOME_KINDS = [
  'prototype',
  'patent',
  'standard',
  'product',
  'software',
  'paper',
  'demonstration',
  'other',
] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

export interface ExpectedOutcome {
  kind: OutcomeKind;
  description: string;
}

/** Who may apply: checked by the application's formal check (issue "teams and bids"). */
export interface Eligibility {
  /** Empty: every organization type. */
  allowedOrganizationTypes: OrganizationType[];
  /** Administrative-division prefixes of the lead organization: 360000 (province), 360100 (city); empty: anywhere. */
  regionCodes: string[];
  consortiumAllowed: boolean;
  /** Overrides the program's maxActiveListsPerLeader for this challenge; null: the program's. */
  leaderConcurrencyLimit: number | null;
}

/**
 * A challenge (榜单). The confidential details live in `challenge_confidential`, never here, so
 * that no query of this table can put them in a public answer.
 */
@Entity('challenges')
@Index('uq_challenges_code', ['code'], { unique: true })
@Index('ix_challenges_issuer', ['issuerOrganizationId', 'createdAt', 'id'])
@Index('ix_challenges_created', ['createdAt', 'id'])
@Index('ix_challenges_published', ['publishedAt', 'id'])
@Index('ix_challenges_closes', ['closesAt', 'id'])
@Index('ix_challenges_total', ['totalFen', 'id'])
@Index('ix_challenges_status', ['status', 'closesAt', 'id'])
@Index('ix_challenges_program', ['programId', 'publishedAt', 'id'])
@Index('ix_challenges_category', ['categoryCode', 'publishedAt', 'id'])
@Index('ix_challenges_industry_chain', ['industryChainCode', 'publishedAt', 'id'])
@Index('ix_challenges_need', ['needId'])
// Operator classes and expression indexes TypeORM cannot describe: kept by the migration (ADR 0018).
@Index('ix_challenges_region', { synchronize: false })
@Index('ix_challenges_search_trgm', { synchronize: false })
@Index('ix_challenges_search_bigrams', { synchronize: false })
@Check(
  'ck_challenges_amounts',
  `"fiscal_fen" >= 0 AND "cofunding_fen" >= 0 AND "total_fen" = "fiscal_fen" + "cofunding_fen" AND "total_fen" > 0`,
)
@Check('ck_challenges_window', `"closes_at" > "opens_at"`)
@Check('ck_challenges_duration', `"duration_months" BETWEEN 1 AND 120`)
@Check(
  'ck_challenges_selection',
  `("selection_mode" = 'single' AND "team_count" = 1) OR ("selection_mode" = 'horse_race' AND "team_count" >= 2)`,
)
@Check('ck_challenges_published', `("code" IS NULL) = ("published_at" IS NULL)`)
export class ChallengeEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  programId: string;

  @ManyToOne(() => ProgramEntity)
  @JoinColumn({ name: 'program_id', foreignKeyConstraintName: 'fk_challenges_program' })
  program?: ProgramEntity;

  /** JB-<year>-<seq>, assigned at approval. */
  @Column({ type: 'text', nullable: true })
  code: string | null;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  categoryCode: string;

  @ManyToOne(() => CategoryEntity, { onUpdate: 'CASCADE' })
  @JoinColumn({ name: 'category_code', foreignKeyConstraintName: 'fk_challenges_category' })
  category?: CategoryEntity;

  @Column({ type: 'text' })
  industryChainCode: string;

  @ManyToOne(() => IndustryChainEntity, { onUpdate: 'CASCADE' })
  @JoinColumn({ name: 'industry_chain_code', foreignKeyConstraintName: 'fk_challenges_industry_chain' })
  industryChain?: IndustryChainEntity;

  @Column({ type: 'uuid' })
  issuerOrganizationId: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'issuer_organization_id', foreignKeyConstraintName: 'fk_challenges_issuer' })
  issuerOrganization?: OrganizationEntity;

  /** The issuing organization's region when the challenge was drafted (filterable by prefix). */
  @Column({ type: 'varchar', length: 6 })
  regionCode: string;

  @Column({ type: 'text' })
  background: string;

  @Column({ type: 'text' })
  publicSummary: string;

  @Column({ type: 'jsonb' })
  expectedOutcomes: ExpectedOutcome[];

  @Column({ type: 'bigint', transformer: bigintNumber })
  totalFen: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  fiscalFen: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  cofundingFen: number;

  @Column({ type: 'integer' })
  durationMonths: number;

  @Column({ type: 'timestamptz' })
  opensAt: Date;

  @Column({ type: 'timestamptz' })
  closesAt: Date;

  @Column({ type: 'jsonb' })
  eligibility: Eligibility;

  @Column({ type: 'text' })
  selectionMode: SelectionMode;

  @Column({ type: 'integer' })
  teamCount: number;

  @Column({ type: 'enum', enum: CHALLENGE_STATUSES, enumName: 'challenge_status' })
  status: ChallengeStatus;

  /** Why it was last rejected or cancelled. */
  @Column({ type: 'text', nullable: true })
  statusReason: string | null;

  /** Title, public summary and indicator names: what `q` searches (never the confidential part). */
  @Column({ type: 'text', select: false })
  searchText: string;

  /** jb_bigrams(search_text), kept by a trigger (ADR 0052): what a 2-character term checks. */
  @Column({ type: 'text', array: true, select: false, insert: false, update: false })
  searchBigrams?: string[];

  @Column({ type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  /** The need (transfer/needs) this draft was promoted from; null for a list drafted directly. */
  @Column({ type: 'uuid', nullable: true })
  needId: string | null;

  @Column({ type: 'uuid' })
  createdBy: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_challenges_created_by' })
  creator?: UserEntity;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
