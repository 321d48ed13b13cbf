import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { OrganizationEntity } from '../../../platform/organizations/entities/organization.entity';
import { UserEntity } from '../../../platform/users/entities/user.entity';
import { TeamEntity } from './team.entity';

/**
 * A person of a team, who may have no account. The title (职称) is free text, shown and never used
 * by any rule: 揭榜挂帅 does not judge by title, age or seniority.
 */
@Entity('team_members')
@Index('uq_team_members_position', ['teamId', 'position'], { unique: true })
@Index('ix_team_members_user', ['userId'])
export class TeamMemberEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  teamId: string;

  @ManyToOne(() => TeamEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'team_id', foreignKeyConstraintName: 'fk_team_members_team' })
  team?: TeamEntity;

  /** Order as given: 0, 1, … */
  @Column({ type: 'integer' })
  position: number;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  title: string;

  /** What the person does in the team (free text). */
  @Column({ type: 'text' })
  role: string;

  /** The lead organization or a consortium member. */
  @Column({ type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_team_members_organization' })
  organization?: OrganizationEntity;

  /** The person's account, when there is one (a user of that organization). */
  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_team_members_user' })
  user?: UserEntity | null;
}
