import { StateMachine, TransitionRow } from '../../../common/state-machine/state-machine';

export const SESSION_KINDS = ['defence', 'site_visit'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

export const SESSION_STATUSES = ['scheduled', 'held', 'cancelled'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** How the session went, recorded with the minutes; the detail is in the minutes. */
export const SESSION_OUTCOMES = ['satisfactory', 'concerns', 'unsatisfactory'] as const;
export type SessionOutcome = (typeof SESSION_OUTCOMES)[number];

/** Applications a session may be scheduled for: in review, or shortlisted by the panel. */
export const SESSION_APPLICATION_STATUSES = ['under_review', 'shortlisted'] as const;

export const SESSION_ACTIONS = ['schedule', 'reschedule', 'hold', 'cancel'] as const;
export type SessionAction = (typeof SESSION_ACTIONS)[number];

/** A row of the session's table; `schedule` has no `from`: it creates the session. */
export type SessionTransition = TransitionRow<SessionStatus, SessionAction>;

/**
 * The session's state machine (ADR 0025) as data: the service takes every new status from it and
 * the OpenAPI descriptions quote it. `held` and `cancelled` are final. Every action is an admin's.
 */
export const SESSION_MACHINE = new StateMachine<SessionStatus, SessionAction>({
  aggregate: 'session',
  states: SESSION_STATUSES,
  actions: SESSION_ACTIONS,
  transitions: [
    {
      action: 'schedule',
      from: [],
      to: 'scheduled',
      by: 'admin',
      description: `the challenge is under_review and the application is ${SESSION_APPLICATION_STATUSES.join(' or ')}; scheduledAt is in the future`,
    },
    {
      action: 'reschedule',
      from: ['scheduled'],
      to: 'scheduled',
      by: 'admin',
      description:
        'the challenge is still under_review; scheduledAt (new or kept) is in the future; a location or a link remains',
    },
    {
      action: 'hold',
      from: ['scheduled'],
      to: 'held',
      by: 'admin',
      description: 'minutes and outcome given; not before scheduledAt',
    },
    {
      action: 'cancel',
      from: ['scheduled'],
      to: 'cancelled',
      by: 'admin',
      description: 'a reason given',
    },
  ],
});

/** The table's rows (kept for readers of the former constant). */
export const SESSION_TRANSITIONS: readonly SessionTransition[] = SESSION_MACHINE.transitions;

export function sessionTransitionOf(action: SessionAction): SessionTransition {
  const transition = SESSION_TRANSITIONS.find((t) => t.action === action);
  if (!transition) throw new Error(`No transition for ${action}`);
  return transition;
}

/** 409 INVALID_STATE_TRANSITION naming the session's state and the action. */
export function assertSessionTransition(status: SessionStatus, action: SessionAction): void {
  SESSION_MACHINE.assert(status, action);
}

/** One line per transition, for the OpenAPI description of PATCH /sessions/{id}. */
export function describeSessionTransitions(): string {
  return SESSION_TRANSITIONS.map(
    (t) => `${t.action}: ${t.from.length ? t.from.join(', ') : '(new)'} → ${t.to} (${t.description})`,
  ).join('; ');
}
