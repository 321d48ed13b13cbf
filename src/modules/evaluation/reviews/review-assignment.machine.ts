import { StateMachine } from '../../../common/state-machine/state-machine';
import { ASSIGNMENT_STATUSES, AssignmentStatus } from './entities/review-assignment.entity';

export const REVIEW_ASSIGNMENT_ACTIONS = [
  'assign',
  'declare',
  'submit',
  'conflict',
  'decline',
  'cancel',
] as const;
export type ReviewAssignmentAction = (typeof REVIEW_ASSIGNMENT_ACTIONS)[number];

/** One member's review of one application (docs/adr/0024): the declaration, then the scores. */
export const REVIEW_ASSIGNMENT_MACHINE = new StateMachine<AssignmentStatus, ReviewAssignmentAction>({
  aggregate: 'review assignment',
  states: ASSIGNMENT_STATUSES,
  actions: REVIEW_ASSIGNMENT_ACTIONS,
  transitions: [
    {
      action: 'assign',
      from: [],
      to: 'pending',
      by: 'system',
      description: 'one per member and application, at the draw or a call',
    },
    {
      action: 'declare',
      from: ['pending'],
      to: 'declared',
      by: 'expert',
      description: 'no conflict declared and none found by the rules now: the application is shown',
    },
    {
      action: 'submit',
      from: ['declared'],
      to: 'submitted',
      by: 'expert',
      description: 'the scores, complete and final, while the panel is open',
    },
    {
      action: 'conflict',
      from: ['pending'],
      to: 'conflicted',
      by: 'expert or system',
      description: 'the declaration names a conflict, or the rules find one: the member is replaced',
    },
    {
      action: 'decline',
      from: ['pending'],
      to: 'declined',
      by: 'expert',
      description: 'the member is replaced',
    },
    {
      action: 'cancel',
      from: ['pending', 'declared', 'submitted'],
      to: 'cancelled',
      by: 'system',
      description:
        "the member's other assignments when it leaves the panel (a submitted score no longer counts)",
    },
  ],
});
