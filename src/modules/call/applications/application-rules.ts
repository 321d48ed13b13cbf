import { FieldError } from '../../../common/errors/domain-error';

/** The text of the responsibility pledge (军令状) the leader accepts; kept in the response. */
export const PLEDGE_TEXT =
  '本人作为项目负责人（挂帅者）郑重承诺：按揭榜方案完成全部技术指标；如未达到承诺指标，' +
  '愿接受终止项目、收回未拨付资金及记入科研诚信记录等处理（因技术路线本身不确定性导致且已尽职的除外）。';

/** A committed value for one of the challenge's indicators. */
export interface CommitmentInput {
  indicatorId: string;
  committedValue: string;
}

export interface MilestoneInput {
  title: string;
  deliverables: string;
  dueMonth: number;
  sharePercent: number;
}

export interface ApplicationContent {
  requestedFiscalFen: number;
  commitments: CommitmentInput[];
  milestones: MilestoneInput[];
}

export interface ChallengeTerms {
  fiscalFen: number;
  durationMonths: number;
  indicators: Array<{ id: string; name: string }>;
}

/** Structural mistakes of an application, whatever the challenge: 400 VALIDATION_FAILED. */
export function checkApplicationShape(application: ApplicationContent): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  application.commitments.forEach((c, i) => {
    if (seen.has(c.indicatorId)) {
      errors.push({
        field: `indicatorCommitments[${i}].indicatorId`,
        message: 'indicator is committed twice',
      });
    }
    seen.add(c.indicatorId);
  });
  if (application.milestones.length) {
    const sum = application.milestones.reduce((total, m) => total + m.sharePercent, 0);
    if (sum !== 100) {
      errors.push({ field: 'milestones', message: `milestone shares must sum to 100 (they sum to ${sum})` });
    }
  }
  return errors;
}

/**
 * What the challenge refuses in an application being saved: an indicator the challenge does not have, more money than
 * its fiscal funding, a milestone after its duration. 422 BUSINESS_RULE_VIOLATION naming each.
 */
export function checkApplicationAgainstChallenge(
  application: ApplicationContent,
  terms: ChallengeTerms,
): FieldError[] {
  const errors: FieldError[] = [];
  const known = new Set(terms.indicators.map((i) => i.id));
  application.commitments.forEach((c, i) => {
    if (!known.has(c.indicatorId)) {
      errors.push({
        field: `indicatorCommitments[${i}].indicatorId`,
        message: `${c.indicatorId} is not an indicator of this challenge`,
      });
    }
  });
  if (application.requestedFiscalFen > terms.fiscalFen) {
    errors.push({
      field: 'requestedFiscalFen',
      message: `requestedFiscalFen must not exceed the challenge's fiscalFen (${terms.fiscalFen})`,
    });
  }
  application.milestones.forEach((m, i) => {
    if (m.dueMonth > terms.durationMonths) {
      errors.push({
        field: `milestones[${i}].dueMonth`,
        message: `due month ${m.dueMonth} is after the challenge's duration of ${terms.durationMonths} months`,
      });
    }
  });
  return errors;
}

/** What a submission needs on top: every indicator committed, at least one milestone. */
export function checkApplicationComplete(
  application: ApplicationContent,
  terms: ChallengeTerms,
): FieldError[] {
  const errors: FieldError[] = [];
  const committed = new Set(application.commitments.map((c) => c.indicatorId));
  for (const indicator of terms.indicators) {
    if (!committed.has(indicator.id)) {
      errors.push({
        field: 'indicatorCommitments',
        message: `no committed value for indicator ${indicator.id} (${indicator.name})`,
      });
    }
  }
  if (!application.milestones.length)
    errors.push({ field: 'milestones', message: 'at least one milestone is needed' });
  return errors;
}
