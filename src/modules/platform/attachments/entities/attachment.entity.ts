import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '../../../../infra/database/transformers';
import { OrganizationEntity } from '../../organizations/entities/organization.entity';
import { UserEntity } from '../../users/entities/user.entity';

/**
 * An uploaded file's metadata. The bytes live in StorageService under `storageKey`
 * (`<sha[0..2]>/<sha256>`); identical content uploaded twice is two rows and one stored object.
 * Owned by the uploader's organization.
 */
@Entity('attachments')
@Index('ix_attachments_organization', ['organizationId', 'createdAt'])
@Check('ck_attachments_size_bytes', '"size_bytes" >= 0')
@Check('ck_attachments_sha256', `"sha256" ~ '^[0-9a-f]{64}$'`)
export class AttachmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_attachments_organization' })
  organization?: OrganizationEntity;

  @Column({ type: 'uuid' })
  uploadedBy: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'uploaded_by', foreignKeyConstraintName: 'fk_attachments_uploaded_by' })
  uploader?: UserEntity;

  /** Sanitized: no path, no control characters, at most 255 characters. */
  @Column({ type: 'text' })
  filename: string;

  /** The declared media type, checked against the allow-list and the content's signature. */
  @Column({ type: 'text' })
  contentType: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  sizeBytes: number;

  /** Lower-case hex SHA-256 of the content. */
  @Column({ type: 'char', length: 64 })
  sha256: string;

  @Column({ type: 'text' })
  storageKey: string;

  @Column({ type: 'timestamptz' })
  createdAt: Date;
}
