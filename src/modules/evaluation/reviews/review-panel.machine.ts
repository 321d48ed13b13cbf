import { StateMachine } from '../../../common/state-machine/state-machine';
import type { PanelMemberStatus as StoredSeat } from './entities/panel-member.entity';
import { PANEL_STATUSES, PanelStatus } from './entities/review-panel.entity';
import type { PanelMemberStatus } from '../panels/panel-member.machine';
import type { StatusSpelling } from '../panels/panel-seats';

export const REVIEW_PANEL_ACTIONS = ['draw', 'close'] as const;
export type ReviewPanelAction = (typeof REVIEW_PANEL_ACTIONS)[number];

/** A challenge's review panel (docs/adr/0024): open while experts score, closed with the results. */
export const REVIEW_PANEL_MACHINE = new StateMachine<PanelStatus, ReviewPanelAction>({
  aggregate: 'review panel',
  states: PANEL_STATUSES,
  actions: REVIEW_PANEL_ACTIONS,
  transitions: [
    {
      action: 'draw',
      from: [],
      to: 'open',
      by: 'admin',
      description: 'the review of a closed challenge starts with the seeded draw',
    },
    {
      action: 'close',
      from: ['open'],
      to: 'closed',
      by: 'system or admin',
      description:
        'every score in (system), or an admin with a reason: results computed and applications shortlisted',
    },
  ],
});

/**
 * How `panel_members` spells the shared member statuses (panels/panel-member.machine.ts): the row
 * is the seat only (the work is per application, in review_assignments), so a member on the panel is
 * `active` whatever its work, and one that left is `replaced`.
 */
export const REVIEW_SEAT_SPELLING: StatusSpelling<StoredSeat> = {
  read: (stored): PanelMemberStatus => {
    if (stored === 'active') return 'pending';
    if (stored === 'replaced') return 'conflicted';
    return stored;
  },
  write: (status): StoredSeat => {
    if (status === 'pending' || status === 'declared' || status === 'submitted') return 'active';
    if (status === 'conflicted' || status === 'declined') return 'replaced';
    return status;
  },
};
