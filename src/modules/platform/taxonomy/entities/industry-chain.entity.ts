import { Entity, Index } from 'typeorm';
import { TaxonomyTerm } from './taxonomy-term';

/** An industry chain (产业链), e.g. electronic_information 电子信息. */
@Entity('industry_chains')
@Index('ix_industry_chains_order', ['sortOrder', 'code'])
export class IndustryChainEntity extends TaxonomyTerm {}
