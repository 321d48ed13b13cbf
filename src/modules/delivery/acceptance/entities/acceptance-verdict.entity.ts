import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AcceptancePanelMemberEntity } from './acceptance-panel-member.entity';
import { AcceptanceEntity } from './acceptance.entity';

export const VERDICTS = ['met', 'partially_met', 'not_met'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** One panel member's verdict on one task-book indicator; final once written. */
@Entity('acceptance_verdicts')
@Index('ix_acceptance_verdicts_acceptance', ['acceptanceId'])
@Check('ck_acceptance_verdicts_verdict', `"verdict" IN ('met', 'partially_met', 'not_met')`)
export class AcceptanceVerdictEntity {
  @PrimaryColumn({ type: 'uuid' })
  panelMemberId: string;

  @PrimaryColumn({ type: 'uuid' })
  indicatorId: string;

  @ManyToOne(() => AcceptancePanelMemberEntity)
  @JoinColumn({ name: 'panel_member_id', foreignKeyConstraintName: 'fk_acceptance_verdicts_panel_member' })
  panelMember?: AcceptancePanelMemberEntity;

  @Column({ type: 'uuid' })
  acceptanceId: string;

  @ManyToOne(() => AcceptanceEntity)
  @JoinColumn({ name: 'acceptance_id', foreignKeyConstraintName: 'fk_acceptance_verdicts_acceptance' })
  acceptance?: AcceptanceEntity;

  @Column({ type: 'text' })
  verdict: Verdict;

  @Column({ type: 'text' })
  comment: string;

  @Column({ type: 'timestamptz' })
  createdAt: Date;
}
