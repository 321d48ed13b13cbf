import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ApplicationEntity } from '../../../call/applications/entities/application.entity';
import { ChallengeEntity } from '../../../call/challenges/entities/challenge.entity';
import { UserEntity } from '../../../platform/users/entities/user.entity';
import type { SessionKind, SessionOutcome, SessionStatus } from '../session-status';

/**
 * A defence (答辩) or site visit (现场考察) of one application in review (ADR 0025): scheduled, then held
 * (with minutes and outcome) or cancelled (with a reason). Both ends are final.
 */
@Entity('review_sessions')
@Index('ix_review_sessions_challenge', ['challengeId', 'scheduledAt', 'id'])
@Index('ix_review_sessions_application', ['applicationId', 'scheduledAt', 'id'])
@Check('ck_review_sessions_kind', `"kind" IN ('defence', 'site_visit')`)
@Check('ck_review_sessions_status', `"status" IN ('scheduled', 'held', 'cancelled')`)
@Check('ck_review_sessions_outcome', `"outcome" IN ('satisfactory', 'concerns', 'unsatisfactory')`)
@Check('ck_review_sessions_duration', `"duration_minutes" BETWEEN 1 AND 1440`)
@Check('ck_review_sessions_place', `"location" IS NOT NULL OR "meeting_link" IS NOT NULL`)
@Check('ck_review_sessions_held', `"status" <> 'held' OR ("minutes" IS NOT NULL AND "outcome" IS NOT NULL)`)
@Check('ck_review_sessions_cancelled', `"status" <> 'cancelled' OR "cancel_reason" IS NOT NULL`)
export class ReviewSessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  challengeId: string;

  @ManyToOne(() => ChallengeEntity)
  @JoinColumn({ name: 'challenge_id', foreignKeyConstraintName: 'fk_review_sessions_challenge' })
  challenge?: ChallengeEntity;

  @Column({ type: 'uuid' })
  applicationId: string;

  @ManyToOne(() => ApplicationEntity)
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'fk_review_sessions_application' })
  application?: ApplicationEntity;

  @Column({ type: 'text' })
  kind: SessionKind;

  @Column({ type: 'timestamptz' })
  scheduledAt: Date;

  @Column({ type: 'integer' })
  durationMinutes: number;

  /** Where it takes place (an address, a room); a location, a link or both. */
  @Column({ type: 'text', nullable: true })
  location: string | null;

  /** An https link to the online meeting. */
  @Column({ type: 'text', nullable: true })
  meetingLink: string | null;

  @Column({ type: 'text' })
  status: SessionStatus;

  /** Required once held. */
  @Column({ type: 'text', nullable: true })
  minutes: string | null;

  /** Required once held. */
  @Column({ type: 'text', nullable: true })
  outcome: SessionOutcome | null;

  /** Required once cancelled. */
  @Column({ type: 'text', nullable: true })
  cancelReason: string | null;

  @Column({ type: 'uuid' })
  createdBy: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_review_sessions_created_by' })
  creator?: UserEntity;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
