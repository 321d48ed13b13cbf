import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OrganizationEntity } from '../../../platform/organizations/entities/organization.entity';
import { UserEntity } from '../../../platform/users/entities/user.entity';
import { ChallengeEntity } from './challenge.entity';

/** A person's non-disclosure undertaking (保密承诺) for one challenge; it opens the confidential details to them. */
@Entity('challenge_ndas')
export class ChallengeNdaEntity {
  @PrimaryColumn({ type: 'uuid' })
  challengeId: string;

  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => ChallengeEntity)
  @JoinColumn({ name: 'challenge_id', foreignKeyConstraintName: 'fk_challenge_ndas_challenge' })
  challenge?: ChallengeEntity;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_challenge_ndas_user' })
  user?: UserEntity;

  @Column({ type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_challenge_ndas_organization' })
  organization?: OrganizationEntity;

  @Column({ type: 'timestamptz' })
  acceptedAt: Date;
}
