import {
  DEFAULT_PROGRAM_SETTINGS,
  DEFAULT_RUBRIC,
  effectiveProgramSettings,
  mergeProgramSettings,
  minEnterpriseExperts,
  ProgramSettings,
  Rubric,
  validateProgramSettings,
  validateRubric,
} from './program-settings';

function settings(patch: Partial<Record<keyof ProgramSettings, unknown>>): ProgramSettings {
  return { ...DEFAULT_PROGRAM_SETTINGS, ...patch } as ProgramSettings;
}

function fields(errors: Array<{ field: string }>): string[] {
  return errors.map((e) => e.field);
}

describe('validateProgramSettings', () => {
  it('accepts the defaults', () => {
    expect(validateProgramSettings(DEFAULT_PROGRAM_SETTINGS)).toEqual([]);
  });

  it.each([
    ['panelSize', 2],
    ['panelSize', 51],
    ['panelSize', 5.5],
    ['trimMinScores', 2],
    ['passLine', 101],
    ['passLine', -0.1],
    ['passLine', 60.25],
    ['outlierThresholdPoints', 100.5],
    ['minEnterpriseExpertPercent', 101],
    ['publicityWorkingDays', 0],
    ['reviewWorkingDays', 0],
    ['reviewWorkingDays', 61],
    ['reserveExperts', 21],
    ['conflictWindowYears', -1],
    ['firstTranchePercent', 30.5],
    ['finalTranchePercent', 20.5],
    ['finalTranchePercent', 101],
    ['finalTranchePercent', -1],
    ['maxHorseRaceTeams', 1],
    ['maxActiveListsPerLeader', 0],
    ['milestoneResubmissions', 4],
    ['panelSize', null],
    ['panelSize', '5'],
    ['passLine', Number.NaN],
    ['blindReview', 'yes'],
    ['aggregation', 'median'],
  ])('refuses %s = %p on its own field path', (key, value) => {
    expect(fields(validateProgramSettings(settings({ [key]: value })))).toEqual([`settings.${key}`]);
  });

  it.each([
    ['panelSize', 3],
    ['panelSize', 50],
    ['passLine', 0],
    ['passLine', 100],
    ['passLine', 59.5],
    ['outlierThresholdPoints', 0],
    ['minEnterpriseExpertPercent', 0],
    ['minEnterpriseExpertPercent', 100],
    ['trimMinScores', 50],
    ['aggregation', 'mean'],
  ])('accepts %s = %p', (key, value) => {
    expect(validateProgramSettings(settings({ [key]: value }))).toEqual([]);
  });

  it('refuses a first and a final tranche over 100% together, on finalTranchePercent; accepts exactly 100', () => {
    expect(validateProgramSettings(settings({ firstTranchePercent: 81, finalTranchePercent: 20 }))).toEqual([
      {
        field: 'settings.finalTranchePercent',
        message: 'firstTranchePercent + finalTranchePercent must be at most 100; they sum to 101',
      },
    ]);
    expect(validateProgramSettings(settings({ firstTranchePercent: 80, finalTranchePercent: 20 }))).toEqual(
      [],
    );
    expect(validateProgramSettings(settings({ firstTranchePercent: 0, finalTranchePercent: 0 }))).toEqual([]);
  });

  it('reads finalTranchePercent as its default (20) for a document stored before it existed', () => {
    const { finalTranchePercent: _omitted, ...old } = DEFAULT_PROGRAM_SETTINGS;
    expect(effectiveProgramSettings({ ...old, firstTranchePercent: 10 }).finalTranchePercent).toBe(20);
  });

  it('refuses repeated reminder offsets, naming the challenge', () => {
    const errors = validateProgramSettings(settings({ reminderOffsetsHours: [168, 24, 168] }));
    expect(errors).toEqual([
      { field: 'settings.reminderOffsetsHours', message: 'reminderOffsetsHours must not repeat an offset' },
    ]);
  });

  it('refuses a reminder offset out of range, naming its index, and more than five offsets', () => {
    expect(fields(validateProgramSettings(settings({ reminderOffsetsHours: [168, 0] })))).toEqual([
      'settings.reminderOffsetsHours[1]',
    ]);
    expect(fields(validateProgramSettings(settings({ reminderOffsetsHours: [2161] })))).toEqual([
      'settings.reminderOffsetsHours[0]',
    ]);
    expect(fields(validateProgramSettings(settings({ reminderOffsetsHours: [6, 5, 4, 3, 2, 1] })))).toEqual([
      'settings.reminderOffsetsHours',
    ]);
    expect(fields(validateProgramSettings(settings({ reminderOffsetsHours: 24 })))).toEqual([
      'settings.reminderOffsetsHours',
    ]);
    expect(validateProgramSettings(settings({ reminderOffsetsHours: [] }))).toEqual([]);
  });

  it('allows a trimming threshold above the panel size: that program never trims', () => {
    expect(validateProgramSettings(settings({ panelSize: 3, trimMinScores: 5 }))).toEqual([]);
  });

  it('reports every invalid value at once', () => {
    expect(fields(validateProgramSettings(settings({ panelSize: 2, passLine: 101 })))).toEqual([
      'settings.panelSize',
      'settings.passLine',
    ]);
  });
});

