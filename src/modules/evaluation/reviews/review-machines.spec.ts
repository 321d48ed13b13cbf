import { DomainError } from '../../../common/errors/domain-error';
import { ERROR_STATUS } from '../../../common/errors/error-codes';
import type { StateMachine } from '../../../common/state-machine/state-machine';
import { REVIEW_ASSIGNMENT_MACHINE } from './review-assignment.machine';
import { REVIEW_PANEL_MACHINE, REVIEW_SEAT_SPELLING } from './review-panel.machine';

function everyStateAndAction<S extends string, A extends string>(m: StateMachine<S, A>): Array<[S, A]> {
  return m.states.flatMap((s) => m.actions.map((a): [S, A] => [s, a]));
}

describe.each([
  ['review panel', REVIEW_PANEL_MACHINE as unknown as StateMachine<string, string>],
  ['review assignment', REVIEW_ASSIGNMENT_MACHINE as unknown as StateMachine<string, string>],
])('%s machine', (_name, m) => {
  it.each(everyStateAndAction(m))('%s × %s: the row names the target, or 409', (state, action) => {
    const row = m.rowFor(state, action);
    if (row) {
      expect(m.target(state, action)).toBe(row.to);
      return;
    }
    let error: unknown;
    try {
      m.target(state, action);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('INVALID_STATE_TRANSITION');
    expect(ERROR_STATUS[(error as DomainError).code]).toBe(409);
  });
});

describe('REVIEW_SEAT_SPELLING', () => {
  it('stores a seated member as active and one that left as replaced', () => {
    expect(REVIEW_SEAT_SPELLING.write('pending')).toBe('active');
    expect(REVIEW_SEAT_SPELLING.write('declined')).toBe('replaced');
    expect(REVIEW_SEAT_SPELLING.write('standby')).toBe('standby');
    expect(REVIEW_SEAT_SPELLING.read('active')).toBe('pending');
    expect(REVIEW_SEAT_SPELLING.read('unused')).toBe('unused');
  });
});
