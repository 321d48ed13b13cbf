import type { FieldError } from '../../../common/errors/domain-error';

/**
 * The policy settings of one program (DOMAIN.md "Policy settings"): one document, versioned and
 * audited as a whole, read whole by every rule that needs a number (docs/adr/0016).
 */
export interface ProgramSettings {
  /** Publicity period (公示期) in Asia/Shanghai working days by the official calendar (docs/adr/0039). */
  publicityWorkingDays: number;
  /** Review period: a panel's scores are due this many Asia/Shanghai working days after the draw. */
  reviewWorkingDays: number;
  /** Experts on a review panel. */
  panelSize: number;
  /** At least ceil(panelSize × pct / 100) experts of a panel are affiliated with an enterprise. */
  minEnterpriseExpertPercent: number;
  /** Reserve experts drawn with the panel, to replace those who declare a conflict. */
  reserveExperts: number;
  /** A declared collaboration within this many years is a conflict of interest. */
  conflictWindowYears: number;
  aggregation: 'trimmed_mean' | 'mean';
  /** The trimmed mean drops the highest and the lowest total when at least this many experts scored. */
  trimMinScores: number;
  /** An expert's total more than this many points from the median (strictly) is flagged. */
  outlierThresholdPoints: number;
  /** Applications whose aggregated total (0..100) is under this line cannot be selected. */
  passLine: number;
  /** Cap of the first tranche, in percent of each payer's amount (ADR 0028). */
  firstTranchePercent: number;
  /**
   * The final tranche, in percent of each payer's amount, approved only after acceptance (ADR 0028).
   * firstTranchePercent + finalTranchePercent ≤ 100; the rest is shared over the milestones.
   */
  finalTranchePercent: number;
  /** Teams that may run in parallel on one challenge (赛马). */
  maxHorseRaceTeams: number;
  /** Challenges one team leader may hold at the same time. */
  maxActiveListsPerLeader: number;
  /** Reminders before each deadline, in hours; distinct, kept sorted descending. */
  reminderOffsetsHours: number[];
  /** Experts do not see team or organization identities. */
  blindReview: boolean;
  issuerSeesApplicantIdentities: boolean;
  /** A milestone passed with conditions still releases its tranche. */
  conditionalPassReleasesTranche: boolean;
  /** Times a failed milestone report may be resubmitted. */
  milestoneResubmissions: number;
  /**
   * The panel draw weights each qualified expert by its fit to the list (shared terms, ADR 0060):
   * still random and replayable from the seed, the fits recorded with it. Off: every qualified
   * expert has the same chance.
   */
  drawFitWeighting: boolean;
  /**
   * Panel seats (review and acceptance, as member or called reserve) an expert may take in one
   * calendar year (Asia/Shanghai) of the draw; an expert at the cap is not drawn. 0: no cap.
   */
  expertYearlyPanelCap: number;
}

export interface RubricCriterion {
  key: string;
  name: string;
  /** Share of the 100-point total; the weights of a rubric sum to 100. */
  weight: number;
  /** The highest score an expert may give on this criterion. */
  maxScore: number;
}

export interface Rubric {
  criteria: RubricCriterion[];
}

export const DEFAULT_PROGRAM_SETTINGS: ProgramSettings = {
  publicityWorkingDays: 5,
  reviewWorkingDays: 10,
  panelSize: 5,
  minEnterpriseExpertPercent: 33,
  reserveExperts: 2,
  conflictWindowYears: 3,
  aggregation: 'trimmed_mean',
  trimMinScores: 5,
  outlierThresholdPoints: 20,
  passLine: 60,
  firstTranchePercent: 30,
  finalTranchePercent: 20,
  maxHorseRaceTeams: 3,
  maxActiveListsPerLeader: 2,
  reminderOffsetsHours: [168, 24],
  blindReview: false,
  issuerSeesApplicantIdentities: true,
  conditionalPassReleasesTranche: false,
  milestoneResubmissions: 1,
  drawFitWeighting: false,
  expertYearlyPanelCap: 0,
};

export const DEFAULT_RUBRIC: Rubric = {
  criteria: [
    { key: 'technical_approach', name: '技术路线', weight: 30, maxScore: 30 },
    { key: 'team_capability', name: '团队能力', weight: 25, maxScore: 25 },
    { key: 'indicator_commitments', name: '指标承诺', weight: 25, maxScore: 25 },
    { key: 'budget_soundness', name: '预算合理性', weight: 10, maxScore: 10 },
    { key: 'industrial_value', name: '产业价值', weight: 10, maxScore: 10 },
  ],
};

export const AGGREGATIONS = ['trimmed_mean', 'mean'] as const;

type NumericSettingKey = {
  [K in keyof ProgramSettings]: ProgramSettings[K] extends number ? K : never;
}[keyof ProgramSettings];
type BooleanSettingKey = {
  [K in keyof ProgramSettings]: ProgramSettings[K] extends boolean ? K : never;
}[keyof ProgramSettings];

