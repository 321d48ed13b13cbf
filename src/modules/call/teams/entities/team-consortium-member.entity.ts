import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OrganizationEntity } from '../../../platform/organizations/entities/organization.entity';
import { TeamEntity } from './team.entity';

/** A consortium (联合体) member organization of a team, other than the lead, with its role and share. */
@Entity('team_consortium_members')
@Index('ix_team_consortium_members_organization', ['organizationId'])
@Check('ck_team_consortium_members_share', `"share_percent" BETWEEN 1 AND 99`)
export class TeamConsortiumMemberEntity {
  @PrimaryColumn({ type: 'uuid' })
  teamId: string;

  @PrimaryColumn({ type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => TeamEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'team_id', foreignKeyConstraintName: 'fk_team_consortium_members_team' })
  team?: TeamEntity;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({
    name: 'organization_id',
    foreignKeyConstraintName: 'fk_team_consortium_members_organization',
  })
  organization?: OrganizationEntity;

  /** Order as given: 0, 1, … */
  @Column({ type: 'integer' })
  position: number;

  /** What it does in the consortium (free text). */
  @Column({ type: 'text' })
  role: string;

  /** Its share of the work; null when the team states no shares (all-or-none, team-rules.ts). */
  @Column({ type: 'integer', nullable: true })
  sharePercent: number | null;
}
