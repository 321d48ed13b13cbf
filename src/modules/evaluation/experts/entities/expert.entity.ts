import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { OrganizationEntity } from '../../../platform/organizations/entities/organization.entity';
import { UserEntity } from '../../../platform/users/entities/user.entity';

/**
 * An expert's profile in the pool (专家库): the account (a user with the `expert` role), the
 * organization the expert works for, fields of expertise, title and the active flag. Declared
 * collaborations are rows of `expert_collaborations`. ADR 0022.
 */
@Entity('experts')
@Index('uq_experts_user', ['userId'], { unique: true })
@Index('ix_experts_created', ['createdAt', 'id'])
@Index('ix_experts_affiliation_organization', ['affiliationOrganizationId'])
// A GIN index (industry_chain_codes @> ARRAY[chain], the panel draw): TypeORM cannot describe the method.
@Index('ix_experts_industry_chains', { synchronize: false })
export class ExpertEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The expert's account: one profile per user. */
  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_experts_user' })
  user?: UserEntity;

  /**
   * The organization the expert works for: usually the user's own organization, but stated
   * apart (a retired professor with an account of a service centre, an adjunct post).
   */
  @Column({ type: 'uuid' })
  affiliationOrganizationId: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({
    name: 'affiliation_organization_id',
    foreignKeyConstraintName: 'fk_experts_affiliation_organization',
  })
  affiliationOrganization?: OrganizationEntity;

  /** 职称, free text: shown, never used by any rule. */
  @Column({ type: 'text' })
  title: string;

  /** Codes of `industry_chains` (checked active when written; codes never change). */
  @Column({ type: 'text', array: true })
  industryChainCodes: string[];

  @Column({ type: 'text', array: true })
  keywords: string[];

  /** Inactive experts are kept (their past reviews refer to them) and never drawn. */
  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
