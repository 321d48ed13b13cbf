import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OrganizationEntity } from '../../../platform/organizations/entities/organization.entity';
import { ExpertEntity } from './expert.entity';

/**
 * A collaboration an expert declared with an organization (a past or ongoing joint project,
 * adjunct post, consultancy), with its years: the conflict check reads those within the window.
 */
@Entity('expert_collaborations')
@Index('ix_expert_collaborations_organization', ['organizationId'])
@Check('ck_expert_collaborations_years', `"from_year" <= "to_year"`)
export class ExpertCollaborationEntity {
  @PrimaryColumn({ type: 'uuid' })
  expertId: string;

  /** Order as given: 0, 1, … */
  @PrimaryColumn({ type: 'integer' })
  position: number;

  @ManyToOne(() => ExpertEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'expert_id', foreignKeyConstraintName: 'fk_expert_collaborations_expert' })
  expert?: ExpertEntity;

  @Column({ type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({
    name: 'organization_id',
    foreignKeyConstraintName: 'fk_expert_collaborations_organization',
  })
  organization?: OrganizationEntity;

  /** What the collaboration was (free text, may be empty). */
  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'integer' })
  fromYear: number;

  /** null: ongoing. */
  @Column({ type: 'integer', nullable: true })
  toYear: number | null;
}
