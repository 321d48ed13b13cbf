import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { OrganizationEntity } from '../../../platform/organizations/entities/organization.entity';
import { UserEntity } from '../../../platform/users/entities/user.entity';

/**
 * An applicant team (揭榜团队): a lead organization (the creator's), a leader (挂帅者) who takes
 * command, optional consortium member organizations and the people who do the work. Applications refer to
 * it; while one of them is active the team is refused edits (ADR 0020).
 */
@Entity('teams')
@Index('ix_teams_lead_organization', ['leadOrganizationId', 'createdAt', 'id'])
@Index('ix_teams_leader', ['leaderUserId'])
@Check('ck_teams_lead_share', `"lead_share_percent" BETWEEN 1 AND 100`)
export class TeamEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'uuid' })
  leadOrganizationId: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'lead_organization_id', foreignKeyConstraintName: 'fk_teams_lead_organization' })
  leadOrganization?: OrganizationEntity;

  /** 挂帅者: an enabled user of the lead organization. */
  @Column({ type: 'uuid' })
  leaderUserId: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'leader_user_id', foreignKeyConstraintName: 'fk_teams_leader' })
  leader?: UserEntity;

  /** The lead organization's share of the work; null when the team states no shares. */
  @Column({ type: 'integer', nullable: true })
  leadSharePercent: number | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'uuid' })
  createdBy: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_teams_created_by' })
  creator?: UserEntity;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
