import { DomainError } from '../../../common/errors/domain-error';
import { SAME } from '../../../common/state-machine/state-machine';
import {
  APPLICATION_ACTIONS,
  APPLICATION_MACHINE,
  APPLICATION_STATUSES,
  APPLICATION_TRANSITIONS,
  assertApplicationTransition,
  FORMAL_CHECK_ACTIONS,
  SUBMITTED_STATUSES,
} from './application-status';
import { UNSUBMITTED_APPLICATION_STATUSES } from '../challenges/challenges.repository';

describe('APPLICATION_MACHINE', () => {
  for (const state of APPLICATION_STATUSES) {
    for (const action of APPLICATION_ACTIONS) {
      const row = APPLICATION_MACHINE.rowFor(state, action);
      it(`${state} × ${action}: ${row ? String(row.to) : '409'}`, () => {
        if (row) {
          expect(APPLICATION_MACHINE.target(state, action)).toBe(row.to === SAME ? state : row.to);
          return;
        }
        let error: unknown;
        try {
          APPLICATION_MACHINE.target(state, action);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe('INVALID_STATE_TRANSITION');
        expect((error as DomainError).options.extra).toEqual({ state, action });
      });
    }
  }

  it('creates an application as a draft', () => {
    expect(APPLICATION_MACHINE.initial('create')).toBe('draft');
  });
});

describe('the formal check as the API names it', () => {
  it('is allowed only from submitted, whatever the outcome', () => {
    const formal = APPLICATION_TRANSITIONS.find((t) => t.action === 'formal_check');
    expect(formal).toMatchObject({ from: ['submitted'], to: null, beforeClose: false });
    for (const action of Object.values(FORMAL_CHECK_ACTIONS)) {
      expect(APPLICATION_MACHINE.sourcesOf(action)).toEqual(['submitted']);
    }
    expect(() => assertApplicationTransition('eligible', 'formal_check')).toThrow(DomainError);
    expect(() => assertApplicationTransition('submitted', 'formal_check')).not.toThrow();
  });
});

describe('submitted statuses', () => {
  it('are every status but the ones the challenges repository leaves out of its count', () => {
    expect([...SUBMITTED_STATUSES].sort()).toEqual(
      APPLICATION_STATUSES.filter(
        (s) => !(UNSUBMITTED_APPLICATION_STATUSES as readonly string[]).includes(s),
      ).sort(),
    );
  });
});
