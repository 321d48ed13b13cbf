import { DomainError } from '../../../common/errors/domain-error';

export const APPLICATION_STATUSES = [
  'draft',
  'submitted',
  'eligible',
  'ineligible',
  'returned',
  'under_review',
  'shortlisted',
  'selected',
  'not_selected',
  'withdrawn',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export type ApplicationAction =
  | 'edit'
  | 'pledge'
  | 'submit'
  | 'withdraw'
  | 'formal_check'
  | 'start_review'
  | 'shortlist'
  | 'select'
  | 'deselect'
  | 'not_select';

export interface ApplicationTransition {
  action: ApplicationAction;
  from: readonly ApplicationStatus[];
  /** null: the state does not change, or the action decides it (the formal check). */
  to: ApplicationStatus | null;
  by: 'applicant' | 'leader' | 'admin';
  /** Also needs the list open by the clock (before closesAt). */
  beforeClose: boolean;
  description: string;
}

/** The bid's state machine (DOMAIN.md "Teams and bids") as data; review and selection add rows. */
export const APPLICATION_TRANSITIONS: readonly ApplicationTransition[] = [
  {
    action: 'edit',
    from: ['draft', 'returned'],
    to: null,
    by: 'applicant',
    beforeClose: true,
    description: 'change the draft, or correct a returned bid',
  },
  {
    action: 'pledge',
    from: ['draft', 'returned'],
    to: null,
    by: 'leader',
    beforeClose: true,
    description: 'the leader accepts the responsibility pledge (军令状)',
  },
  {
    action: 'submit',
    from: ['draft', 'returned'],
    to: 'submitted',
    by: 'applicant',
    beforeClose: true,
    description: 'submit (or resubmit a returned bid) before closesAt',
  },
  {
    action: 'withdraw',
    from: ['draft', 'submitted', 'eligible', 'ineligible', 'returned'],
    to: 'withdrawn',
    by: 'applicant',
    beforeClose: true,
    description: 'withdraw before closesAt',
  },
  {
    action: 'formal_check',
    from: ['submitted'],
    to: null,
    by: 'admin',
    beforeClose: false,
    description: 'formal check (形式审查): eligible, ineligible or returned, with a reason',
  },
  {
    action: 'start_review',
    from: ['eligible'],
    to: 'under_review',
    by: 'admin',
    beforeClose: false,
    description: 'the panel is drawn: eligible bids go to review',
  },
  {
    action: 'shortlist',
    from: ['under_review'],
    to: 'shortlisted',
    by: 'admin',
    beforeClose: false,
    description: 'the panel closed and the bid reached the pass line',
  },
  {
    action: 'select',
    from: ['shortlisted'],
    to: 'selected',
    by: 'admin',
    beforeClose: false,
    description: 'selected by the admin with the issuer’s agreement (publicity follows)',
  },
  {
    action: 'deselect',
    from: ['selected'],
    to: 'shortlisted',
    by: 'admin',
    beforeClose: false,
    description: 'an objection was upheld: the selection is reopened',
  },
  {
    action: 'not_select',
    from: ['under_review', 'shortlisted'],
    to: 'not_selected',
    by: 'admin',
    beforeClose: false,
    description: 'the award went to other bids, or the list was unsuccessful (流榜)',
  },
];

/** Bids that count against a leader's limit: in play, or won. */
export const LEADER_LOAD_STATUSES: readonly ApplicationStatus[] = [
  'submitted',
  'eligible',
  'returned',
  'under_review',
  'shortlisted',
  'selected',
];

/** Bids the issuer organization and the count after closing see: everything ever submitted, not withdrawn. */
export const SUBMITTED_STATUSES: readonly ApplicationStatus[] = [
  'submitted',
  'eligible',
  'ineligible',
  'returned',
  'under_review',
  'shortlisted',
  'selected',
  'not_selected',
];

export function transitionOf(action: ApplicationAction): ApplicationTransition {
  const transition = APPLICATION_TRANSITIONS.find((t) => t.action === action);
  if (!transition) throw new Error(`No transition for ${action}`);
  return transition;
}

/** 409 INVALID_STATE_TRANSITION naming the bid's state and the action. */
export function assertApplicationTransition(status: ApplicationStatus, action: ApplicationAction): void {
  if (!transitionOf(action).from.includes(status)) throw DomainError.invalidTransition(status, action);
}
