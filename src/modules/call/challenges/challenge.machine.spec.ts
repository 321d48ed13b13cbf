import { CHALLENGE_MACHINE } from './challenge-status';

describe('CHALLENGE_MACHINE', () => {
  // Every action in every state: test/unit/state-machines.spec.ts, for every machine.
  it('creates a challenge as a draft', () => {
    expect(CHALLENGE_MACHINE.initial('create')).toBe('draft');
  });
});
