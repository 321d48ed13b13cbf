import { DomainError } from '../../../common/errors/domain-error';
import { PREVIOUS, SAME, StateMachine } from '../../../common/state-machine/state-machine';

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

export const APPLICATION_ACTIONS = [
  'create',
  'edit',
  'pledge',
  'submit',
  'withdraw',
  'declare_eligible',
  'declare_ineligible',
  'return',
  'start_review',
  'shortlist',
  'select',
  'deselect',
  'not_select',
] as const;
/** An action of the machine: the formal check is three, one per outcome. */
export type ApplicationMachineAction = (typeof APPLICATION_ACTIONS)[number];

/** The outcomes of the formal check (形式审查) and the machine's action for each. */
export type FormalCheckOutcome = 'eligible' | 'ineligible' | 'returned';
export const FORMAL_CHECK_ACTIONS: Record<FormalCheckOutcome, ApplicationMachineAction> = {
  eligible: 'declare_eligible',
  ineligible: 'declare_ineligible',
  returned: 'return',
};

/**
 * The actions as the API and other modules name them: `formal_check` stands for its three
 * outcomes (whichever the admin decides).
 */
export type ApplicationAction =
  | Exclude<ApplicationMachineAction, 'create' | 'declare_eligible' | 'declare_ineligible' | 'return'>
  | 'formal_check';

/** The application's state machine (DOMAIN.md "Teams and bids") as data; review and selection add rows. */
export const APPLICATION_MACHINE = new StateMachine<ApplicationStatus, ApplicationMachineAction>({
  aggregate: 'application',
  states: APPLICATION_STATUSES,
  actions: APPLICATION_ACTIONS,
  transitions: [
    {
      action: 'create',
      from: [],
      to: 'draft',
      by: 'applicant',
      description: 'a new draft application on an open challenge',
    },
    {
      action: 'edit',
      from: ['draft', 'returned'],
      to: SAME,
      by: 'applicant',
      description: 'change the draft, or correct a returned application (before closesAt)',
    },
    {
      action: 'pledge',
      from: ['draft', 'returned'],
      to: SAME,
      by: 'leader',
      description: 'the leader accepts the responsibility pledge (军令状) (before closesAt)',
    },
    {
      action: 'submit',
      from: ['draft', 'returned'],
      to: 'submitted',
      by: 'applicant',
      description: 'submit (or resubmit a returned application) before closesAt',
    },
    {
      action: 'withdraw',
      from: ['draft', 'submitted', 'eligible', 'ineligible', 'returned'],
      to: 'withdrawn',
      by: 'applicant',
      description: 'withdraw before closesAt',
    },
    {
      action: 'declare_eligible',
      from: ['submitted'],
      to: 'eligible',
      by: 'admin',
      description: 'formal check (形式审查): every rule passes',
    },
    {
      action: 'declare_ineligible',
      from: ['submitted'],
      to: 'ineligible',
      by: 'admin',
      description: 'formal check (形式审查): refused, with a reason',
    },
    {
      action: 'return',
      from: ['submitted'],
      to: 'returned',
      by: 'admin',
      description: 'formal check (形式审查): sent back for correction, with a reason, before closesAt',
    },
    {
      action: 'start_review',
      from: ['eligible'],
      to: 'under_review',
      by: 'admin',
      description: 'the panel is drawn: eligible applications go to review',
    },
    {
      action: 'shortlist',
      from: ['under_review'],
      to: 'shortlisted',
      by: 'admin',
      description: 'the panel closed and the application reached the pass line',
    },
    {
      action: 'select',
      from: ['shortlisted'],
      to: 'selected',
      by: 'admin',
      description: 'selected by the admin with the issuer’s agreement (publicity follows)',
    },
    {
      action: 'deselect',
      from: ['selected'],
      to: 'shortlisted',
      by: 'admin',
      description: 'an objection was upheld: the selection is reopened',
    },
    {
      action: 'not_select',
      from: ['under_review', 'shortlisted'],
      to: 'not_selected',
      by: 'admin',
      description: 'the award went to other applications, or the challenge was unsuccessful (流榜)',
    },
  ],
});

export interface ApplicationTransition {
  action: ApplicationAction;
  from: readonly ApplicationStatus[];
  /** null: the state does not change, or the action decides it (the formal check). */
  to: ApplicationStatus | null;
  by: 'applicant' | 'leader' | 'admin';
  /** Also needs the challenge open by the clock (before closesAt). */
  beforeClose: boolean;
  description: string;
}

/** Actions that also need the challenge open by the clock (before closesAt). */
const BEFORE_CLOSE: ReadonlySet<ApplicationAction> = new Set(['edit', 'pledge', 'submit', 'withdraw']);

function legacyRow(action: ApplicationAction): ApplicationTransition {
  const rows =
    action === 'formal_check'
      ? Object.values(FORMAL_CHECK_ACTIONS).map((a) =>
          APPLICATION_MACHINE.transitions.find((r) => r.action === a)!,
        )
      : APPLICATION_MACHINE.transitions.filter((r) => r.action === action);
  const [row] = rows;
  return {
    action,
    from: [...new Set(rows.flatMap((r) => r.from))],
    to: action === 'formal_check' || row.to === SAME || row.to === PREVIOUS ? null : row.to,
    by: row.by as ApplicationTransition['by'],
    beforeClose: BEFORE_CLOSE.has(action),
    description:
      action === 'formal_check'
        ? 'formal check (形式审查): eligible, ineligible or returned, with a reason'
        : row.description,
  };
}

/** The machine's rows as the API names the actions (the formal check as one), for descriptions. */
export const APPLICATION_TRANSITIONS: readonly ApplicationTransition[] = (
  [
    'edit',
    'pledge',
    'submit',
    'withdraw',
    'formal_check',
    'start_review',
    'shortlist',
    'select',
    'deselect',
    'not_select',
  ] as const
).map(legacyRow);

/** Applications that count against a leader's limit: in play, or won. */
export const LEADER_LOAD_STATUSES: readonly ApplicationStatus[] = [
  'submitted',
  'eligible',
  'returned',
  'under_review',
  'shortlisted',
  'selected',
];

/** Applications the issuer organization and the count after closing see: everything ever submitted, not withdrawn. */
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

/** 409 INVALID_STATE_TRANSITION naming the application's state and the action. */
export function assertApplicationTransition(status: ApplicationStatus, action: ApplicationAction): void {
  if (action === 'formal_check') {
    if (!APPLICATION_MACHINE.sourcesOf('declare_eligible').includes(status)) {
      throw DomainError.invalidTransition(status, action);
    }
    return;
  }
  APPLICATION_MACHINE.assert(status, action);
}
