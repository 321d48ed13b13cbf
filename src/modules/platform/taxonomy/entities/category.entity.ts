import { Entity, Index } from 'typeorm';
import { TaxonomyTerm } from './taxonomy-term';

/** A challenge category, e.g. key_technology 关键技术类 or enterprise_demand 企业需求类. */
@Entity('categories')
@Index('ix_categories_order', ['sortOrder', 'code'])
export class CategoryEntity extends TaxonomyTerm {}
