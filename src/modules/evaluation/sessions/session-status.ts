import { DomainError } from '../../../common/errors/domain-error';

export const SESSION_KINDS = ['defence', 'site_visit'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

export const SESSION_STATUSES = ['scheduled', 'held', 'cancelled'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** How the session went, recorded with the minutes; the detail is in the minutes. */
export const SESSION_OUTCOMES = ['satisfactory', 'concerns', 'unsatisfactory'] as const;
export type SessionOutcome = (typeof SESSION_OUTCOMES)[number];

/** Bids a session may be scheduled for: in review, or shortlisted by the panel. */
export const SESSION_BID_STATUSES = ['under_review', 'shortlisted'] as const;

export type SessionAction = 'schedule' | 'reschedule' | 'hold' | 'cancel';

export interface SessionTransition {
  action: SessionAction;
  /** Empty for `schedule`: it creates the session. */
  from: readonly SessionStatus[];
  to: SessionStatus;
  by: 'admin';
  /** What else must hold, checked by the service. */
  guard: string;
}

/**
 * The session's state machine (ADR 0025) as data: the service checks every change against it and
 * the OpenAPI descriptions quote it. `held` and `cancelled` are final.
 */
export const SESSION_TRANSITIONS: readonly SessionTransition[] = [
  {
    action: 'schedule',
    from: [],
    to: 'scheduled',
    by: 'admin',
    guard: `the list is under_review and the bid is ${SESSION_BID_STATUSES.join(' or ')}; scheduledAt is in the future`,
  },
  {
    action: 'reschedule',
    from: ['scheduled'],
    to: 'scheduled',
    by: 'admin',
    guard:
      'the list is still under_review; scheduledAt (new or kept) is in the future; a location or a link remains',
  },
  {
    action: 'hold',
    from: ['scheduled'],
    to: 'held',
    by: 'admin',
    guard: 'minutes and outcome given; not before scheduledAt',
  },
  {
    action: 'cancel',
    from: ['scheduled'],
    to: 'cancelled',
    by: 'admin',
    guard: 'a reason given',
  },
];

export function sessionTransitionOf(action: SessionAction): SessionTransition {
  const transition = SESSION_TRANSITIONS.find((t) => t.action === action);
  if (!transition) throw new Error(`No transition for ${action}`);
  return transition;
}

/** 409 INVALID_STATE_TRANSITION naming the session's state and the action. */
export function assertSessionTransition(status: SessionStatus, action: SessionAction): void {
  if (!sessionTransitionOf(action).from.includes(status)) throw DomainError.invalidTransition(status, action);
}

/** One line per transition, for the OpenAPI description of PATCH /sessions/{id}. */
export function describeSessionTransitions(): string {
  return SESSION_TRANSITIONS.map(
    (t) => `${t.action}: ${t.from.length ? t.from.join(', ') : '(new)'} → ${t.to} (${t.guard})`,
  ).join('; ');
}
