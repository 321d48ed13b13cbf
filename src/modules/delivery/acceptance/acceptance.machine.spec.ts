import { DomainError } from '../../../common/errors/domain-error';
import { ERROR_STATUS } from '../../../common/errors/error-codes';
import { ACCEPTANCE_MACHINE } from './acceptance.machine';

describe('ACCEPTANCE_MACHINE', () => {
  const m = ACCEPTANCE_MACHINE;
  it.each(m.states.flatMap((s) => m.actions.map((a) => [s, a] as const)))('%s × %s', (state, action) => {
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

  it('starts requested', () => {
    expect(m.initial('request')).toBe('requested');
  });
});
