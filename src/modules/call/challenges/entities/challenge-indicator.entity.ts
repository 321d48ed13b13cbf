import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ChallengeEntity } from './challenge.entity';

/** A technical indicator (技术指标) of a challenge: what an application commits to and acceptance verifies. */
@Entity('challenge_indicators')
@Index('uq_challenge_indicators_position', ['challengeId', 'position'], { unique: true })
export class ChallengeIndicatorEntity {
  /** Stable across edits and amendments that keep the indicator: applications refer to it. */
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  challengeId: string;

  @ManyToOne(() => ChallengeEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'challenge_id', foreignKeyConstraintName: 'fk_challenge_indicators_challenge' })
  challenge?: ChallengeEntity;

  @Column({ type: 'integer' })
  position: number;

  @Column({ type: 'text' })
  name: string;

  /** E.g. "≥ 77" — free text, because targets may be ranges or qualitative. */
  @Column({ type: 'text' })
  targetValue: string;

  @Column({ type: 'text' })
  unit: string;

  /** How acceptance verifies it (第三方检测, 现场测试, …). */
  @Column({ type: 'text' })
  verificationMethod: string;
}
