import { DomainError } from '../../../common/errors/domain-error';
import { ERROR_STATUS } from '../../../common/errors/error-codes';
import { PANEL_MEMBER_MACHINE } from './panel-member.machine';

describe('PANEL_MEMBER_MACHINE', () => {
  const m = PANEL_MEMBER_MACHINE;
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

  it('draws members pending and reserves on standby', () => {
    expect(m.initial('draw')).toBe('pending');
    expect(m.initial('draw_reserve')).toBe('standby');
  });
});
