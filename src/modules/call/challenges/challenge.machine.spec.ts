import { DomainError } from '../../../common/errors/domain-error';
import { SAME } from '../../../common/state-machine/state-machine';
import { CHALLENGE_ACTIONS, CHALLENGE_MACHINE, CHALLENGE_STATUSES } from './challenge-status';

describe('CHALLENGE_MACHINE', () => {
  for (const state of CHALLENGE_STATUSES) {
    for (const action of CHALLENGE_ACTIONS) {
      const row = CHALLENGE_MACHINE.rowFor(state, action);
      it(`${state} × ${action}: ${row ? String(row.to) : '409'}`, () => {
        if (row) {
          expect(CHALLENGE_MACHINE.target(state, action)).toBe(row.to === SAME ? state : row.to);
          return;
        }
        let error: unknown;
        try {
          CHALLENGE_MACHINE.target(state, action);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe('INVALID_STATE_TRANSITION');
        expect((error as DomainError).options.extra).toEqual({ state, action });
      });
    }
  }

  it('creates a challenge as a draft', () => {
    expect(CHALLENGE_MACHINE.initial('create')).toBe('draft');
  });
});
