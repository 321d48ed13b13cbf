import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

import { ORGANIZATION_TYPES } from '../organization-types';
import type { OrganizationType } from '../organization-types';

export { ORGANIZATION_TYPES };
export type { OrganizationType };

/** An issuing or applying organization; the platform operator is one too (type government). */
@Entity('organizations')
@Index('uq_organizations_credit_code', ['creditCode'], { unique: true })
@Index('ix_organizations_parent', ['parentOrganizationId'])
@Index('ix_organizations_created', ['createdAt', 'id'])
export class OrganizationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'enum', enum: ORGANIZATION_TYPES, enumName: 'organization_type' })
  type: OrganizationType;

  /** 统一社会信用代码, check digit validated; null only for the platform operator created at boot. */
  @Column({ type: 'varchar', length: 18, nullable: true })
  creditCode: string | null;

  /** 6-digit administrative division code, e.g. 360100 (Nanchang). */
  @Column({ type: 'varchar', length: 6 })
  regionCode: string;

  @Column({ type: 'uuid', nullable: true })
  parentOrganizationId: string | null;

  @ManyToOne(() => OrganizationEntity, { nullable: true })
  @JoinColumn({ name: 'parent_organization_id', foreignKeyConstraintName: 'fk_organizations_parent' })
  parent?: OrganizationEntity | null;

  @Column({ type: 'boolean', default: false })
  verified: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  verifiedAt: Date | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
