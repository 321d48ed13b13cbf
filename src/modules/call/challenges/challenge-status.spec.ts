import { DomainError } from '../../../common/errors/domain-error';
import {
  assertTransition,
  CHALLENGE_STATUSES,
  CHALLENGE_TRANSITIONS,
  effectiveStatus,
} from './challenge-status';

const opensAt = new Date('2027-03-10T01:00:00Z');
const closesAt = new Date('2027-04-10T09:00:00Z');
const challengeIn = (status: (typeof CHALLENGE_STATUSES)[number]) => ({ status, opensAt, closesAt });
const before = new Date('2027-03-01T00:00:00Z');
const during = new Date('2027-03-20T00:00:00Z');

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('challenge state machine', () => {
  it('reads the status by the clock, to the millisecond', () => {
    expect(effectiveStatus(challengeIn('published'), before)).toBe('published');
    expect(effectiveStatus(challengeIn('published'), new Date(opensAt.getTime() - 1))).toBe('published');
    expect(effectiveStatus(challengeIn('published'), opensAt)).toBe('open');
    expect(effectiveStatus(challengeIn('open'), new Date(closesAt.getTime() - 1))).toBe('open');
    expect(effectiveStatus(challengeIn('open'), closesAt)).toBe('closed');
    expect(effectiveStatus(challengeIn('published'), closesAt)).toBe('closed');
    for (const status of ['draft', 'pending_review', 'cancelled', 'closed', 'awarded'] as const) {
      expect(effectiveStatus(challengeIn(status), closesAt)).toBe(status);
    }
  });

  it('allows exactly the transitions of the table', () => {
    for (const transition of CHALLENGE_TRANSITIONS) {
      for (const status of CHALLENGE_STATUSES) {
        const challenge = challengeIn(status);
        const allowed = transition.from.includes(status);
        // Times at which the stored status is also the effective one.
        const now = status === 'open' ? during : before;
        if (allowed && effectiveStatus(challenge, now) === status) {
          expect(assertTransition(challenge, transition.action, now)).toBe(status);
        } else if (!allowed && !['published', 'open'].includes(status)) {
          const error = errorOf(() => assertTransition(challenge, transition.action, now));
          expect(error.code).toBe('INVALID_STATE_TRANSITION');
          expect(error.options.extra).toEqual({ state: status, action: transition.action });
        }
      }
    }
  });

  it('names the deadline when only the clock refuses: withdraw after opensAt, amend after closesAt', () => {
    const withdraw = errorOf(() => assertTransition(challengeIn('published'), 'withdraw', during));
    expect(withdraw.code).toBe('DEADLINE_PASSED');
    expect(withdraw.options.extra).toMatchObject({ state: 'open', action: 'withdraw', deadline: 'opensAt' });
    const amend = errorOf(() => assertTransition(challengeIn('open'), 'amend', closesAt));
    expect(amend.code).toBe('DEADLINE_PASSED');
    expect(amend.options.extra).toMatchObject({ state: 'closed', action: 'amend', deadline: 'closesAt' });
    // An approval of a closed challenge is a plain state error: approve was never allowed there.
    expect(errorOf(() => assertTransition(challengeIn('closed'), 'approve', during)).code).toBe(
      'INVALID_STATE_TRANSITION',
    );
  });

  it('publishes only from vetting, and lets nothing but cancel leave an open challenge', () => {
    expect(CHALLENGE_TRANSITIONS.filter((t) => t.to === 'published').map((t) => t.from)).toEqual([
      ['pending_review'],
    ]);
    const fromOpen = CHALLENGE_TRANSITIONS.filter((t) => t.from.includes('open') && t.to !== null);
    expect(fromOpen.map((t) => t.action).sort()).toEqual(['cancel', 'close']);
  });
  it('selection, publicity and award: select, reopen, finalize, unsuccessful', () => {
    const now = during;
    expect(assertTransition(challengeIn('under_review'), 'select', now)).toBe('under_review');
    expect(assertTransition(challengeIn('publicity'), 'reopen_selection', now)).toBe('publicity');
    expect(assertTransition(challengeIn('publicity'), 'finalize', now)).toBe('publicity');
    expect(assertTransition(challengeIn('under_review'), 'mark_unsuccessful', now)).toBe('under_review');
    expect(errorOf(() => assertTransition(challengeIn('publicity'), 'select', now)).code).toBe(
      'INVALID_STATE_TRANSITION',
    );
    expect(errorOf(() => assertTransition(challengeIn('awarded'), 'finalize', now)).code).toBe(
      'INVALID_STATE_TRANSITION',
    );
    expect(errorOf(() => assertTransition(challengeIn('closed'), 'mark_unsuccessful', now)).code).toBe(
      'INVALID_STATE_TRANSITION',
    );
  });
});
