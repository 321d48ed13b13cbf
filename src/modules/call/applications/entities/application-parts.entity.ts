import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AttachmentEntity } from '../../../platform/attachments/entities/attachment.entity';
import { ChallengeIndicatorEntity } from '../../challenges/entities/challenge-indicator.entity';
import { ApplicationEntity } from './application.entity';

/** The value an application commits to for one indicator of the challenge. */
@Entity('application_commitments')
export class ApplicationCommitmentEntity {
  @PrimaryColumn({ type: 'uuid' })
  applicationId: string;

  @PrimaryColumn({ type: 'uuid' })
  indicatorId: string;

  @ManyToOne(() => ApplicationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'fk_application_commitments_application' })
  application?: ApplicationEntity;

  @ManyToOne(() => ChallengeIndicatorEntity)
  @JoinColumn({ name: 'indicator_id', foreignKeyConstraintName: 'fk_application_commitments_indicator' })
  indicator?: ChallengeIndicatorEntity;

  @Column({ type: 'text' })
  committedValue: string;
}

/** A proposed milestone: due so many months after the start, with its share of the fiscal tranches. */
@Entity('application_milestones')
@Check('ck_application_milestones_due', `"due_month" >= 1`)
@Check('ck_application_milestones_share', `"share_percent" BETWEEN 1 AND 100`)
export class ApplicationMilestoneEntity {
  @PrimaryColumn({ type: 'uuid' })
  applicationId: string;

  @PrimaryColumn({ type: 'integer' })
  position: number;

  @ManyToOne(() => ApplicationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'fk_application_milestones_application' })
  application?: ApplicationEntity;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  deliverables: string;

  @Column({ type: 'integer' })
  dueMonth: number;

  @Column({ type: 'integer' })
  sharePercent: number;
}

@Entity('application_attachments')
@Index('ix_application_attachments_attachment', ['attachmentId'])
export class ApplicationAttachmentEntity {
  @PrimaryColumn({ type: 'uuid' })
  applicationId: string;

  @PrimaryColumn({ type: 'uuid' })
  attachmentId: string;

  @ManyToOne(() => ApplicationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'fk_application_attachments_application' })
  application?: ApplicationEntity;

  @ManyToOne(() => AttachmentEntity)
  @JoinColumn({ name: 'attachment_id', foreignKeyConstraintName: 'fk_application_attachments_attachment' })
  attachment?: AttachmentEntity;

  @Column({ type: 'integer' })
  position: number;
}
