import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OrganizationEntity } from '../../../platform/organizations/entities/organization.entity';
import { UserEntity } from '../../../platform/users/entities/user.entity';
import { NeedEntity } from './need.entity';

/** A person's non-disclosure undertaking for one need: the same gate as a challenge's. */
@Entity('need_ndas')
export class NeedNdaEntity {
  @PrimaryColumn({ type: 'uuid' })
  needId: string;

  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => NeedEntity)
  @JoinColumn({ name: 'need_id', foreignKeyConstraintName: 'fk_need_ndas_need' })
  need?: NeedEntity;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_need_ndas_user' })
  user?: UserEntity;

  @Column({ type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_need_ndas_organization' })
  organization?: OrganizationEntity;

  @Column({ type: 'timestamptz' })
  acceptedAt: Date;
}
