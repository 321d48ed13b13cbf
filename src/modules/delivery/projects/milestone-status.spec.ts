import { DomainError } from '../../../common/errors/domain-error';
import type { MilestoneStatus } from './entities/project-parts.entity';
import { assessedStatus, MILESTONE_MACHINE, MilestoneAction } from './milestone-status';

const EXPECTED: Record<MilestoneStatus, Partial<Record<MilestoneAction, MilestoneStatus>>> = {
  pending: { submit_report: 'submitted', extend: 'pending', mark_overdue: 'pending' },
  submitted: {
    pass: 'passed',
    pass_with_conditions: 'conditionally_passed',
    fail: 'failed',
    extend: 'submitted',
  },
  passed: {},
  conditionally_passed: {},
  failed: { submit_report: 'submitted', extend: 'failed', mark_overdue: 'failed' },
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof DomainError ? e.code : 'not a DomainError';
  }
  return undefined;
}

describe('MILESTONE_MACHINE', () => {
  for (const state of MILESTONE_MACHINE.states) {
    for (const action of MILESTONE_MACHINE.actions) {
      const expected = EXPECTED[state][action];
      it(`${state} × ${action} → ${expected ?? '409'}`, () => {
        if (expected) expect(MILESTONE_MACHINE.target(state, action)).toBe(expected);
        else expect(codeOf(() => MILESTONE_MACHINE.target(state, action))).toBe('INVALID_STATE_TRANSITION');
      });
    }
  }

  it('plans milestones pending; an assessment names its outcome, and 409 "assess" elsewhere', () => {
    expect(MILESTONE_MACHINE.initial('plan')).toBe('pending');
    expect(assessedStatus('submitted', 'conditionally_passed')).toBe('conditionally_passed');
    expect(codeOf(() => assessedStatus('pending', 'passed'))).toBe('INVALID_STATE_TRANSITION');
  });
});
