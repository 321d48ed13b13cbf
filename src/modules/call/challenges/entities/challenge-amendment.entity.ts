import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { JsonValue } from '../../../../common/json';
import { UserEntity } from '../../../platform/users/entities/user.entity';
import { ChallengeEntity } from './challenge.entity';

/** One changed field of an amendment; confidential fields record that they changed, never the values. */
export interface AmendmentChange {
  field: string;
  before?: JsonValue;
  after?: JsonValue;
  confidential?: boolean;
}

/** A change to a challenge after publication (变更公告): numbered, with a reason and the diff. */
@Entity('challenge_amendments')
@Index('uq_challenge_amendments_number', ['challengeId', 'number'], { unique: true })
export class ChallengeAmendmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  challengeId: string;

  @ManyToOne(() => ChallengeEntity)
  @JoinColumn({ name: 'challenge_id', foreignKeyConstraintName: 'fk_challenge_amendments_challenge' })
  challenge?: ChallengeEntity;

  /** 1, 2, … per challenge. */
  @Column({ type: 'integer' })
  number: number;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'jsonb' })
  changes: AmendmentChange[];

  /** The challenge's version once amended. */
  @Column({ type: 'integer' })
  versionAfter: number;

  @Column({ type: 'uuid' })
  amendedBy: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'amended_by', foreignKeyConstraintName: 'fk_challenge_amendments_amended_by' })
  amender?: UserEntity;

  @Column({ type: 'timestamptz' })
  createdAt: Date;
}
