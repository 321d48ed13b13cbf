import { StateMachine } from '../../../common/state-machine/state-machine';
import { ACCEPTANCE_STATUSES, AcceptanceStatus } from './entities/acceptance.entity';

export const ACCEPTANCE_ACTIONS_OF_MACHINE = [
  'request',
  'pass',
  'pass_with_conditions',
  'fail',
  'meet_conditions',
  'miss_conditions',
] as const;
export type AcceptanceAction = (typeof ACCEPTANCE_ACTIONS_OF_MACHINE)[number];

/** An acceptance (docs/adr/0029): requested, decided by the admin, perhaps after conditions. */
export const ACCEPTANCE_MACHINE = new StateMachine<AcceptanceStatus, AcceptanceAction>({
  aggregate: 'acceptance',
  states: ACCEPTANCE_STATUSES,
  actions: ACCEPTANCE_ACTIONS_OF_MACHINE,
  transitions: [
    {
      action: 'request',
      from: [],
      to: 'requested',
      by: 'applicant',
      description: 'every milestone passed, every indicator measured; the panel is drawn at once',
    },
    {
      action: 'pass',
      from: ['requested'],
      to: 'passed',
      by: 'admin',
      description:
        'every active member submitted (or a closeReason): the project accepted, final tranches approved',
    },
    {
      action: 'pass_with_conditions',
      from: ['requested'],
      to: 'conditional',
      by: 'admin',
      description: 'conditions and a future due date; a deadline is scheduled',
    },
    {
      action: 'fail',
      from: ['requested'],
      to: 'failed',
      by: 'admin',
      description: 'the project failed; integrity records unless the due-diligence exemption',
    },
    {
      action: 'meet_conditions',
      from: ['conditional'],
      to: 'passed',
      by: 'admin',
      description: 'the conditions confirmed met before their due date',
    },
    {
      action: 'miss_conditions',
      from: ['conditional'],
      to: 'failed',
      by: 'admin or system',
      description: 'confirmed not met, or unconfirmed at the due date (then without the exemption)',
    },
  ],
});