export interface NumberRange {
  min: number;
  max: number;
  /** Decimal places allowed: 0 for integers. */
  decimals: 0 | 1;
}

/** The range of every numeric setting: one table for the DTO decorators and validateProgramSettings. */
export const SETTING_RANGES: Record<NumericSettingKey, NumberRange> = {
  publicityWorkingDays: { min: 1, max: 30, decimals: 0 },
  reviewWorkingDays: { min: 1, max: 60, decimals: 0 },
  panelSize: { min: 3, max: 50, decimals: 0 },
  minEnterpriseExpertPercent: { min: 0, max: 100, decimals: 0 },
  reserveExperts: { min: 0, max: 20, decimals: 0 },
  conflictWindowYears: { min: 0, max: 20, decimals: 0 },
  trimMinScores: { min: 3, max: 50, decimals: 0 },
  outlierThresholdPoints: { min: 0, max: 100, decimals: 1 },
  passLine: { min: 0, max: 100, decimals: 1 },
  firstTranchePercent: { min: 0, max: 100, decimals: 0 },
  finalTranchePercent: { min: 0, max: 100, decimals: 0 },
  maxHorseRaceTeams: { min: 2, max: 10, decimals: 0 },
  maxActiveListsPerLeader: { min: 1, max: 20, decimals: 0 },
  milestoneResubmissions: { min: 0, max: 3, decimals: 0 },
  expertYearlyPanelCap: { min: 0, max: 200, decimals: 0 },
};

export const BOOLEAN_SETTINGS: readonly BooleanSettingKey[] = [
  'blindReview',
  'issuerSeesApplicantIdentities',
  'conditionalPassReleasesTranche',
  'drawFitWeighting',
];

export const REMINDER_OFFSETS = { maxCount: 5, min: 1, max: 2160 } as const;

export const RUBRIC_LIMITS = {
  minCriteria: 1,
  maxCriteria: 20,
  weightTotal: 100,
  weight: { min: 1, max: 100 },
  maxScore: { min: 1, max: 100 },
  nameMaxLength: 100,
  key: /^[a-z][a-z0-9_]{1,39}$/,
} as const;

const SETTING_KEYS = Object.keys(DEFAULT_PROGRAM_SETTINGS) as Array<keyof ProgramSettings>;

/** The number of enterprise experts a panel needs: ceil(panelSize × pct / 100), in integers. */
export function minEnterpriseExperts(
  settings: Pick<ProgramSettings, 'panelSize' | 'minEnterpriseExpertPercent'>,
): number {
  return Math.floor((settings.panelSize * settings.minEnterpriseExpertPercent + 99) / 100);
}

export function describeRange(range: NumberRange): string {
  return range.decimals === 0
    ? `an integer from ${range.min} to ${range.max}`
    : `a number from ${range.min} to ${range.max} with at most ${range.decimals} decimal`;
}

function inRange(value: unknown, range: NumberRange): boolean {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= range.min &&
    value <= range.max &&
    Number(value.toFixed(range.decimals)) === value
  );
}

/**
 * Every rule of a complete settings document: each value's type and range (the document is a
 * merge of stored values and a patch, so the DTO alone cannot vouch for it), then the rules that
 * involve more than one value. Field paths are `settings.<name>`; empty when valid.
 */
export function validateProgramSettings(s: ProgramSettings): FieldError[] {
  const errors: FieldError[] = [];
  const error = (field: string, message: string): void => {
    errors.push({ field: `settings.${field}`, message });
  };
  for (const [key, range] of Object.entries(SETTING_RANGES) as Array<[NumericSettingKey, NumberRange]>) {
    if (!inRange(s[key], range)) error(key, `${key} must be ${describeRange(range)}`);
  }
  for (const key of BOOLEAN_SETTINGS) {
    if (typeof s[key] !== 'boolean') error(key, `${key} must be a boolean`);
  }
  if (!(AGGREGATIONS as readonly unknown[]).includes(s.aggregation)) {
    error('aggregation', `aggregation must be one of: ${AGGREGATIONS.join(', ')}`);
  }

  const offsets: unknown = s.reminderOffsetsHours;
  if (!Array.isArray(offsets) || offsets.length > REMINDER_OFFSETS.maxCount) {
    error(
      'reminderOffsetsHours',
      `reminderOffsetsHours must be an array of at most ${REMINDER_OFFSETS.maxCount} offsets`,
    );
  } else {
    const range: NumberRange = { min: REMINDER_OFFSETS.min, max: REMINDER_OFFSETS.max, decimals: 0 };
    offsets.forEach((offset: unknown, i) => {
      if (!inRange(offset, range))
        error(`reminderOffsetsHours[${i}]`, `each reminder offset must be ${describeRange(range)} (hours)`);
    });
    if (new Set(offsets).size !== offsets.length) {
      error('reminderOffsetsHours', 'reminderOffsetsHours must not repeat an offset');
    }
  }

  if (
    inRange(s.firstTranchePercent, SETTING_RANGES.firstTranchePercent) &&
    inRange(s.finalTranchePercent, SETTING_RANGES.finalTranchePercent) &&
    s.firstTranchePercent + s.finalTranchePercent > 100
  ) {
    error(
      'finalTranchePercent',
      `firstTranchePercent + finalTranchePercent must be at most 100; they sum to ${s.firstTranchePercent + s.finalTranchePercent}`,
    );
  }

  // Within these ranges the enterprise share is always satisfiable (minEnterpriseExperts ≤ panelSize
  // when pct ≤ 100) and trimming always keeps a score (trimMinScores ≥ 3); a trimMinScores above the
  // panel size is allowed: it means "never trim" for that program.
  return errors;
}

