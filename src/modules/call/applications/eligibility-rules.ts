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
  /** The list's settings in force: its own leader limit, else the program's. */
  leaderLimit: number;
  fiscalFen: number;
  indicatorIds: string[];
  lead: { type: OrganizationType; regionCode: string };
  consortiumSize: number;
  /** The leader's other bids in play or won. */
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

export function evaluateEligibility(input: EligibilityInput): RuleResult[] {
  const { eligibility } = input;
  const results: RuleResult[] = [];
  const types = eligibility.allowedOrganizationTypes;
  results.push(
    !types.length || types.includes(input.lead.type)
      ? {
          rule: 'organization_type',
          outcome: 'pass',
          detail: `lead organization type ${input.lead.type} is allowed`,
        }
      : {
          rule: 'organization_type',
          outcome: 'fail',
          detail: `lead organization type ${input.lead.type} is not among ${types.join(', ')}`,
        },
  );
  const regions = eligibility.regionCodes;
  results.push(
    !regions.length || regions.some((r) => inRegion(input.lead.regionCode, r))
      ? {
          rule: 'region',
          outcome: 'pass',
          detail: `lead organization region ${input.lead.regionCode} is allowed`,
        }
      : {
          rule: 'region',
          outcome: 'fail',
          detail: `lead organization region ${input.lead.regionCode} is outside ${regions.join(', ')}`,
        },
  );
  results.push(
    eligibility.consortiumAllowed || input.consortiumSize === 0
      ? { rule: 'consortium', outcome: 'pass', detail: `${input.consortiumSize} consortium member(s)` }
      : {
          rule: 'consortium',
          outcome: 'fail',
          detail: `the list admits no consortium; the team has ${input.consortiumSize} member organization(s)`,
        },
  );
  results.push(
    input.leaderLoad < input.leaderLimit
      ? {
          rule: 'leader_concurrency',
          outcome: 'pass',
          detail: `the leader holds ${input.leaderLoad} other bid(s) in play or won; the limit is ${input.leaderLimit}`,
        }
      : {
          rule: 'leader_concurrency',
          outcome: 'fail',
          detail: `the leader already holds ${input.leaderLoad} bid(s) in play or won; the limit is ${input.leaderLimit}`,
        },
  );
  const committed = new Set(input.committedIndicatorIds);
  const missing = input.indicatorIds.filter((id) => !committed.has(id));
  results.push(
    missing.length
      ? {
          rule: 'indicators_covered',
          outcome: 'fail',
          detail: `no commitment for indicator(s) ${missing.join(', ')}`,
        }
      : {
          rule: 'indicators_covered',
          outcome: 'pass',
          detail: `all ${input.indicatorIds.length} indicators committed`,
        },
  );
  results.push(
    input.requestedFiscalFen <= input.fiscalFen
      ? {
          rule: 'amount_cap',
          outcome: 'pass',
          detail: `requested ${input.requestedFiscalFen} fen of ${input.fiscalFen} fen fiscal funding`,
        }
      : {
          rule: 'amount_cap',
          outcome: 'fail',
          detail: `requested ${input.requestedFiscalFen} fen exceeds the ${input.fiscalFen} fen fiscal funding`,
        },
  );
  results.push(
    input.integrityRecords.length
      ? {
          rule: 'integrity_record',
          outcome: 'warn',
          detail: input.integrityRecords
            .map((r) => `${r.subjectType === 'user' ? 'leader' : 'lead organization'}: ${r.reason}`)
            .join('; '),
        }
      : {
          rule: 'integrity_record',
          outcome: 'pass',
          detail: 'no integrity record of the leader or the lead organization',
        },
  );
  return results;
}

export function failedRules(results: RuleResult[]): RuleResult[] {
  return results.filter((r) => r.outcome === 'fail');
}
