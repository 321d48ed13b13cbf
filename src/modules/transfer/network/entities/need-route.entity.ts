import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { OrganizationEntity } from '../../../platform/organizations/entities/organization.entity';

/**
 * One row of the routing table an admin maintains: needs of enterprises in `regionCode` (a
 * division code: 360102 a district, 360100 a city, 360000 the province) and, when set, of one
 * industry chain go to `centreOrganizationId`. `industryChainCode` '' means any chain. The most
 * specific row wins (ADR 0058).
 */
@Entity('need_routes')
@Index('uq_need_routes_region_chain', ['regionCode', 'industryChainCode'], { unique: true })
@Index('ix_need_routes_created', ['createdAt', 'id'])
export class NeedRouteEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 6 })
  regionCode: string;

  /** '' for every chain. */
  @Column({ type: 'text', default: '' })
  industryChainCode: string;

  @Column({ type: 'uuid' })
  centreOrganizationId: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'centre_organization_id', foreignKeyConstraintName: 'fk_need_routes_centre' })
  centre?: OrganizationEntity;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
