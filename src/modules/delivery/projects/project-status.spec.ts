import { DomainError } from '../../../common/errors/domain-error';
import type { ProjectStatus } from './entities/project.entity';
import { PROJECT_MACHINE, ProjectAction } from './project-status';

/** Every state × action: the target the table gives, or null for 409 INVALID_STATE_TRANSITION. */
const EXPECTED: Record<ProjectStatus, Partial<Record<ProjectAction, ProjectStatus>>> = {
  pending_signature: {
    sign: 'pending_signature',
    activate: 'active',
    suspend: 'suspended',
    terminate: 'terminated',
  },
  active: {
    submit_milestone_report: 'active',
    assess_milestone: 'active',
    request_change: 'active',
    approve_change: 'active',
    request_acceptance: 'acceptance_requested',
    suspend: 'suspended',
    terminate: 'terminated',
  },
  acceptance_requested: {
    accept: 'accepted',
    fail: 'failed',
    return_to_active: 'active',
    suspend: 'suspended',
    terminate: 'terminated',
  },
  accepted: {},
  failed: {},
  suspended: { resume: 'active', terminate: 'terminated' },
  terminated: {},
};

describe('PROJECT_MACHINE', () => {
  for (const state of PROJECT_MACHINE.states) {
    for (const action of PROJECT_MACHINE.actions) {
      const expected = EXPECTED[state][action];
      it(`${state} × ${action} → ${expected ?? '409'}`, () => {
        if (expected) {
          // `resume` returns to the status the project was suspended from (here: active).
          expect(PROJECT_MACHINE.target(state, action, 'active')).toBe(expected);
          return;
        }
        let error: unknown;
        try {
          PROJECT_MACHINE.target(state, action, 'active');
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe('INVALID_STATE_TRANSITION');
      });
    }
  }

  it('creates a project pending signature at the award, and resumes to the status before', () => {
    expect(PROJECT_MACHINE.initial('award')).toBe('pending_signature');
    expect(PROJECT_MACHINE.target('suspended', 'resume', 'acceptance_requested')).toBe(
      'acceptance_requested',
    );
  });
});
