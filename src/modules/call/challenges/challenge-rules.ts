import { FieldError } from '../../../common/errors/domain-error';
import { ProgramSettings } from '../programs/program-settings';
import { SelectionMode } from './entities/challenge.entity';
import { AttachmentLink, IndicatorInput } from './challenges.repository';

/** The parts of a challenge the cross-field rules look at (after an edit or amendment is merged in). */
export interface ChallengeDraft {
  totalFen: number;
  fiscalFen: number;
  cofundingFen: number;
  opensAt: Date;
  closesAt: Date;
  selectionMode: SelectionMode;
  teamCount: number;
  indicators: IndicatorInput[];
  attachments: AttachmentLink[];
}

export interface RuleResult {
  /** Inconsistent input: 400 VALIDATION_FAILED. */
  invalid: FieldError[];
  /** Consistent, but the program's settings refuse it: 422 BUSINESS_RULE_VIOLATION. */
  refused: FieldError[];
}

/**
 * The cross-field rules of a challenge (field-level ones are in the DTOs): money adds up, the window
 * is in order and still ahead, team count fits the selection mode and the program, indicator
 * names and attachments are not repeated, kept indicator ids belong to the challenge.
 */
export function checkChallengeDraft(
  draft: ChallengeDraft,
  context: { settings: ProgramSettings; now: Date; existingIndicatorIds: ReadonlySet<string> },
): RuleResult {
  const invalid: FieldError[] = [];
  const refused: FieldError[] = [];
  if (draft.fiscalFen + draft.cofundingFen !== draft.totalFen) {
    invalid.push({
      field: 'totalFen',
      message: `totalFen (${draft.totalFen}) must equal fiscalFen + cofundingFen (${draft.fiscalFen + draft.cofundingFen})`,
    });
  }
  if (draft.closesAt <= draft.opensAt) {
    invalid.push({ field: 'closesAt', message: 'closesAt must be after opensAt' });
  }
  if (draft.closesAt <= context.now) {
    invalid.push({ field: 'closesAt', message: 'closesAt must be in the future' });
  }
  if (draft.selectionMode === 'single' && draft.teamCount !== 1) {
    invalid.push({ field: 'teamCount', message: 'teamCount must be 1 for a single-winner challenge' });
  }
  if (draft.selectionMode === 'horse_race') {
    if (draft.teamCount < 2) {
      invalid.push({ field: 'teamCount', message: 'a horse race needs teamCount of at least 2' });
    } else if (draft.teamCount > context.settings.maxHorseRaceTeams) {
      refused.push({
        field: 'teamCount',
        message: `the program allows at most ${context.settings.maxHorseRaceTeams} teams in a horse race`,
      });
    }
  }
  const names = new Map<string, number>();
  draft.indicators.forEach((indicator, i) => {
    const name = indicator.name.trim();
    if (names.has(name)) {
      invalid.push({ field: `indicators[${i}].name`, message: `indicator "${name}" is listed twice` });
    }
    names.set(name, i);
    if (indicator.id && !context.existingIndicatorIds.has(indicator.id)) {
      invalid.push({ field: `indicators[${i}].id`, message: 'id is not an indicator of this challenge' });
    }
  });
  const ids = draft.indicators.flatMap((indicator) => (indicator.id ? [indicator.id] : []));
  if (new Set(ids).size !== ids.length) {
    invalid.push({ field: 'indicators', message: 'an indicator id is listed twice' });
  }
  const seen = new Set<string>();
  draft.attachments.forEach((attachment, i) => {
    if (seen.has(attachment.attachmentId)) {
      invalid.push({ field: `attachments[${i}].attachmentId`, message: 'attachment is listed twice' });
    }
    seen.add(attachment.attachmentId);
  });
  return { invalid, refused };
}

/** The calendar year of an instant in China (Asia/Shanghai), for the code JB-<year>-<seq>. */
export function shanghaiYear(at: Date): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(at));
}

/** JB-2027-0042: four digits at least, more when a year has over 9,999 challenges. */
export function challengeCode(year: number, n: number): string {
  return `JB-${year}-${String(n).padStart(4, '0')}`;
}

/** What `q` searches: title, public summary and indicator names — never the confidential part. */
export function searchTextOf(parts: {
  title: string;
  publicSummary: string;
  indicators: { name: string }[];
}): string {
  return [parts.title, parts.publicSummary, ...parts.indicators.map((i) => i.name)].join('\n');
}
