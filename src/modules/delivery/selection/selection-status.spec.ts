import { DomainError } from '../../../common/errors/domain-error';
import type { ObjectionStatus } from './entities/objection.entity';
import type { SelectionStatus } from './entities/selection.entity';
import {
  decidedObjectionStatus,
  OBJECTION_MACHINE,
  ObjectionAction,
  SELECTION_MACHINE,
  SelectionAction,
} from './selection-status';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof DomainError ? e.code : 'not a DomainError';
  }
  return undefined;
}

const SELECTION_EXPECTED: Record<SelectionStatus, Partial<Record<SelectionAction, SelectionStatus>>> = {
  active: { reopen: 'reopened', finalize: 'finalized' },
  reopened: {},
  finalized: {},
};

const OBJECTION_EXPECTED: Record<ObjectionStatus, Partial<Record<ObjectionAction, ObjectionStatus>>> = {
  lodged: { investigate: 'under_investigation', uphold: 'upheld', dismiss: 'dismissed' },
  under_investigation: { uphold: 'upheld', dismiss: 'dismissed' },
  upheld: {},
  dismissed: {},
};

describe('SELECTION_MACHINE', () => {
  for (const state of SELECTION_MACHINE.states) {
    for (const action of SELECTION_MACHINE.actions) {
      const expected = SELECTION_EXPECTED[state][action];
      it(`${state} × ${action} → ${expected ?? '409'}`, () => {
        if (expected) expect(SELECTION_MACHINE.target(state, action)).toBe(expected);
        else expect(codeOf(() => SELECTION_MACHINE.target(state, action))).toBe('INVALID_STATE_TRANSITION');
      });
    }
  }

  it('creates a selection active', () => {
    expect(SELECTION_MACHINE.initial('select')).toBe('active');
  });
});

describe('OBJECTION_MACHINE', () => {
  for (const state of OBJECTION_MACHINE.states) {
    for (const action of OBJECTION_MACHINE.actions) {
      const expected = OBJECTION_EXPECTED[state][action];
      it(`${state} × ${action} → ${expected ?? '409'}`, () => {
        if (expected) expect(OBJECTION_MACHINE.target(state, action)).toBe(expected);
        else expect(codeOf(() => OBJECTION_MACHINE.target(state, action))).toBe('INVALID_STATE_TRANSITION');
      });
    }
  }

  it('lodges objections lodged; a decision names the status asked for, 409 otherwise', () => {
    expect(OBJECTION_MACHINE.initial('lodge')).toBe('lodged');
    expect(decidedObjectionStatus('under_investigation', 'dismissed')).toBe('dismissed');
    expect(codeOf(() => decidedObjectionStatus('upheld', 'dismissed'))).toBe('INVALID_STATE_TRANSITION');
    expect(codeOf(() => decidedObjectionStatus('lodged', 'lodged'))).toBe('INVALID_STATE_TRANSITION');
  });
});
