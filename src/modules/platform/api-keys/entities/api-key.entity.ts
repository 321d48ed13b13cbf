import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { OrganizationEntity } from '../../organizations/entities/organization.entity';
import { UserEntity } from '../../users/entities/user.entity';

/**
 * An integration key of a government portal, or of an organization (made by its user manager, ADR
 * 0047). Only its SHA-256 is kept; the secret is shown once.
 */
@Entity('api_keys')
@Index('uq_api_keys_key_hash', ['keyHash'], { unique: true })
@Index('ix_api_keys_created', ['createdAt', 'id'])
@Index('ix_api_keys_organization', ['organizationId', 'createdAt', 'id'])
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'uuid', nullable: true })
  organizationId: string | null;

  @ManyToOne(() => OrganizationEntity, { nullable: true })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_api_keys_organization' })
  organization?: OrganizationEntity | null;

  /** The first 8 characters of the random part, shown to tell keys apart. */
  @Column({ type: 'text' })
  prefix: string;

  /** SHA-256 hex of the whole key. */
  @Column({ type: 'text' })
  keyHash: string;

  @Column({ type: 'text', array: true })
  scopes: string[];

  @Column({ type: 'uuid' })
  createdBy: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_api_keys_created_by' })
  creator?: UserEntity;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
