import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../../../../common/auth/principal';
import { OrganizationEntity } from '../../organizations/entities/organization.entity';

/** A person; belongs to one organization. `tokenVersion` rises to invalidate issued access tokens. */
@Entity('users')
@Index('uq_users_email', ['email'], { unique: true })
@Index('ix_users_organization', ['organizationId', 'createdAt', 'id'])
@Index('ix_users_created', ['createdAt', 'id'])
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_users_organization' })
  organization?: OrganizationEntity;

  /** Always stored lower-cased. */
  @Column({ type: 'text' })
  email: string;

  @Column({ type: 'text' })
  displayName: string;

  /** argon2id PHC string. */
  @Column({ type: 'text' })
  passwordHash: string;

  @Column({ type: 'text', array: true })
  roles: Role[];

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ type: 'integer', default: 0 })
  tokenVersion: number;

  @Column({ type: 'text', default: 'zh-CN' })
  locale: string;

  /** Optimistic concurrency: served as the ETag, checked against If-Match on PATCH. */
  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
