import { StateMachine } from '../../../common/state-machine/state-machine';

/**
 * The statuses of an expert drawn for a panel, review or acceptance alike (ADR 0041): a reserve
 * waits `standby`; a member on the panel is `pending` until it declares, `declared` once it
 * declared no conflict, `submitted` once its work is final; it leaves `conflicted` or `declined`;
 * a reserve found conflicted when called is `unused`.
 */
export const PANEL_MEMBER_STATUSES = [
  'standby',
  'pending',
  'declared',
  'submitted',
  'conflicted',
  'declined',
  'unused',
] as const;
export type PanelMemberStatus = (typeof PANEL_MEMBER_STATUSES)[number];

/** A member still on the panel (its seat counts towards the panel's strength). */
export const SEATED_MEMBER_STATUSES: readonly PanelMemberStatus[] = ['pending', 'declared', 'submitted'];

export const PANEL_MEMBER_ACTIONS = [
  'draw',
  'draw_reserve',
  'call',
  'skip',
  'declare',
  'submit',
  'conflict',
  'decline',
] as const;
export type PanelMemberAction = (typeof PANEL_MEMBER_ACTIONS)[number];

/** Why a member leaves the panel: the action and the status it leaves with. */
export type LeaveOutcome = 'conflicted' | 'declined';
export const LEAVE_ACTION: Record<LeaveOutcome, PanelMemberAction> = {
  conflicted: 'conflict',
  declined: 'decline',
};

export const PANEL_MEMBER_MACHINE = new StateMachine<PanelMemberStatus, PanelMemberAction>({
  aggregate: 'panel member',
  states: PANEL_MEMBER_STATUSES,
  actions: PANEL_MEMBER_ACTIONS,
  transitions: [
    {
      action: 'draw',
      from: [],
      to: 'pending',
      by: 'admin or applicant',
      description: 'drawn onto the panel',
    },
    {
      action: 'draw_reserve',
      from: [],
      to: 'standby',
      by: 'admin or applicant',
      description: 'drawn as a reserve',
    },
    {
      action: 'call',
      from: ['standby'],
      to: 'pending',
      by: 'system',
      description: 'the next reserve without a conflict takes the place of a member who left',
    },
    {
      action: 'skip',
      from: ['standby'],
      to: 'unused',
      by: 'system',
      description: 'a reserve found conflicted when called is passed over',
    },
    {
      action: 'declare',
      from: ['pending'],
      to: 'declared',
      by: 'expert',
      description: 'no conflict declared and none found by the rules now',
    },
    { action: 'submit', from: ['declared'], to: 'submitted', by: 'expert', description: 'the work is final' },
    {
      action: 'conflict',
      from: ['pending', 'declared', 'submitted'],
      to: 'conflicted',
      by: 'expert or system',
      description: 'a conflict declared or found: the member leaves and a reserve is called',
    },
    {
      action: 'decline',
      from: ['pending', 'declared', 'submitted'],
      to: 'declined',
      by: 'expert',
      description: 'the member declines: it leaves and a reserve is called',
    },
  ],
});
