import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ApplicationEntity } from '../../../call/applications/entities/application.entity';
import { ChallengeEntity } from '../../../call/challenges/entities/challenge.entity';
import { tenthNumber } from './review-assignment.entity';

/** One application's aggregated result, written when the panel closes (scoring.ts aggregate and rank). */
@Entity('review_results')
@Index('uq_review_results_rank', ['challengeId', 'rank'], { unique: true })
export class ReviewResultEntity {
  @PrimaryColumn({ type: 'uuid' })
  challengeId: string;

  @PrimaryColumn({ type: 'uuid' })
  applicationId: string;

  @ManyToOne(() => ChallengeEntity)
  @JoinColumn({ name: 'challenge_id', foreignKeyConstraintName: 'fk_review_results_challenge' })
  challenge?: ChallengeEntity;

  @ManyToOne(() => ApplicationEntity)
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'fk_review_results_application' })
  application?: ApplicationEntity;

  /** The number that ranks and meets the pass line; null when nobody scored the application. */
  @Column({ type: 'numeric', precision: 4, scale: 1, nullable: true, transformer: tenthNumber })
  score: number | null;

  @Column({ type: 'numeric', precision: 4, scale: 1, nullable: true, transformer: tenthNumber })
  mean: number | null;

  @Column({ type: 'numeric', precision: 4, scale: 1, nullable: true, transformer: tenthNumber })
  trimmedMean: number | null;

  @Column({ type: 'numeric', precision: 4, scale: 1, nullable: true, transformer: tenthNumber })
  median: number | null;

  @Column({ type: 'numeric', precision: 4, scale: 1, nullable: true, transformer: tenthNumber })
  spread: number | null;

  @Column({ type: 'integer' })
  scoreCount: number;

  @Column({ type: 'integer' })
  outlierCount: number;

  @Column({ type: 'boolean' })
  passes: boolean;

  @Column({ type: 'integer' })
  rank: number;

  @Column({ type: 'timestamptz' })
  computedAt: Date;
}
