import type { OrganizationType } from '../../platform/organizations/entities/organization.entity';
import type { Eligibility } from '../challenges/entities/challenge.entity';

export const ELIGIBILITY_RULES = [
  'organization_type',
  'region',
  'consortium',
  'leader_concurrency',
  'indicators_covered',
  'amount_cap',
  'integrity_record',
] as const;
export type EligibilityRule = (typeof ELIGIBILITY_RULES)[number];

/**
 * One rule's verdict. `fail` blocks an `eligible` decision at the formal check; `warn` is shown to
 * the admin (an integrity record) and decided by a person. No rule looks at age, title or
 * seniority: 揭榜挂帅 explicitly does not.
 */
export interface RuleResult {
  rule: EligibilityRule;
  outcome: 'pass' | 'fail' | 'warn';
  detail: string;
}

export interface EligibilityInput {
  eligibility: Eligibility;
  /** The challenge's settings in force: its own leader limit, else the program's. */
  leaderLimit: number;
  fiscalFen: number;
  indicatorIds: string[];
  lead: { type: OrganizationType; regionCode: string };
  consortiumSize: number;
  /** The leader's other applications in play or won. */
  leaderLoad: number;
  committedIndicatorIds: string[];
  requestedFiscalFen: number;
  integrityRecords: Array<{ subjectType: 'user' | 'organization'; reason: string }>;
}

/** Does a 6-digit division code lie in an allowed division (360000: the province, 360100: the city)? */
export function inRegion(regionCode: string, allowed: string): boolean {
  const prefix = allowed.endsWith('0000')
    ? allowed.slice(0, 2)
    : allowed.endsWith('00')
      ? allowed.slice(0, 4)
      : allowed;
  return regionCode.startsWith(prefix);
}

type Rule = (input: EligibilityInput) => RuleResult;

const verdict = (
  rule: EligibilityRule,
  ok: boolean,
  pass: string,
  otherwise: string,
  failing: 'fail' | 'warn' = 'fail',
): RuleResult =>
  ok ? { rule, outcome: 'pass', detail: pass } : { rule, outcome: failing, detail: otherwise };

/** The lead organization's type is among the challenge's allowed types (none listed: any). */
export const organizationTypeRule: Rule = ({ eligibility, lead }) => {
  const types = eligibility.allowedOrganizationTypes;
  return verdict(
    'organization_type',
    !types.length || types.includes(lead.type),
    `lead organization type ${lead.type} is allowed`,
    `lead organization type ${lead.type} is not among ${types.join(', ')}`,
  );
};

/** The lead organization lies in one of the challenge's regions (none listed: anywhere). */
export const regionRule: Rule = ({ eligibility, lead }) => {
  const regions = eligibility.regionCodes;
  return verdict(
    'region',
    !regions.length || regions.some((r) => inRegion(lead.regionCode, r)),
    `lead organization region ${lead.regionCode} is allowed`,
    `lead organization region ${lead.regionCode} is outside ${regions.join(', ')}`,
  );
};

/** A consortium only where the challenge admits one. */
export const consortiumRule: Rule = ({ eligibility, consortiumSize }) =>
  verdict(
    'consortium',
    eligibility.consortiumAllowed || consortiumSize === 0,
    `${consortiumSize} consortium member(s)`,
    `the challenge admits no consortium; the team has ${consortiumSize} member organization(s)`,
  );

/** The leader's other applications in play or won stay below the limit. */
export const leaderConcurrencyRule: Rule = ({ leaderLoad, leaderLimit }) =>
  verdict(
    'leader_concurrency',
    leaderLoad < leaderLimit,
    `the leader holds ${leaderLoad} other application(s) in play or won; the limit is ${leaderLimit}`,
    `the leader already holds ${leaderLoad} application(s) in play or won; the limit is ${leaderLimit}`,
  );

/** Every indicator of the challenge has a committed value. */
export const indicatorsCoveredRule: Rule = ({ indicatorIds, committedIndicatorIds }) => {
  const committed = new Set(committedIndicatorIds);
  const missing = indicatorIds.filter((id) => !committed.has(id));
  return verdict(
    'indicators_covered',
    !missing.length,
    `all ${indicatorIds.length} indicators committed`,
    `no commitment for indicator(s) ${missing.join(', ')}`,
  );
};

/** The requested fiscal money stays within the challenge's fiscal funding. */
export const amountCapRule: Rule = ({ requestedFiscalFen, fiscalFen }) =>
  verdict(
    'amount_cap',
    requestedFiscalFen <= fiscalFen,
    `requested ${requestedFiscalFen} fen of ${fiscalFen} fen fiscal funding`,
    `requested ${requestedFiscalFen} fen exceeds the ${fiscalFen} fen fiscal funding`,
  );

/** An integrity record of the leader or the lead organization: a warning a person decides on. */
export const integrityRecordRule: Rule = ({ integrityRecords }) =>
  verdict(
    'integrity_record',
    !integrityRecords.length,
    'no integrity record of the leader or the lead organization',
    integrityRecords
      .map((r) => `${r.subjectType === 'user' ? 'leader' : 'lead organization'}: ${r.reason}`)
      .join('; '),
    'warn',
  );

/** The rules in the order of ELIGIBILITY_RULES. */
const RULES: Record<EligibilityRule, Rule> = {
  organization_type: organizationTypeRule,
  region: regionRule,
  consortium: consortiumRule,
  leader_concurrency: leaderConcurrencyRule,
  indicators_covered: indicatorsCoveredRule,
  amount_cap: amountCapRule,
  integrity_record: integrityRecordRule,
};

export function evaluateEligibility(input: EligibilityInput): RuleResult[] {
  return ELIGIBILITY_RULES.map((rule) => RULES[rule](input));
}

export function failedRules(results: RuleResult[]): RuleResult[] {
  return results.filter((r) => r.outcome === 'fail');
}
