import { DomainError } from '../../../common/errors/domain-error';
import { ERROR_STATUS } from '../../../common/errors/error-codes';
import {
  describeSessionTransitions,
  SESSION_ACTIONS,
  SESSION_MACHINE,
  SESSION_STATUSES,
  SessionAction,
  SessionStatus,
} from './session-status';

/** The table written out by hand: every state x action, the target or undefined (refused). */
const EXPECTED: Record<SessionStatus, Record<SessionAction, SessionStatus | undefined>> = {
  scheduled: { schedule: undefined, reschedule: 'scheduled', hold: 'held', cancel: 'cancelled' },
  held: { schedule: undefined, reschedule: undefined, hold: undefined, cancel: undefined },
  cancelled: { schedule: undefined, reschedule: undefined, hold: undefined, cancel: undefined },
};

function refusal(from: SessionStatus, action: SessionAction): DomainError | undefined {
  try {
    SESSION_MACHINE.target(from, action);
  } catch (error) {
    return error as DomainError;
  }
  return undefined;
}

describe('SESSION_MACHINE', () => {
  it('creates a session scheduled', () => {
    expect(SESSION_MACHINE.initial('schedule')).toBe('scheduled');
  });

  for (const from of SESSION_STATUSES) {
    for (const action of SESSION_ACTIONS) {
      const expected = EXPECTED[from][action];
      if (expected) {
        it(`${action} from ${from} → ${expected}`, () => {
          expect(SESSION_MACHINE.target(from, action)).toBe(expected);
        });
      } else {
        it(`${action} from ${from}: 409 INVALID_STATE_TRANSITION`, () => {
          const error = refusal(from, action);
          expect(error).toBeInstanceOf(DomainError);
          expect(error?.code).toBe('INVALID_STATE_TRANSITION');
          expect(ERROR_STATUS[error!.code]).toBe(409);
          expect(error?.options.extra).toEqual({ state: from, action });
        });
      }
    }
  }

  it('describes PATCH /sessions/{id} as before', () => {
    expect(describeSessionTransitions()).toBe(
      'schedule: (new) → scheduled (the challenge is under_review and the application is under_review or shortlisted; scheduledAt is in the future); ' +
        'reschedule: scheduled → scheduled (the challenge is still under_review; scheduledAt (new or kept) is in the future; a location or a link remains); ' +
        'hold: scheduled → held (minutes and outcome given; not before scheduledAt); ' +
        'cancel: scheduled → cancelled (a reason given)',
    );
  });
});
