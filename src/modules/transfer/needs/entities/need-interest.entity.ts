import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { OrganizationEntity } from '../../../platform/organizations/entities/organization.entity';
import { UserEntity } from '../../../platform/users/entities/user.entity';
import { NeedEntity } from './need.entity';

export const INTEREST_KINDS = ['team', 'results_holder'] as const;
export type InterestKind = (typeof INTEREST_KINDS)[number];

/** A team's or a results holder's expression of interest in a public need. */
@Entity('need_interests')
@Index('ix_need_interests_need', ['needId', 'createdAt', 'id'])
@Index('uq_need_interests_need_organization', ['needId', 'organizationId'], { unique: true })
export class NeedInterestEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  needId: string;

  @ManyToOne(() => NeedEntity)
  @JoinColumn({ name: 'need_id', foreignKeyConstraintName: 'fk_need_interests_need' })
  need?: NeedEntity;

  @Column({ type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_need_interests_organization' })
  organization?: OrganizationEntity;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_need_interests_user' })
  user?: UserEntity;

  @Column({ type: 'varchar', length: 20 })
  kind: InterestKind;

  @Column({ type: 'text' })
  message: string;

  @Column({ type: 'timestamptz' })
  createdAt: Date;
}
