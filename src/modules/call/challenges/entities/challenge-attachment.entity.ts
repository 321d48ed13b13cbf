import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AttachmentEntity } from '../../../platform/attachments/entities/attachment.entity';
import { ChallengeEntity } from './challenge.entity';

export const ATTACHMENT_VISIBILITIES = ['public', 'confidential'] as const;
export type AttachmentVisibility = (typeof ATTACHMENT_VISIBILITIES)[number];

/** An uploaded file attached to a challenge: public, or confidential (behind the undertaking). */
@Entity('challenge_attachments')
@Index('ix_challenge_attachments_attachment', ['attachmentId'])
@Check('ck_challenge_attachments_visibility', `"visibility" IN ('public', 'confidential')`)
export class ChallengeAttachmentEntity {
  @PrimaryColumn({ type: 'uuid' })
  challengeId: string;

  @PrimaryColumn({ type: 'uuid' })
  attachmentId: string;

  @ManyToOne(() => ChallengeEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'challenge_id', foreignKeyConstraintName: 'fk_challenge_attachments_challenge' })
  challenge?: ChallengeEntity;

  @ManyToOne(() => AttachmentEntity)
  @JoinColumn({ name: 'attachment_id', foreignKeyConstraintName: 'fk_challenge_attachments_attachment' })
  attachment?: AttachmentEntity;

  @Column({ type: 'text' })
  visibility: AttachmentVisibility;

  @Column({ type: 'integer' })
  position: number;
}
