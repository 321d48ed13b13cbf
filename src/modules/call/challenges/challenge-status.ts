import { DomainError } from '../../../common/errors/domain-error';
import { PREVIOUS, SAME, StateMachine } from '../../../common/state-machine/state-machine';

export const CHALLENGE_STATUSES = [
  'draft',
  'pending_review',
  'published',
  'open',
  'closed',
  'under_review',
  'publicity',
  'awarded',
  'unsuccessful',
  'withdrawn',
  'cancelled',
] as const;
export type ChallengeStatus = (typeof CHALLENGE_STATUSES)[number];

export const CHALLENGE_ACTIONS = [
  'create',
  'edit',
  'submit',
  'withdraw',
  'approve',
  'reject',
  'cancel',
  'open',
  'close',
  'amend',
  'accept_nda',
  'start_review',
  'select',
  'reopen_selection',
  'finalize',
  'mark_unsuccessful',
] as const;
export type ChallengeAction = (typeof CHALLENGE_ACTIONS)[number];

export type ChallengeActor = 'issuer' | 'admin' | 'issuer_or_admin' | 'applicant' | 'system';

/**
 * The challenge's state machine (DOMAIN.md), as data: the services check every action against it
 * and take the status to write from its row; the OpenAPI descriptions quote it. `from` is the
 * effective status (see effectiveStatus): a challenge whose `closesAt` has passed is `closed` for
 * every rule, whether or not the job has run.
 */
export const CHALLENGE_MACHINE = new StateMachine<ChallengeStatus, ChallengeAction>({
  aggregate: 'challenge',
  states: CHALLENGE_STATUSES,
  actions: CHALLENGE_ACTIONS,
  transitions: [
    { action: 'create', from: [], to: 'draft', by: 'issuer', description: 'a new draft' },
    { action: 'edit', from: ['draft'], to: SAME, by: 'issuer', description: 'edit the draft' },
    { action: 'submit', from: ['draft'], to: 'pending_review', by: 'issuer', description: 'send to vetting' },
    {
      action: 'withdraw',
      from: ['draft', 'pending_review', 'published'],
      to: 'withdrawn',
      by: 'issuer',
      description: 'withdraw before the challenge opens',
    },
    {
      action: 'approve',
      from: ['pending_review'],
      to: 'published',
      by: 'admin',
      description: 'publish; assigns the code JB-<year>-<seq>',
    },
    {
      action: 'reject',
      from: ['pending_review'],
      to: 'draft',
      by: 'admin',
      description: 'send back to the issuer with a reason',
    },
    {
      action: 'cancel',
      from: ['pending_review', 'published', 'open', 'closed', 'under_review', 'publicity'],
      to: 'cancelled',
      by: 'admin',
      description: 'cancel before the award, with a reason',
    },
    {
      action: 'open',
      from: ['published'],
      to: 'open',
      by: 'system',
      description: 'at opensAt (deadline job)',
    },
    {
      action: 'close',
      from: ['published', 'open'],
      to: 'closed',
      by: 'system',
      description: 'at closesAt (deadline job)',
    },
    {
      action: 'amend',
      from: ['published', 'open'],
      to: SAME,
      by: 'issuer_or_admin',
      description: 'change after publication, with a reason; a new version',
    },
    {
      action: 'start_review',
      from: ['closed'],
      to: 'under_review',
      by: 'admin',
      description: 'draw the expert panel (at least one eligible application)',
    },
    {
      action: 'select',
      from: ['under_review'],
      to: 'publicity',
      by: 'admin',
      description:
        'select the winning application(s) after the panel closed; opens the publicity period (公示)',
    },
    {
      action: 'reopen_selection',
      from: ['publicity'],
      to: 'under_review',
      by: 'admin',
      description: 'an objection is upheld: the selection is reopened',
    },
    {
      action: 'finalize',
      from: ['publicity'],
      to: 'awarded',
      by: 'system',
      description: 'the publicity period ended with no objection pending (deadline job, or an admin)',
    },
    {
      action: 'mark_unsuccessful',
      from: ['under_review'],
      to: 'unsuccessful',
      by: 'admin',
      description: 'no application reached the pass line (流榜)',
    },
    {
      action: 'accept_nda',
      from: ['published', 'open', 'closed', 'under_review', 'publicity', 'awarded'],
      to: SAME,
      by: 'applicant',
      description: 'record the non-disclosure undertaking',
    },
  ],
});

export interface ChallengeTransition {
  action: ChallengeAction;
  from: readonly ChallengeStatus[];
  /** `null`: the state does not change (an edit, an amendment, an undertaking). */
  to: ChallengeStatus | null;
  by: ChallengeActor;
  description: string;
}

/** The machine's rows in the older shape (`to: null` for an unchanged status), for existing readers. */
export const CHALLENGE_TRANSITIONS: readonly ChallengeTransition[] = CHALLENGE_MACHINE.transitions
  .filter((row) => row.from.length > 0)
  .map((row) => ({
    action: row.action,
    from: row.from,
    to: row.to === SAME || row.to === PREVIOUS ? null : row.to,
    by: row.by as ChallengeActor,
    description: row.description,
  }));

export function transitionFor(action: ChallengeAction): ChallengeTransition {
  const transition = CHALLENGE_TRANSITIONS.find((t) => t.action === action);
  if (!transition) throw new Error(`No transition for ${action}`);
  return transition;
}

interface Timed {
  status: ChallengeStatus;
  opensAt: Date;
  closesAt: Date;
}

/**
 * The status by the clock: `published` becomes `open` at opensAt and `open` becomes `closed` at
 * closesAt, to the millisecond, even before the deadline job has written it.
 */
export function effectiveStatus(challenge: Timed, now: Date): ChallengeStatus {
  const { status } = challenge;
  if (status !== 'published' && status !== 'open') return status;
  if (now >= challenge.closesAt) return 'closed';
  if (now >= challenge.opensAt) return 'open';
  return 'published';
}

/**
 * Throws 409 INVALID_STATE_TRANSITION naming the state and the action when the action is not
 * allowed in the challenge's effective status, or 422 DEADLINE_PASSED when only the clock refuses
 * it (the stored status would allow it, but a deadline has passed).
 */
export function assertTransition(challenge: Timed, action: ChallengeAction, now: Date): ChallengeStatus {
  const current = effectiveStatus(challenge, now);
  if (CHALLENGE_MACHINE.can(current, action)) return current;
  if (CHALLENGE_MACHINE.can(challenge.status, action)) {
    const deadline = current === 'closed' ? 'closesAt' : 'opensAt';
    throw new DomainError(
      'DEADLINE_PASSED',
      `Cannot ${action}: the challenge's ${deadline} has passed (it is ${current})`,
      { extra: { state: current, action, deadline } },
    );
  }
  throw DomainError.invalidTransition(current, action);
}

/**
 * The status `action` leads to, checked against the effective status as assertTransition does
 * (409, or 422 DEADLINE_PASSED when only the clock refuses): what a service writes.
 */
export function nextStatus(challenge: Timed, action: ChallengeAction, now: Date): ChallengeStatus {
  return CHALLENGE_MACHINE.target(assertTransition(challenge, action, now), action);
}

/** The states everyone may see: once published, a challenge stays public whatever happens to it. */
export function isPublic(challenge: { publishedAt: Date | null }): boolean {
  return challenge.publishedAt !== null;
}
