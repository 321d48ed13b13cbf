import { bigintNumber } from '../../../../infra/database/transformers';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { IndustryChainEntity } from '../../../platform/taxonomy/entities/industry-chain.entity';
import { OrganizationEntity } from '../../../platform/organizations/entities/organization.entity';
import type { IpStatus, ResultSource, ResultType, TransferMode } from '../results.constants';
import type { ResultStatus } from '../results-status';

/** An IP record of a result (a patent, a software copyright, a plant-variety right…). */
export interface IpRecord {
  kind: string;
  number: string;
  holderOrganizationIds: string[];
  status: IpStatus;
}

/** A holder (成果完成单位/权利人) as the result names it. */
export interface ResultHolder {
  name: string;
  organizationId: string | null;
}

/** An indicator the result came from, with the acceptance panel's verdicts counted. */
export interface ResultIndicator {
  indicatorId: string;
  name: string;
  unit: string;
  targetValue: string;
  measuredValue: string | null;
  met: number;
  partiallyMet: number;
  notMet: number;
}

/**
 * A result of the results library (成果库, docs/adr/0059): entered by an organization or drafted
 * from a passed acceptance; vetted by a broker or an admin before the public sees it. The
 * confidential details live in result_confidential.
 */
@Entity('results')
@Index('ix_results_status', ['status', 'publishedAt', 'id'])
@Index('ix_results_updated', ['updatedAt', 'id'])
@Index('ix_results_project', ['projectId'])
@Index('ix_results_organization', ['organizationId', 'createdAt', 'id'])
@Index('ix_results_industry_chain', ['industryChainCode', 'publishedAt', 'id'])
@Index('uq_results_acceptance', ['acceptanceId'], { unique: true, where: '"acceptance_id" IS NOT NULL' })
@Check('ck_results_status', `"status" IN ('draft', 'submitted', 'published', 'returned', 'withdrawn')`)
@Check(
  'ck_results_type',
  `"type" IN ('patent', 'software', 'prototype', 'process', 'standard', 'new_variety', 'other')`,
)
@Check('ck_results_source', `"source" IN ('acceptance', 'submission')`)
@Check('ck_results_trl_claimed', `"trl_claimed" IS NULL OR "trl_claimed" BETWEEN 1 AND 9`)
@Check('ck_results_verified_trl', `"verified_trl" IS NULL OR "verified_trl" BETWEEN 1 AND 9`)
@Check('ck_results_price', `"price_guidance_fen" IS NULL OR "price_guidance_fen" >= 0`)
export class ResultEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  status: ResultStatus;

  @Column({ type: 'text' })
  source: ResultSource;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', name: 'abstract' })
  abstract: string;

  @Column({ type: 'text' })
  type: ResultType;

  @Column({ type: 'text' })
  industryChainCode: string;

  @ManyToOne(() => IndustryChainEntity, { onUpdate: 'CASCADE' })
  @JoinColumn({ name: 'industry_chain_code', foreignKeyConstraintName: 'fk_results_industry_chain' })
  industryChain?: IndustryChainEntity;

  @Column({ type: 'jsonb' })
  keywords: string[];

  /** The TRL its holder claims (GB/T 22900, 1–9); null on a draft from an acceptance until set. */
  @Column({ type: 'integer', nullable: true })
  trlClaimed: number | null;

  /** The acceptance panel's TRL verdict; set only from an acceptance, never by an edit. */
  @Column({ type: 'integer', nullable: true })
  verifiedTrl: number | null;

  @Column({ type: 'jsonb' })
  ipRecords: IpRecord[];

  @Column({ type: 'jsonb' })
  holders: ResultHolder[];

  @Column({ type: 'jsonb' })
  transferModes: TransferMode[];

  @Column({ type: 'bigint', nullable: true, transformer: bigintNumber })
  priceGuidanceFen: number | null;

  /** The holder organization: it edits, submits, withdraws and files the utilisation reports. */
  @Column({ type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_results_organization' })
  organization?: OrganizationEntity;

  @Column({ type: 'uuid', nullable: true })
  projectId: string | null;

  @Column({ type: 'uuid', nullable: true })
  challengeId: string | null;

  @Column({ type: 'uuid', nullable: true })
  acceptanceId: string | null;

  @Column({ type: 'jsonb' })
  indicators: ResultIndicator[];

  @Column({ type: 'text', nullable: true })
  returnReason: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
