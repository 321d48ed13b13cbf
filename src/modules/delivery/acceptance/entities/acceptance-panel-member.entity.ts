import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ExpertEntity } from '../../../evaluation/experts/entities/expert.entity';
import {
  PANEL_MEMBER_STATUSES,
  PanelMemberStatus,
  SEATED_MEMBER_STATUSES,
} from '../../../evaluation/panels/panel-member.machine';
import { AcceptanceEntity } from './acceptance.entity';

export const ACCEPTANCE_PANEL_ROLES = ['member', 'reserve'] as const;
export type AcceptancePanelRole = (typeof ACCEPTANCE_PANEL_ROLES)[number];

/**
 * A drawn expert and its assignment in one row (one acceptance, one assignment per expert). Its
 * statuses are the shared panel member's (evaluation/panels/panel-member.machine.ts, ADR 0041),
 * stored as they are.
 */
export const ACCEPTANCE_MEMBER_STATUSES = PANEL_MEMBER_STATUSES;
export type AcceptanceMemberStatus = PanelMemberStatus;

/** Statuses of a member still on the panel. */
export const ACTIVE_MEMBER_STATUSES = SEATED_MEMBER_STATUSES;

@Entity('acceptance_panel_members')
@Index('uq_acceptance_panel_members_expert', ['acceptanceId', 'expertId'], { unique: true })
@Index('uq_acceptance_panel_members_position', ['acceptanceId', 'role', 'position'], { unique: true })
@Index('ix_acceptance_panel_members_expert', ['expertId'])
@Check('ck_acceptance_panel_members_role', `"role" IN ('member', 'reserve')`)
@Check(
  'ck_acceptance_panel_members_status',
  `"status" IN ('standby', 'pending', 'declared', 'submitted', 'conflicted', 'declined', 'unused')`,
)
export class AcceptancePanelMemberEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  acceptanceId: string;

  @ManyToOne(() => AcceptanceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'acceptance_id', foreignKeyConstraintName: 'fk_acceptance_panel_members_acceptance' })
  acceptance?: AcceptanceEntity;

  @Column({ type: 'uuid' })
  expertId: string;

  @ManyToOne(() => ExpertEntity)
  @JoinColumn({ name: 'expert_id', foreignKeyConstraintName: 'fk_acceptance_panel_members_expert' })
  expert?: ExpertEntity;

  @Column({ type: 'text' })
  role: AcceptancePanelRole;

  /** 1-based order within the role, in the seeded draw order. */
  @Column({ type: 'integer' })
  position: number;

  @Column({ type: 'text' })
  status: AcceptanceMemberStatus;

  @Column({ type: 'text', nullable: true })
  statusReason: string | null;

  /** The reserve that took this member's place. */
  @Column({ type: 'uuid', nullable: true })
  replacedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  declaredAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
