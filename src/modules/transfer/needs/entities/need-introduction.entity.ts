import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../../../platform/users/entities/user.entity';
import { NeedInterestEntity } from './need-interest.entity';
import { NeedEntity } from './need.entity';

/** The broker introduced an interested party to the enterprise (对接): recorded and notified. */
@Entity('need_introductions')
@Index('ix_need_introductions_need', ['needId', 'createdAt', 'id'])
export class NeedIntroductionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  needId: string;

  @ManyToOne(() => NeedEntity)
  @JoinColumn({ name: 'need_id', foreignKeyConstraintName: 'fk_need_introductions_need' })
  need?: NeedEntity;

  @Column({ type: 'uuid' })
  interestId: string;

  @ManyToOne(() => NeedInterestEntity)
  @JoinColumn({ name: 'interest_id', foreignKeyConstraintName: 'fk_need_introductions_interest' })
  interest?: NeedInterestEntity;

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
