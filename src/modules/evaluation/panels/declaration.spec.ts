import { DomainError } from '../../../common/errors/domain-error';
import { conflictOfInterest, declarationIntent, declarationOutcome } from './declaration';

const found = [{ kind: 'team_member', detail: 'the expert is a member of an applicant team' }];

describe('declarationOutcome', () => {
  it('keeps a member that declares no conflict when the rules find none', () => {
    expect(declarationOutcome(declarationIntent({ conflict: false }), [])).toEqual({ stays: true });
  });

  it('replaces a member the rules find conflicted, naming what they found', () => {
    expect(declarationOutcome({ kind: 'none' }, found)).toEqual({
      stays: false,
      outcome: 'conflicted',
      reason: 'conflict of interest found at declaration: the expert is a member of an applicant team',
    });
  });

  it("keeps the expert's reason, and adds the rules' findings", () => {
    expect(declarationOutcome({ kind: 'decline', reason: 'travelling' }, [])).toEqual({
      stays: false,
      outcome: 'declined',
      reason: 'travelling',
    });
    expect(declarationOutcome({ kind: 'conflict', reason: 'former student' }, found)).toEqual({
      stays: false,
      outcome: 'conflicted',
      reason: 'former student (also found by the rules: the expert is a member of an applicant team)',
    });
  });
});

describe('conflictOfInterest', () => {
  it('is 422 CONFLICT_OF_INTEREST naming each conflict and the panel', () => {
    const error = conflictOfInterest(
      found,
      { what: 'project', panel: 'acceptance panel' },
      { reserveCalled: true },
    );
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe('CONFLICT_OF_INTEREST');
    expect(error.message).toBe(
      'You have a conflict of interest with this project: the expert is a member of an applicant team. ' +
        'You have been replaced on the acceptance panel.',
    );
    expect(error.options.extra).toEqual({
      conflicts: [{ kind: 'team_member', organizationId: null, detail: found[0].detail }],
      reserveCalled: true,
    });
  });
});
