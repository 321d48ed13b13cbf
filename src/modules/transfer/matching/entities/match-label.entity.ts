import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../../../platform/users/entities/user.entity';
import { NeedEntity } from '../../needs/entities/need.entity';
import type { MatchVerdict, NeedMatchKind } from '../matching.constants';

/**
 * A broker's verdict on a suggested match of a need (ADR 0060 "Wiring"): the labels that measure
 * match quality. One per need and subject; labelling again replaces the verdict (audited).
 */
@Entity('match_labels')
@Index('ux_match_labels_subject', ['needId', 'subjectKind', 'subjectId'], { unique: true })
@Check('ck_match_labels_kind', `"subject_kind" IN ('result', 'team', 'expert')`)
@Check('ck_match_labels_verdict', `"verdict" IN ('accept', 'reject')`)
export class MatchLabelEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  needId: string;

  @ManyToOne(() => NeedEntity)
  @JoinColumn({ name: 'need_id', foreignKeyConstraintName: 'fk_match_labels_need' })
  need?: NeedEntity;

  @Column({ type: 'text' })
  subjectKind: NeedMatchKind;

  @Column({ type: 'uuid' })
  subjectId: string;

  @Column({ type: 'text' })
  verdict: MatchVerdict;

  @Column({ type: 'text' })
  reason: string;

  /** The score when labelled (null when the subject was no longer among the need's matches). */
  @Column({ type: 'double precision', nullable: true })
  score: number | null;

  @Column({ type: 'uuid' })
  brokerUserId: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'broker_user_id', foreignKeyConstraintName: 'fk_match_labels_broker' })
  broker?: UserEntity;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
