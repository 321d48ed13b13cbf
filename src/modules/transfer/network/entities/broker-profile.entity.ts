import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { OrganizationEntity } from '../../../platform/organizations/entities/organization.entity';
import { UserEntity } from '../../../platform/users/entities/user.entity';

/**
 * A technology broker (技术经纪人): a user with the `broker` role in a `service_center`
 * organization, its fields (industry chains and keywords), region and certificate (ADR 0058).
 */
@Entity('broker_profiles')
@Index('uq_broker_profiles_user', ['userId'], { unique: true })
@Index('ix_broker_profiles_organization', ['organizationId'])
@Index('ix_broker_profiles_created', ['createdAt', 'id'])
export class BrokerProfileEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_broker_profiles_user' })
  user?: UserEntity;

  /** The user's service centre (its organization). */
  @Column({ type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_broker_profiles_organization' })
  organization?: OrganizationEntity;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  industryChains: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  keywords: string[];

  @Column({ type: 'varchar', length: 6 })
  regionCode: string;

  /** 技术经纪人证书编号. */
  @Column({ type: 'varchar', length: 64 })
  certificateNumber: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
