import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '../../../../infra/database/transformers';
import { ProjectEntity } from '../../../delivery/projects/entities/project.entity';
import { IndustryChainEntity } from '../../../platform/taxonomy/entities/industry-chain.entity';
import { OrganizationEntity } from '../../../platform/organizations/entities/organization.entity';
import { UserEntity } from '../../../platform/users/entities/user.entity';
import { NeedEntity } from '../../needs/entities/need.entity';
import { ResultEntity } from '../../results/entities/result.entity';
import type { ContractStatus, ContractType } from '../contract-status';

/**
 * A technology contract record (技术合同登记, docs/adr/0061): filed by one of its parties, registered
 * by a registrar with `JS-<region>-<year>-<seq>`, or returned with a reason. `result_id` and
 * `need_id` have no foreign keys yet: they are added when the results and needs tables land.
 */
@Entity('technology_contracts')
@Index('uq_technology_contracts_registration_number', ['registrationNumber'], { unique: true })
@Index('ix_technology_contracts_seller', ['sellerOrganizationId', 'createdAt', 'id'])
@Index('ix_technology_contracts_buyer', ['buyerOrganizationId', 'createdAt', 'id'])
@Index('ix_technology_contracts_status', ['status', 'createdAt', 'id'])
@Index('ix_technology_contracts_registered', ['registeredAt', 'id'])
@Index('ix_technology_contracts_result', ['resultId'])
@Index('ix_technology_contracts_need', ['needId'])
@Index('ix_technology_contracts_updated', ['updatedAt', 'id'])
@Index('ix_technology_contracts_industry_chain', ['industryChainCode'])
@Check(
  'ck_technology_contracts_type',
  `"type" IN ('development', 'transfer', 'licence', 'consulting', 'service')`,
)
@Check(
  'ck_technology_contracts_status',
  `"status" IN ('draft', 'submitted', 'registered', 'returned', 'withdrawn')`,
)
@Check(
  'ck_technology_contracts_amounts',
  `"technology_transaction_amount_fen" >= 0 AND "technology_transaction_amount_fen" <= "contract_amount_fen"`,
)
@Check('ck_technology_contracts_parties', `"seller_organization_id" <> "buyer_organization_id"`)
@Check(
  'ck_technology_contracts_registered',
  `("status" = 'registered') = ("registration_number" IS NOT NULL AND "registered_at" IS NOT NULL)`,
)
@Check('ck_technology_contracts_returned', `"status" <> 'returned' OR "return_reason" IS NOT NULL`)
export class TechnologyContractEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** JS-<region>-<year>-<seq>, given at registration. */
  @Column({ type: 'text', nullable: true })
  registrationNumber: string | null;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  type: ContractType;

  @Column({ type: 'uuid' })
  sellerOrganizationId: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'seller_organization_id', foreignKeyConstraintName: 'fk_technology_contracts_seller' })
  seller?: OrganizationEntity;

  @Column({ type: 'uuid' })
  buyerOrganizationId: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'buyer_organization_id', foreignKeyConstraintName: 'fk_technology_contracts_buyer' })
  buyer?: OrganizationEntity;

  /** The party that filed it (the seller or the buyer): its users are notified. */
  @Column({ type: 'uuid' })
  filedByOrganizationId: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({
    name: 'filed_by_organization_id',
    foreignKeyConstraintName: 'fk_technology_contracts_filed_by',
  })
  filedBy?: OrganizationEntity;

  @Column({ type: 'bigint', transformer: bigintNumber })
  contractAmountFen: number;

  /** 技术交易额: the part of the contract amount paid for the technology itself. */
  @Column({ type: 'bigint', transformer: bigintNumber })
  technologyTransactionAmountFen: number;

  /** The Beijing date it was signed (YYYY-MM-DD). */
  @Column({ type: 'date' })
  signedOn: string;

  /** 6-digit administrative division code where it is registered. */
  @Column({ type: 'varchar', length: 6 })
  regionCode: string;

  @Column({ type: 'text' })
  industryChainCode: string;

  @ManyToOne(() => IndustryChainEntity, { onUpdate: 'CASCADE' })
  @JoinColumn({
    name: 'industry_chain_code',
    foreignKeyConstraintName: 'fk_technology_contracts_industry_chain',
  })
  industryChain?: IndustryChainEntity;

  /** The result transferred. */
  @Column({ type: 'uuid', nullable: true })
  resultId: string | null;

  @ManyToOne(() => ResultEntity, { nullable: true })
  @JoinColumn({ name: 'result_id', foreignKeyConstraintName: 'fk_technology_contracts_result' })
  result?: ResultEntity | null;

  /** The need it answers. */
  @Column({ type: 'uuid', nullable: true })
  needId: string | null;

  @ManyToOne(() => NeedEntity, { nullable: true })
  @JoinColumn({ name: 'need_id', foreignKeyConstraintName: 'fk_technology_contracts_need' })
  need?: NeedEntity | null;

  @Column({ type: 'uuid', nullable: true })
  projectId: string | null;

  @ManyToOne(() => ProjectEntity, { nullable: true })
  @JoinColumn({ name: 'project_id', foreignKeyConstraintName: 'fk_technology_contracts_project' })
  project?: ProjectEntity | null;

  /** The broker (技术经纪人) who brokered it: never shown publicly. */
  @Column({ type: 'uuid', nullable: true })
  brokerUserId: string | null;

  @ManyToOne(() => UserEntity, { nullable: true })
  @JoinColumn({ name: 'broker_user_id', foreignKeyConstraintName: 'fk_technology_contracts_broker' })
  broker?: UserEntity | null;

  /** The parties asked for confidentiality: the public list does not name them. */
  @Column({ type: 'boolean', default: false })
  confidential: boolean;

  @Column({ type: 'text' })
  status: ContractStatus;

  @Column({ type: 'text', nullable: true })
  returnReason: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  registeredAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  registeredBy: string | null;

  @ManyToOne(() => UserEntity, { nullable: true })
  @JoinColumn({ name: 'registered_by', foreignKeyConstraintName: 'fk_technology_contracts_registered_by' })
  registrar?: UserEntity | null;

  @Column({ type: 'uuid' })
  createdBy: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_technology_contracts_created_by' })
  creator?: UserEntity;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
