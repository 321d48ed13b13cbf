import { DomainError } from '../../../common/errors/domain-error';
import type { ProjectStatus } from './entities/project.entity';

export type ProjectAction =
  | 'activate'
  | 'request_acceptance'
  | 'accept'
  | 'fail'
  | 'return_to_active'
  | 'suspend'
  | 'resume'
  | 'terminate';

export interface ProjectTransition {
  action: ProjectAction;
  from: readonly ProjectStatus[];
  /** null: `resume` returns to the status the project was suspended from. */
  to: ProjectStatus | null;
  by: 'parties' | 'applicant' | 'admin';
  description: string;
}

/** The project's state machine (DOMAIN.md "Projects, milestones, money" and "Acceptance") as data. */
export const PROJECT_TRANSITIONS: readonly ProjectTransition[] = [
  {
    action: 'activate',
    from: ['pending_signature'],
    to: 'active',
    by: 'parties',
    description: 'the third of the three signatures (issuer, applicant lead organization, admin)',
  },
  {
    action: 'request_acceptance',
    from: ['active'],
    to: 'acceptance_requested',
    by: 'applicant',
    description: 'every milestone passed: the applicant asks for acceptance (验收)',
  },
  {
    action: 'accept',
    from: ['acceptance_requested'],
    to: 'accepted',
    by: 'admin',
    description: 'acceptance passed (or its conditions were met)',
  },
  {
    action: 'fail',
    from: ['acceptance_requested'],
    to: 'failed',
    by: 'admin',
    description: 'acceptance failed (or its conditions were not met by their due date)',
  },
  {
    action: 'return_to_active',
    from: ['acceptance_requested'],
    to: 'active',
    by: 'admin',
    description: 'the acceptance request was withdrawn or sent back',
  },
  {
    action: 'suspend',
    from: ['pending_signature', 'active', 'acceptance_requested'],
    to: 'suspended',
    by: 'admin',
    description: 'suspended with a reason; nothing moves until it is resumed',
  },
  {
    action: 'resume',
    from: ['suspended'],
    to: null,
    by: 'admin',
    description: 'back to the status it was suspended from',
  },
  {
    action: 'terminate',
    from: ['pending_signature', 'active', 'acceptance_requested', 'suspended'],
    to: 'terminated',
    by: 'admin',
    description: 'terminated with a reason (or by a horse-race stage gate); unpaid tranches are cancelled',
  },
];

/** Projects whose life is over: nothing changes them any more. */
export const CLOSED_PROJECT_STATUSES: readonly ProjectStatus[] = ['accepted', 'failed', 'terminated'];

export function projectTransitionOf(action: ProjectAction): ProjectTransition {
  const transition = PROJECT_TRANSITIONS.find((t) => t.action === action);
  if (!transition) throw new Error(`No transition for ${action}`);
  return transition;
}

/** 409 INVALID_STATE_TRANSITION naming the project's state and the action. */
export function assertProjectTransition(status: ProjectStatus, action: ProjectAction): void {
  if (!projectTransitionOf(action).from.includes(status)) throw DomainError.invalidTransition(status, action);
}
