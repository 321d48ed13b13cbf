import {
  PREVIOUS,
  SAME,
  StateMachine,
  type TransitionRow,
} from '../../../common/state-machine/state-machine';
import { PROJECT_STATUSES, type ProjectStatus } from './entities/project.entity';

export const PROJECT_ACTIONS = [
  'award',
  'sign',
  'activate',
  'submit_milestone_report',
  'assess_milestone',
  'request_change',
  'approve_change',
  'request_acceptance',
  'accept',
  'fail',
  'return_to_active',
  'suspend',
  'resume',
  'terminate',
] as const;
export type ProjectAction = (typeof PROJECT_ACTIONS)[number];

export { PROJECT_STATUSES };

export type ProjectTransition = TransitionRow<ProjectStatus, ProjectAction>;

/** The project's state machine (DOMAIN.md "Projects, milestones, money" and "Acceptance") as data. */
export const PROJECT_MACHINE = new StateMachine<ProjectStatus, ProjectAction>({
  aggregate: 'project',
  states: PROJECT_STATUSES,
  actions: PROJECT_ACTIONS,
  transitions: [
    {
      action: 'award',
      from: [],
      to: 'pending_signature',
      by: 'system',
      description: 'the award of the challenge creates one project per selected application',
    },
    {
      action: 'sign',
      from: ['pending_signature'],
      to: SAME,
      by: 'parties',
      description: 'the issuer, the lead organization and an admin each sign the task book once',
    },
    {
      action: 'activate',
      from: ['pending_signature'],
      to: 'active',
      by: 'parties',
      description: 'the third of the three signatures (issuer, applicant lead organization, admin)',
    },
    {
      action: 'submit_milestone_report',
      from: ['active'],
      to: SAME,
      by: 'applicant',
      description: 'a milestone report (the milestone moves, the project does not)',
    },
    {
      action: 'assess_milestone',
      from: ['active'],
      to: SAME,
      by: 'admin',
      description: 'a milestone assessment (the milestone moves, the project does not)',
    },
    {
      action: 'request_change',
      from: ['active'],
      to: SAME,
      by: 'applicant',
      description: 'a change request of the task book',
    },
    {
      action: 'approve_change',
      from: ['active'],
      to: SAME,
      by: 'admin',
      description: 'an approved change request: the task book gets a new version',
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
      to: PREVIOUS,
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
  ],
});

/** The table's rows (kept for the readers of the former export). */
export const PROJECT_TRANSITIONS: readonly ProjectTransition[] = PROJECT_MACHINE.transitions;

/** Projects whose life is over: nothing changes them any more. */
export const CLOSED_PROJECT_STATUSES: readonly ProjectStatus[] = ['accepted', 'failed', 'terminated'];

/** 409 INVALID_STATE_TRANSITION naming the project's state and the action. */
export function assertProjectTransition(status: ProjectStatus, action: ProjectAction): void {
  PROJECT_MACHINE.assert(status, action);
}
