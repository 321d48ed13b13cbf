import {
  checkApplicationAgainstChallenge,
  checkApplicationComplete,
  checkApplicationShape,
} from './application-rules';
import {
  assertApplicationTransition,
  APPLICATION_STATUSES,
  APPLICATION_TRANSITIONS,
} from './application-status';

const terms = {
  fiscalFen: 1000,
  durationMonths: 24,
  indicators: [
    { id: 'i1', name: '临界电流' },
    { id: 'i2', name: '交流损耗' },
  ],
};
const milestone = (dueMonth: number, sharePercent: number) => ({
  title: 't',
  deliverables: 'd',
  dueMonth,
  sharePercent,
});
const application = {
  requestedFiscalFen: 1000,
  commitments: [
    { indicatorId: 'i1', committedValue: '600 A' },
    { indicatorId: 'i2', committedValue: '0.8 W/m' },
  ],
  milestones: [milestone(12, 40), milestone(24, 60)],
};
const fieldsOf = (errors: Array<{ field: string }>) => errors.map((e) => e.field);

describe('application rules', () => {
  it('accepts a complete application within the challenge', () => {
    expect([
      ...checkApplicationShape(application),
      ...checkApplicationAgainstChallenge(application, terms),
      ...checkApplicationComplete(application, terms),
    ]).toEqual([]);
  });

  it('wants milestone shares to sum to exactly 100 and no indicator committed twice', () => {
    expect(
      fieldsOf(checkApplicationShape({ ...application, milestones: [milestone(12, 40), milestone(24, 59)] })),
    ).toEqual(['milestones']);
    expect(
      fieldsOf(
        checkApplicationShape({
          ...application,
          commitments: [...application.commitments, application.commitments[0]],
        }),
      ),
    ).toEqual(['indicatorCommitments[2].indicatorId']);
  });

  it('refuses what the challenge does not allow: unknown indicators, money over fiscalFen, milestones after the duration', () => {
    const errors = checkApplicationAgainstChallenge(
      {
        requestedFiscalFen: 1001,
        commitments: [{ indicatorId: 'x', committedValue: '1' }],
        milestones: [milestone(25, 100)],
      },
      terms,
    );
    expect(fieldsOf(errors)).toEqual([
      'indicatorCommitments[0].indicatorId',
      'requestedFiscalFen',
      'milestones[0].dueMonth',
    ]);
  });

  it('needs every indicator and a milestone to submit, naming each missing indicator', () => {
    const errors = checkApplicationComplete(
      { ...application, commitments: [application.commitments[0]], milestones: [] },
      terms,
    );
    expect(errors).toEqual([
      { field: 'indicatorCommitments', message: expect.stringContaining('i2') },
      { field: 'milestones', message: 'at least one milestone is needed' },
    ]);
  });

  it('moves only as the transition table says', () => {
    for (const transition of APPLICATION_TRANSITIONS) {
      for (const status of APPLICATION_STATUSES) {
        const run = () => assertApplicationTransition(status, transition.action);
        if (transition.from.includes(status)) expect(run).not.toThrow();
        else expect(run).toThrow(expect.objectContaining({ code: 'INVALID_STATE_TRANSITION' }));
      }
    }
    const submit = APPLICATION_TRANSITIONS.find((t) => t.action === 'submit');
    expect(submit?.from).toEqual(['draft', 'returned']);
  });
});
