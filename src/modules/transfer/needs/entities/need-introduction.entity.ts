import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../../../platform/users/entities/user.entity';
import { NeedInterestEntity } from './need-interest.entity';
import { NeedEntity } from './need.entity';

/**
 * The broker introduced a party to the enterprise (对接): recorded and notified. The party comes
 * from an expressed interest (`interestId`) or from an accepted match (`subjectKind`, `subjectId`:
 * a result, a team or an expert; one introduction per need and subject), never both.
 */
@Entity('need_introductions')
@Index('ix_need_introductions_need', ['needId', 'createdAt', 'id'])
@Index('ux_need_introductions_subject', ['needId', 'subjectKind', 'subjectId'], {
  unique: true,
  where: '"subject_id" IS NOT NULL',
})
@Check(
  'ck_need_introductions_origin',
  `("interest_id" IS NOT NULL AND "subject_kind" IS NULL AND "subject_id" IS NULL) OR ("interest_id" IS NULL AND "subject_kind" IN ('result', 'team', 'expert') AND "subject_id" IS NOT NULL)`,
)
export class NeedIntroductionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  needId: string;

  @ManyToOne(() => NeedEntity)
  @JoinColumn({ name: 'need_id', foreignKeyConstraintName: 'fk_need_introductions_need' })
  need?: NeedEntity;

  @Column({ type: 'uuid', nullable: true })
  interestId: string | null;

  @ManyToOne(() => NeedInterestEntity)
  @JoinColumn({ name: 'interest_id', foreignKeyConstraintName: 'fk_need_introductions_interest' })
  interest?: NeedInterestEntity;

  /** For an introduction from an accepted match: the matched subject's kind and id. */
  @Column({ type: 'text', nullable: true })
  subjectKind: 'result' | 'team' | 'expert' | null;

  @Column({ type: 'uuid', nullable: true })
  subjectId: string | null;

  @Column({ type: 'uuid' })
  brokerUserId: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'broker_user_id', foreignKeyConstraintName: 'fk_need_introductions_broker' })
  broker?: UserEntity;

  @Column({ type: 'text' })
  note: string;

  @Column({ type: 'timestamptz' })
  createdAt: Date;
}
