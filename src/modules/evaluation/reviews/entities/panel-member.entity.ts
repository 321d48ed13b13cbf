import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ExpertEntity } from '../../experts/entities/expert.entity';
import { ReviewPanelEntity } from './review-panel.entity';

export const PANEL_ROLES = ['member', 'reserve'] as const;
export type PanelRole = (typeof PANEL_ROLES)[number];

/**
 * The seat as this table stores it (panels/panel-seats.ts REVIEW spelling of the shared member
 * statuses): active: on the panel; standby: a reserve not called; replaced: left the panel;
 * unused: a reserve passed over. The member's work is per application, in review_assignments.
 */
export const PANEL_MEMBER_STATUSES = ['active', 'standby', 'replaced', 'unused'] as const;
export type PanelMemberStatus = (typeof PANEL_MEMBER_STATUSES)[number];

/** An expert drawn for a panel, as a member or as a reserve (position = order in the draw). */
@Entity('panel_members')
@Index('uq_panel_members_expert', ['panelId', 'expertId'], { unique: true })
@Index('uq_panel_members_position', ['panelId', 'role', 'position'], { unique: true })
@Check('ck_panel_members_role', `"role" IN ('member', 'reserve')`)
@Check('ck_panel_members_status', `"status" IN ('active', 'standby', 'replaced', 'unused')`)
export class PanelMemberEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  panelId: string;

  @ManyToOne(() => ReviewPanelEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'panel_id', foreignKeyConstraintName: 'fk_panel_members_panel' })
  panel?: ReviewPanelEntity;

  @Column({ type: 'uuid' })
  expertId: string;

  @ManyToOne(() => ExpertEntity)
  @JoinColumn({ name: 'expert_id', foreignKeyConstraintName: 'fk_panel_members_expert' })
  expert?: ExpertEntity;

  @Column({ type: 'text' })
  role: PanelRole;

  /** 1-based order within the role, in the seeded draw order. */
  @Column({ type: 'integer' })
  position: number;

  @Column({ type: 'text' })
  status: PanelMemberStatus;

  /** Why the member left (a declared conflict, a decline, a conflict found at declaration). */
  @Column({ type: 'text', nullable: true })
  statusReason: string | null;

  /** The reserve that took this member's place. */
  @Column({ type: 'uuid', nullable: true })
  replacedBy: string | null;

  @ManyToOne(() => PanelMemberEntity)
  @JoinColumn({ name: 'replaced_by', foreignKeyConstraintName: 'fk_panel_members_replaced_by' })
  replacement?: PanelMemberEntity;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
