import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../../../../common/auth/principal';
import { OrganizationEntity } from '../../organizations/entities/organization.entity';
import { UserEntity } from './user.entity';

/**
 * An invitation by e-mail to join an organization with roles. The mailed secret is stored only as
 * its SHA-256. Pending until accepted (`acceptedAt`, once), revoked (`revokedAt`) or expired.
 */
@Entity('invitations')
@Index('uq_invitations_token_hash', ['tokenHash'], { unique: true })
@Index('ix_invitations_organization', ['organizationId', 'createdAt', 'id'])
@Index('ix_invitations_created', ['createdAt', 'id'])
@Index('ix_invitations_email', ['email'])
export class InvitationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_invitations_organization' })
  organization?: OrganizationEntity;

  /** Always stored lower-cased. */
  @Column({ type: 'text' })
  email: string;

  @Column({ type: 'text' })
  displayName: string;

  @Column({ type: 'text', array: true })
  roles: Role[];

  @Column({ type: 'text', default: 'zh-CN' })
  locale: string;

  /** SHA-256 hex of the secret. */
  @Column({ type: 'text' })
  tokenHash: string;

  @Column({ type: 'uuid' })
  invitedBy: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'invited_by', foreignKeyConstraintName: 'fk_invitations_invited_by' })
  inviter?: UserEntity;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  acceptedAt: Date | null;

  /** The user the acceptance created (no foreign key: users are never deleted, only disabled). */
  @Column({ type: 'uuid', nullable: true })
  acceptedUserId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
