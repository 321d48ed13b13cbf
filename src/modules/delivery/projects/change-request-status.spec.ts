import { DomainError } from '../../../common/errors/domain-error';
import type { ChangeRequestStatus } from './entities/project-work.entity';
import { CHANGE_REQUEST_MACHINE, ChangeRequestAction, decidedStatus } from './change-request-status';

const EXPECTED: Record<ChangeRequestStatus, Partial<Record<ChangeRequestAction, ChangeRequestStatus>>> = {
  pending: { approve: 'approved', reject: 'rejected' },
  approved: {},
  rejected: {},
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof DomainError ? e.code : 'not a DomainError';
  }
  return undefined;
}

describe('CHANGE_REQUEST_MACHINE', () => {
  for (const state of CHANGE_REQUEST_MACHINE.states) {
    for (const action of CHANGE_REQUEST_MACHINE.actions) {
      const expected = EXPECTED[state][action];
      it(`${state} × ${action} → ${expected ?? '409'}`, () => {
        if (expected) expect(CHANGE_REQUEST_MACHINE.target(state, action)).toBe(expected);
        else
          expect(codeOf(() => CHANGE_REQUEST_MACHINE.target(state, action))).toBe('INVALID_STATE_TRANSITION');
      });
    }
  }

  it('lodges requests pending; a decision names the status it gives', () => {
    expect(CHANGE_REQUEST_MACHINE.initial('lodge')).toBe('pending');
    expect(decidedStatus('pending', 'rejected')).toBe('rejected');
    expect(codeOf(() => decidedStatus('approved', 'approved'))).toBe('INVALID_STATE_TRANSITION');
  });
});
