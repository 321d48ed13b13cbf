import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OrganizationEntity } from '../../../platform/organizations/entities/organization.entity';
import { UserEntity } from '../../../platform/users/entities/user.entity';
import { ResultEntity } from './result.entity';

/** A person's non-disclosure undertaking (保密承诺) for one result: as for challenges, it opens the details. */
@Entity('result_ndas')
export class ResultNdaEntity {
  @PrimaryColumn({ type: 'uuid' })
  resultId: string;

  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => ResultEntity)
  @JoinColumn({ name: 'result_id', foreignKeyConstraintName: 'fk_result_ndas_result' })
  result?: ResultEntity;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_result_ndas_user' })
  user?: UserEntity;

  @Column({ type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_result_ndas_organization' })
  organization?: OrganizationEntity;

  @Column({ type: 'timestamptz' })
  acceptedAt: Date;
}
