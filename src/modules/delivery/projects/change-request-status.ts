import { StateMachine } from '../../../common/state-machine/state-machine';
import { DomainError } from '../../../common/errors/domain-error';
import { CHANGE_REQUEST_STATUSES, type ChangeRequestStatus } from './entities/project-work.entity';

export const CHANGE_REQUEST_ACTIONS = ['lodge', 'approve', 'reject'] as const;
export type ChangeRequestAction = (typeof CHANGE_REQUEST_ACTIONS)[number];

/** A change request (变更) of a project's task book: lodged by the lead applicant, decided by an admin. */
export const CHANGE_REQUEST_MACHINE = new StateMachine<ChangeRequestStatus, ChangeRequestAction>({
  aggregate: 'change request',
  states: CHANGE_REQUEST_STATUSES,
  actions: CHANGE_REQUEST_ACTIONS,
  transitions: [
    {
      action: 'lodge',
      from: [],
      to: 'pending',
      by: 'applicant',
      description: 'an extension, an indicator change or a member change, with a reason',
    },
    {
      action: 'approve',
      from: ['pending'],
      to: 'approved',
      by: 'admin',
      description: 'applied to the task book, which gets a new version',
    },
    { action: 'reject', from: ['pending'], to: 'rejected', by: 'admin', description: 'nothing changes' },
  ],
});

const DECISION_ACTIONS = { approved: 'approve', rejected: 'reject' } as const;

/** The status a decision gives a pending request; 409 naming the decision from any other. */
export function decidedStatus(
  from: ChangeRequestStatus,
  decision: 'approved' | 'rejected',
): ChangeRequestStatus {
  const action = DECISION_ACTIONS[decision];
  if (!CHANGE_REQUEST_MACHINE.can(from, action)) throw DomainError.invalidTransition(from, decision);
  return CHANGE_REQUEST_MACHINE.target(from, action);
}
