import { shanghaiYear } from '../../call/challenges/challenge-rules';

/**
 * The parties of a review an expert must not be connected to: the challenge's issuer, every
 * organization of every eligible application's team (lead and consortium members), and every team member
 * with an account.
 */
export interface ConflictParties {
  issuerOrganizationId: string;
  /** Lead and consortium organizations of every application's team. */
  applicantOrganizationIds: string[];
  /** User ids of the team members who have accounts (the leaders included). */
  memberUserIds: string[];
}

/** What the rules read of an expert (`ExpertsRepository.findActiveForChain` gives it). */
export interface ExpertForConflicts {
  userId: string;
  /** The organization the expert works for, as the profile states it. */
  affiliationOrganizationId: string;
  /** The organization of the expert's user account; often the same as the affiliation. */
  userOrganizationId: string;
  /** Declared collaborations; `toYear` null: ongoing. */
  collaborations: Array<{ organizationId: string; fromYear: number; toYear: number | null }>;
}

export const CONFLICT_KINDS = [
  'issuer_affiliation',
  'bidder_affiliation',
  'team_member',
  'recent_collaboration',
] as const;
export type ConflictKind = (typeof CONFLICT_KINDS)[number];

export interface Conflict {
  kind: ConflictKind;
  /** The organization the conflict is with (every kind but `team_member`). */
  organizationId?: string;
  /** Why, in words, for the audit trail and the admin. */
  detail: string;
}

/**
 * The first calendar year (Asia/Shanghai) a collaboration must reach to count: one that ended in
 * this year or later, or is ongoing, is within the window. windowYears 3 in 2027: 2024.
 */
export function collaborationWindowStart(windowYears: number, now: Date): number {
  if (!Number.isInteger(windowYears) || windowYears < 0) {
    throw new RangeError(`conflict window must be a whole number of years ≥ 0, got ${windowYears}`);
  }
  return shanghaiYear(now) - windowYears;
}

/** Whether a declared collaboration is within the window: ongoing, or ended in `windowStart` or later. */
export function isRecentCollaboration(
  collaboration: { toYear: number | null },
  windowStart: number,
): boolean {
  return collaboration.toYear === null || collaboration.toYear >= windowStart;
}

/**
 * The automatic conflicts of interest (回避, DOMAIN.md "Expert review") of one expert against the
 * parties of a review, in a stable order (issuer, applicants, membership, collaborations); empty when
 * there is none. Pure: the panel draw excludes an expert with any conflict, and the declaration
 * runs it again before the expert first sees an application, on the profile as it is then.
 *
 * - `issuer_affiliation` / `bidder_affiliation`: the expert's organization — its affiliation or
 *   its user account's organization, both count — is the issuer or an organization of an application's team.
 * - `team_member`: the expert's user is a member of an application's team.
 * - `recent_collaboration`: a declared collaboration with the issuer or a team's organization
 *   that is ongoing or ended within `windowYears` years of `now`'s year in Asia/Shanghai
 *   (toYear ≥ year − windowYears); one conflict per organization however many collaborations.
 */
export function conflictsOf(
  expert: ExpertForConflicts,
  parties: ConflictParties,
  windowYears: number,
  now: Date,
): Conflict[] {
  const windowStart = collaborationWindowStart(windowYears, now);
  const applicants = new Set(parties.applicantOrganizationIds);
  const own = [...new Set([expert.affiliationOrganizationId, expert.userOrganizationId])];
  const whose = (organizationId: string) =>
    [
      organizationId === expert.affiliationOrganizationId ? 'affiliation' : null,
      organizationId === expert.userOrganizationId ? "user account's organization" : null,
    ]
      .filter(Boolean)
      .join(' and ');
  const conflicts: Conflict[] = [];

  for (const organizationId of own) {
    if (organizationId === parties.issuerOrganizationId) {
      conflicts.push({
        kind: 'issuer_affiliation',
        organizationId,
        detail: `the expert's ${whose(organizationId)} is the issuer of the challenge`,
      });
    }
  }
  for (const organizationId of own) {
    if (applicants.has(organizationId)) {
      conflicts.push({
        kind: 'bidder_affiliation',
        organizationId,
        detail: `the expert's ${whose(organizationId)} is an organization of an applicant team`,
      });
    }
  }
  if (parties.memberUserIds.includes(expert.userId)) {
    conflicts.push({ kind: 'team_member', detail: 'the expert is a member of an applicant team' });
  }

  const seen = new Set<string>();
  for (const c of expert.collaborations) {
    const party = c.organizationId === parties.issuerOrganizationId || applicants.has(c.organizationId);
    if (!party || seen.has(c.organizationId) || !isRecentCollaboration(c, windowStart)) continue;
    seen.add(c.organizationId);
    const role =
      c.organizationId === parties.issuerOrganizationId ? 'the issuer' : 'an applicant organization';
    const period = `${c.fromYear}–${c.toYear ?? 'ongoing'}`;
    conflicts.push({
      kind: 'recent_collaboration',
      organizationId: c.organizationId,
      detail:
        `the expert declared a collaboration (${period}) with ${role}, ` +
        `within the ${windowYears}-year window (ended in ${windowStart} or later, or ongoing)`,
    });
  }
  return conflicts;
}
