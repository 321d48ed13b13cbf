import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ChallengeEntity } from '../../../call/challenges/entities/challenge.entity';

/**
 * When the public part of a published challenge last changed: the latest `updated_at` of the challenge, its
 * projects, their milestones and their payments. Written only by the deferred triggers of migration
 * 1763701700000-Stats (never by the application); `GET /open-data/ocds` pages by
 * (changed_at, challenge_id) (ADR 0032).
 */
@Entity('open_data_changes')
@Index('ix_open_data_changes_changed', ['changedAt', 'challengeId'])
export class OpenDataChangeEntity {
  @PrimaryColumn({ type: 'uuid' })
  challengeId: string;

  @ManyToOne(() => ChallengeEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'challenge_id', foreignKeyConstraintName: 'fk_open_data_changes_challenge' })
  challenge?: ChallengeEntity;

  @Column({ type: 'timestamptz' })
  changedAt: Date;
}
