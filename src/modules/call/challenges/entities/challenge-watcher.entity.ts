import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../../../platform/users/entities/user.entity';
import { ChallengeEntity } from './challenge.entity';

/** A user following a challenge: told of its amendments, cancellation and closing. */
@Entity('challenge_watchers')
export class ChallengeWatcherEntity {
  @PrimaryColumn({ type: 'uuid' })
  challengeId: string;

  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => ChallengeEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'challenge_id', foreignKeyConstraintName: 'fk_challenge_watchers_challenge' })
  challenge?: ChallengeEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_challenge_watchers_user' })
  user?: UserEntity;

  @Column({ type: 'timestamptz' })
  createdAt: Date;
}