describe('minEnterpriseExperts', () => {
  it('is ceil(panelSize × pct / 100), never more than the panel within the allowed ranges', () => {
    expect(minEnterpriseExperts({ panelSize: 5, minEnterpriseExpertPercent: 33 })).toBe(2);
    expect(minEnterpriseExperts({ panelSize: 3, minEnterpriseExpertPercent: 0 })).toBe(0);
    expect(minEnterpriseExperts({ panelSize: 7, minEnterpriseExpertPercent: 100 })).toBe(7);
    for (let panelSize = 3; panelSize <= 50; panelSize++) {
      for (let pct = 0; pct <= 100; pct++) {
        expect(minEnterpriseExperts({ panelSize, minEnterpriseExpertPercent: pct })).toBeLessThanOrEqual(
          panelSize,
        );
      }
    }
  });

  it('the default 33 percent asks exactly "one third, rounded up" for every allowed panel size', () => {
    for (let panelSize = 3; panelSize <= 50; panelSize++) {
      expect(minEnterpriseExperts({ panelSize, minEnterpriseExpertPercent: 33 })).toBe(
        Math.ceil(panelSize / 3),
      );
    }
  });
});

describe('mergeProgramSettings and effectiveProgramSettings', () => {
  it('takes defined values from the patch and sorts reminder offsets descending', () => {
    const merged = mergeProgramSettings(DEFAULT_PROGRAM_SETTINGS, {
      panelSize: 7,
      passLine: undefined,
      reminderOffsetsHours: [24, 72, 168],
    });
    expect(merged).toEqual({
      ...DEFAULT_PROGRAM_SETTINGS,
      panelSize: 7,
      reminderOffsetsHours: [168, 72, 24],
    });
    expect(DEFAULT_PROGRAM_SETTINGS.reminderOffsetsHours).toEqual([168, 24]);
  });

  it('reads a stored document over the defaults, ignoring unknown keys', () => {
    expect(effectiveProgramSettings({ panelSize: 9, retired: true })).toEqual({
      ...DEFAULT_PROGRAM_SETTINGS,
      panelSize: 9,
    });
    expect(effectiveProgramSettings(null)).toEqual(DEFAULT_PROGRAM_SETTINGS);
  });
});

describe('validateRubric', () => {
  const criteria = (weights: number[]): Rubric => ({
    criteria: weights.map((weight, i) => ({
      key: `criterion_${i}`,
      name: `指标${i}`,
      weight,
      maxScore: weight,
    })),
  });

  it('accepts the default rubric, whose weights sum to 100 and maxScore equals weight', () => {
    expect(validateRubric(DEFAULT_RUBRIC)).toEqual([]);
    expect(DEFAULT_RUBRIC.criteria.reduce((sum, c) => sum + c.weight, 0)).toBe(100);
    expect(DEFAULT_RUBRIC.criteria.every((c) => c.maxScore === c.weight)).toBe(true);
  });

  it('refuses weights that do not sum to 100, on rubric.criteria', () => {
    expect(validateRubric(criteria([30, 25, 25, 10, 9]))).toEqual([
      { field: 'rubric.criteria', message: 'the weights must sum to 100; they sum to 99' },
    ]);
    expect(fields(validateRubric(criteria([60, 41])))).toEqual(['rubric.criteria']);
  });

  it('accepts a single criterion of weight 100 and a maxScore other than the weight', () => {
    expect(
      validateRubric({ criteria: [{ key: 'overall', name: '综合', weight: 100, maxScore: 10 }] }),
    ).toEqual([]);
  });

  it('refuses a bad weight on its own path, without also complaining about the sum', () => {
    const rubric = criteria([30, 25, 25, 10, 10]);
    rubric.criteria[2].weight = 25.5;
    expect(fields(validateRubric(rubric))).toEqual(['rubric.criteria[2].weight']);
    rubric.criteria[2].weight = 0;
    expect(fields(validateRubric(rubric))).toEqual(['rubric.criteria[2].weight']);
  });

  it('refuses duplicate or malformed keys, empty names and bad maxScores', () => {
    const rubric = criteria([50, 30, 20]);
    rubric.criteria[1].key = 'criterion_0';
    rubric.criteria[2].key = 'Bad-Key';
    rubric.criteria[0].name = '  ';
    rubric.criteria[0].maxScore = 101;
    expect(fields(validateRubric(rubric))).toEqual([
      'rubric.criteria[0].name',
      'rubric.criteria[0].maxScore',
      'rubric.criteria[1].key',
      'rubric.criteria[2].key',
    ]);
  });

  it('needs 1 to 20 criteria', () => {
    expect(fields(validateRubric({ criteria: [] }))).toEqual(['rubric.criteria']);
    expect(fields(validateRubric(criteria(Array.from({ length: 21 }, () => 5))))).toEqual([
      'rubric.criteria',
    ]);
    expect(validateRubric(criteria(Array.from({ length: 20 }, () => 5)))).toEqual([]);
  });
});
