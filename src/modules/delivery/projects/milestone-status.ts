import { SAME, StateMachine } from '../../../common/state-machine/state-machine';
import { DomainError } from '../../../common/errors/domain-error';
import { MILESTONE_STATUSES, type MilestoneStatus } from './entities/project-parts.entity';

export const MILESTONE_ACTIONS = [
  'plan',
  'submit_report',
  'pass',
  'pass_with_conditions',
  'fail',
  'extend',
  'mark_overdue',
] as const;
export type MilestoneAction = (typeof MILESTONE_ACTIONS)[number];

/** A milestone of a project (ADR 0027): reported by the lead applicant, assessed by an admin. */
export const MILESTONE_MACHINE = new StateMachine<MilestoneStatus, MilestoneAction>({
  aggregate: 'milestone',
  states: MILESTONE_STATUSES,
  actions: MILESTONE_ACTIONS,
  transitions: [
    {
      action: 'plan',
      from: [],
      to: 'pending',
      by: 'system',
      description: 'created with its project at the award',
    },
    {
      action: 'submit_report',
      from: ['pending', 'failed'],
      to: 'submitted',
      by: 'applicant',
      description:
        'a report with indicator progress and evidence; a failed one only within the resubmissions allowed',
    },
    { action: 'pass', from: ['submitted'], to: 'passed', by: 'admin', description: 'assessed: passed' },
    {
      action: 'pass_with_conditions',
      from: ['submitted'],
      to: 'conditionally_passed',
      by: 'admin',
      description: 'assessed: passed with conditions',
    },
    { action: 'fail', from: ['submitted'], to: 'failed', by: 'admin', description: 'assessed: failed' },
    {
      action: 'extend',
      from: ['pending', 'submitted', 'failed'],
      to: SAME,
      by: 'admin',
      description: 'an approved extension moves the due time later',
    },
    {
      action: 'mark_overdue',
      from: ['pending', 'failed'],
      to: SAME,
      by: 'system',
      description: 'its due time passed without a report: marked overdue once',
    },
  ],
});

/** The assessment outcome's action. */
export const ASSESSMENT_ACTIONS = {
  passed: 'pass',
  conditionally_passed: 'pass_with_conditions',
  failed: 'fail',
} as const satisfies Record<string, MilestoneAction>;

export type AssessmentOutcome = keyof typeof ASSESSMENT_ACTIONS;

/** The status an assessment gives a submitted milestone; 409 (action `assess`) from any other. */
export function assessedStatus(from: MilestoneStatus, outcome: AssessmentOutcome): MilestoneStatus {
  const action = ASSESSMENT_ACTIONS[outcome];
  if (!MILESTONE_MACHINE.can(from, action)) throw DomainError.invalidTransition(from, 'assess');
  return MILESTONE_MACHINE.target(from, action);
}

/** Statuses an assessment has already given. */
export const ASSESSED_MILESTONE_STATUSES: readonly MilestoneStatus[] = [
  'passed',
  'conditionally_passed',
  'failed',
];
