import { ACCEPTANCE_MACHINE } from './acceptance.machine';

describe('ACCEPTANCE_MACHINE', () => {
  const m = ACCEPTANCE_MACHINE;
  // Every action in every state: test/unit/state-machines.spec.ts, for every machine.
  it('starts requested', () => {
    expect(m.initial('request')).toBe('requested');
  });
});
