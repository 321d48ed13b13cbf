import { PANEL_MEMBER_MACHINE } from './panel-member.machine';

describe('PANEL_MEMBER_MACHINE', () => {
  const m = PANEL_MEMBER_MACHINE;
  // Every action in every state: test/unit/state-machines.spec.ts, for every machine.
  it('draws members pending and reserves on standby', () => {
    expect(m.initial('draw')).toBe('pending');
    expect(m.initial('draw_reserve')).toBe('standby');
  });
});
