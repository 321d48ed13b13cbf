import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ChallengeEntity } from '../../../call/challenges/entities/challenge.entity';
import { UserEntity } from '../../../platform/users/entities/user.entity';

export type SelectionStatus = 'active' | 'reopened' | 'finalized';

/** The admin's selection of a challenge's winning application(s) and its publicity period (公示), ADR 0026. */
@Entity('selections')
@Index('ix_selections_challenge', ['challengeId', 'selectedAt', 'id'])
@Check('ck_selections_status', `"status" IN ('active', 'reopened', 'finalized')`)
@Check('ck_selections_period', `"publicity_ends_at" > "publicity_starts_at"`)
export class SelectionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  challengeId: string;

  @ManyToOne(() => ChallengeEntity)
  @JoinColumn({ name: 'challenge_id', foreignKeyConstraintName: 'fk_selections_challenge' })
  challenge?: ChallengeEntity;

  @Column({ type: 'uuid', array: true })
  applicationIds: string[];

  /** The issuer's agreement: the outcome of the negotiation (对接洽谈). */
  @Column({ type: 'text' })
  issuerAgreement: string;

  @Column({ type: 'text' })
  status: SelectionStatus;

  @Column({ type: 'uuid' })
  selectedBy: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'selected_by', foreignKeyConstraintName: 'fk_selections_selected_by' })
  selector?: UserEntity;

  @Column({ type: 'timestamptz' })
  selectedAt: Date;

  @Column({ type: 'timestamptz' })
  publicityStartsAt: Date;

  @Column({ type: 'timestamptz' })
  publicityEndsAt: Date;

  /** When it was reopened or finalized. */
  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
