import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { ChallengeEntity } from './challenge.entity';

/** The confidential details (the real specifications) of a challenge, readable only after the undertaking. */
@Entity('challenge_confidential')
export class ChallengeConfidentialEntity {
  @PrimaryColumn({ type: 'uuid' })
  challengeId: string;

  @OneToOne(() => ChallengeEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'challenge_id', foreignKeyConstraintName: 'fk_challenge_confidential_challenge' })
  challenge?: ChallengeEntity;

  @Column({ type: 'text' })
  details: string;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
