import { DomainError } from '../../../common/errors/domain-error';
import {
  APPLICATION_MACHINE,
  APPLICATION_STATUSES,
  APPLICATION_TRANSITIONS,
  assertApplicationTransition,
  FORMAL_CHECK_ACTIONS,
  SUBMITTED_STATUSES,
} from './application-status';
import { UNSUBMITTED_APPLICATION_STATUSES } from '../challenges/challenges.repository';

describe('APPLICATION_MACHINE', () => {
  // Every action in every state: test/unit/state-machines.spec.ts, for every machine.
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
