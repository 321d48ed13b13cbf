import { SAME, StateMachine } from '../../../common/state-machine/state-machine';

export const RESULT_STATUSES = ['draft', 'submitted', 'published', 'returned', 'withdrawn'] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

export const RESULT_MACHINE_ACTIONS = [
  'create',
  'draft_from_acceptance',
  'update',
  'submit',
  'publish',
  'return',
  'withdraw',
  'accept_nda',
] as const;
export type ResultAction = (typeof RESULT_MACHINE_ACTIONS)[number];

/** A result of the results library (成果库, docs/adr/0059). */
export const RESULT_MACHINE = new StateMachine<ResultStatus, ResultAction>({
  aggregate: 'result',
  states: RESULT_STATUSES,
  actions: RESULT_MACHINE_ACTIONS,
  transitions: [
    {
      action: 'create',
      from: [],
      to: 'draft',
      by: 'organization user',
      description: 'a draft of the caller’s organization, its holder',
    },
    {
      action: 'draft_from_acceptance',
      from: [],
      to: 'draft',
      by: 'system',
      description:
        'a passed acceptance: drafted from the task book, the indicators and their verdicts, verifiedTrl = the panel’s TRL verdict',
    },
    {
      action: 'update',
      from: ['draft', 'returned'],
      to: 'draft',
      by: 'holder',
      description: 'edit the draft (a returned result becomes a draft again)',
    },
    {
      action: 'submit',
      from: ['draft', 'returned'],
      to: 'submitted',
      by: 'holder',
      description: 'to vetting by a broker or an admin',
    },
    {
      action: 'publish',
      from: ['submitted'],
      to: 'published',
      by: 'admin or broker',
      description: 'listed in the public results library',
    },
    {
      action: 'return',
      from: ['submitted'],
      to: 'returned',
      by: 'admin or broker',
      description: 'back to the holder with a reason',
    },
    {
      action: 'withdraw',
      from: ['draft', 'submitted', 'returned', 'published'],
      to: 'withdrawn',
      by: 'holder',
      description: 'taken out of the library for good',
    },
    {
      action: 'accept_nda',
      from: ['published'],
      to: SAME,
      by: 'signed-in person',
      description:
        'the non-disclosure undertaking (保密承诺) that opens the confidential details to its maker',
    },
  ],
});

export const UTILISATION_STATUSES = ['scheduled', 'requested', 'reported', 'overdue'] as const;
export type UtilisationStatus = (typeof UTILISATION_STATUSES)[number];

export const UTILISATION_ACTIONS = ['schedule', 'request', 'report', 'miss'] as const;
export type UtilisationAction = (typeof UTILISATION_ACTIONS)[number];

/** A yearly utilisation report (成果转化应用情况报告) of a result of an accepted project. */
export const UTILISATION_MACHINE = new StateMachine<UtilisationStatus, UtilisationAction>({
  aggregate: 'utilisation report',
  states: UTILISATION_STATUSES,
  actions: UTILISATION_ACTIONS,
  transitions: [
    {
      action: 'schedule',
      from: [],
      to: 'scheduled',
      by: 'system',
      description: 'one per year for RESULT_UTILISATION_YEARS years after the acceptance',
    },
    {
      action: 'request',
      from: ['scheduled'],
      to: 'requested',
      by: 'system',
      description: 'the yearly deadline job asks the holder; reminders before the due date',
    },
    {
      action: 'report',
      from: ['requested', 'overdue'],
      to: 'reported',
      by: 'holder',
      description: 'whether and how the result is used',
    },
    {
      action: 'miss',
      from: ['requested'],
      to: 'overdue',
      by: 'system',
      description: 'not filed by the due date: an overdue notice',
    },
  ],
});
