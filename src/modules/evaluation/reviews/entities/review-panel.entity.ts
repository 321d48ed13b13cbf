import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ChallengeEntity } from '../../../call/challenges/entities/challenge.entity';
import { UserEntity } from '../../../platform/users/entities/user.entity';

export const PANEL_STATUSES = ['open', 'closed'] as const;
export type PanelStatus = (typeof PANEL_STATUSES)[number];

/**
 * The expert panel (评审专家组) of one challenge: drawn once, with the seed that makes the draw
 * replayable (docs/adr/0024); open while experts score, closed with the results.
 */
@Entity('review_panels')
@Index('uq_review_panels_challenge', ['challengeId'], { unique: true })
@Check('ck_review_panels_status', `"status" IN ('open', 'closed')`)
@Check('ck_review_panels_due', `"due_at" > "drawn_at"`)
export class ReviewPanelEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  challengeId: string;

  @ManyToOne(() => ChallengeEntity)
  @JoinColumn({ name: 'challenge_id', foreignKeyConstraintName: 'fk_review_panels_challenge' })
  challenge?: ChallengeEntity;

  @Column({ type: 'text' })
  status: PanelStatus;

  /** 32 random bytes, hex: with the sorted candidate ids it determines the draw. */
  @Column({ type: 'text' })
  seed: string;

  @Column({ type: 'timestamptz' })
  drawnAt: Date;

  @Column({ type: 'uuid' })
  drawnBy: string;

  /** When the scores are due: reminders to experts before it, a notice to admins when it passes. */
  @Column({ type: 'timestamptz' })
  dueAt: Date;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'drawn_by', foreignKeyConstraintName: 'fk_review_panels_drawn_by' })
  drawer?: UserEntity;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  /** Why an admin closed the panel early; null when it closed because every score was in. */
  @Column({ type: 'text', nullable: true })
  closeReason: string | null;

  @Column({ type: 'integer', default: 1 })
  version: number;
}