/**
 * Every rule of a rubric: 1 to 20 criteria with unique slug keys, a name, integer weights 1..100
 * summing to 100 (so totals are on the 0..100 scale of the pass line) and an integer maxScore 1..100.
 * Field paths are `rubric.criteria[i].<name>`; empty when valid.
 */
export function validateRubric(r: Rubric): FieldError[] {
  const errors: FieldError[] = [];
  const criteria: unknown = r?.criteria;
  if (
    !Array.isArray(criteria) ||
    criteria.length < RUBRIC_LIMITS.minCriteria ||
    criteria.length > RUBRIC_LIMITS.maxCriteria
  ) {
    return [
      {
        field: 'rubric.criteria',
        message: `criteria must be an array of ${RUBRIC_LIMITS.minCriteria} to ${RUBRIC_LIMITS.maxCriteria} criteria`,
      },
    ];
  }
  const seen = new Set<string>();
  let total = 0;
  let weightsValid = true;
  (criteria as Array<Partial<RubricCriterion> | null>).forEach((criterion, i) => {
    const path = `rubric.criteria[${i}]`;
    const c = criterion ?? {};
    if (typeof c.key !== 'string' || !RUBRIC_LIMITS.key.test(c.key)) {
      errors.push({ field: `${path}.key`, message: 'key must be a lowercase slug like technical_approach' });
    } else if (seen.has(c.key)) {
      errors.push({ field: `${path}.key`, message: `key ${c.key} is used by an earlier criterion` });
    } else {
      seen.add(c.key);
    }
    if (typeof c.name !== 'string' || c.name.trim() === '' || c.name.length > RUBRIC_LIMITS.nameMaxLength) {
      errors.push({
        field: `${path}.name`,
        message: `name must be 1 to ${RUBRIC_LIMITS.nameMaxLength} characters`,
      });
    }
    const weight: NumberRange = { ...RUBRIC_LIMITS.weight, decimals: 0 };
    if (!inRange(c.weight, weight)) {
      weightsValid = false;
      errors.push({ field: `${path}.weight`, message: `weight must be ${describeRange(weight)}` });
    } else {
      total += c.weight as number;
    }
    const maxScore: NumberRange = { ...RUBRIC_LIMITS.maxScore, decimals: 0 };
    if (!inRange(c.maxScore, maxScore)) {
      errors.push({ field: `${path}.maxScore`, message: `maxScore must be ${describeRange(maxScore)}` });
    }
  });
  if (weightsValid && total !== RUBRIC_LIMITS.weightTotal) {
    errors.push({
      field: 'rubric.criteria',
      message: `the weights must sum to ${RUBRIC_LIMITS.weightTotal}; they sum to ${total}`,
    });
  }
  return errors;
}

/** Reminder offsets distinct values kept as given, sorted descending (the stored form). */
export function normalizeProgramSettings(s: ProgramSettings): ProgramSettings {
  const offsets = Array.isArray(s.reminderOffsetsHours)
    ? [...s.reminderOffsetsHours]
    : s.reminderOffsetsHours;
  if (Array.isArray(offsets)) offsets.sort((a, b) => b - a);
  return { ...s, reminderOffsetsHours: offsets };
}

/** `base` with the values `patch` defines (undefined means "unchanged"), normalized. */
export function mergeProgramSettings(
  base: ProgramSettings,
  patch: Partial<ProgramSettings> = {},
): ProgramSettings {
  const merged: ProgramSettings = { ...base };
  for (const key of SETTING_KEYS) {
    if (patch[key] !== undefined) (merged as unknown as Record<string, unknown>)[key] = patch[key];
  }
  return normalizeProgramSettings(merged);
}

/**
 * The effective settings of a stored document: its known values over the defaults, so a setting
 * added in a later release reads as its default for programs created before it.
 */
export function effectiveProgramSettings(stored: unknown): ProgramSettings {
  const values = typeof stored === 'object' && stored !== null ? (stored as Partial<ProgramSettings>) : {};
  return mergeProgramSettings(DEFAULT_PROGRAM_SETTINGS, values);
}

/** A deep copy of the default rubric (never hand out the shared constant). */
export function defaultRubric(): Rubric {
  return { criteria: DEFAULT_RUBRIC.criteria.map((c) => ({ ...c })) };
}
