import { FieldError } from '../../../common/errors/domain-error';

/**
 * Application statuses that lock a team against edits (ADR 0020): the application has been handed in and is being,
 * or has been, judged on this team. A draft, an application returned for correction, and an application that ended
 * (ineligible, not_selected, withdrawn) do not lock.
 */
export const ACTIVE_APPLICATION_STATUSES = [
  'submitted',
  'eligible',
  'under_review',
  'shortlisted',
  'selected',
] as const;
export type ActiveApplicationStatus = (typeof ACTIVE_APPLICATION_STATUSES)[number];

export const MAX_CONSORTIUM_MEMBERS = 20;
export const MAX_TEAM_MEMBERS = 100;

export interface ShareInput {
  leadSharePercent: number | null;
  consortium: ReadonlyArray<{ sharePercent: number | null }>;
}

/** Where the errors of a body point: the body's own field names (`consortium` on POST, `members` on PUT …/consortium). */
export interface ShareFields {
  lead: string;
  list: string;
  /** The field that names a wrong sum; the challenge by default. */
  sum?: string;
}

const present = (v: number | null | undefined): v is number => v !== null && v !== undefined;

/**
 * Shares of the work, all or none: when the lead's or any member's share is given, every one is,
 * and lead + members make exactly 100. A team without consortium states no share or a lead share of 100.
 */
export function checkShares(input: ShareInput, fields: ShareFields): FieldError[] {
  const { leadSharePercent: lead, consortium } = input;
  if (!consortium.length) {
    return present(lead) && lead !== 100
      ? [
          {
            field: fields.lead,
            message: `a team without consortium has no shares or a lead share of 100 (got ${lead})`,
          },
        ]
      : [];
  }
  const anyGiven = present(lead) || consortium.some((m) => present(m.sharePercent));
  if (!anyGiven) return [];
  const errors: FieldError[] = [];
  if (!present(lead)) {
    errors.push({
      field: fields.lead,
      message: 'shares are all or none: give leadSharePercent when any share is given',
    });
  }
  consortium.forEach((m, i) => {
    if (!present(m.sharePercent)) {
      errors.push({
        field: `${fields.list}[${i}].sharePercent`,
        message: 'shares are all or none: give sharePercent for every member when any share is given',
      });
    }
  });
  if (errors.length) return errors;
  const memberShares = consortium.map((m) => m.sharePercent as number);
  const sum = (lead as number) + memberShares.reduce((a, b) => a + b, 0);
  if (sum !== 100) {
    errors.push({
      field: fields.sum ?? fields.list,
      message: `shares must sum to exactly 100: lead ${lead} + members ${memberShares.join(' + ')} = ${sum}`,
    });
  }
  return errors;
}

/**
 * Consortium member organizations: known, other than the lead, none twice. `known` holds the ids
 * of the listed organizations that exist.
 */
export function checkConsortium(
  leadOrganizationId: string,
  consortium: ReadonlyArray<{ organizationId: string }>,
  known: ReadonlySet<string>,
  listField: string,
): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  consortium.forEach((m, i) => {
    const field = `${listField}[${i}].organizationId`;
    if (m.organizationId === leadOrganizationId) {
      errors.push({ field, message: 'the lead organization is not a consortium member of its own team' });
    } else if (seen.has(m.organizationId)) {
      errors.push({ field, message: 'organization is listed twice' });
    } else if (!known.has(m.organizationId)) {
      errors.push({ field, message: 'organization not found' });
    }
    seen.add(m.organizationId);
  });
  return errors;
}

export interface MemberInput {
  organizationId: string;
  userId?: string | null;
}

/**
 * Team members: each of the lead organization or a consortium member; a given userId is a user of
 * that member's organization (`userOrganizations`: user id → organization id of the known users),
 * and no account is listed twice. Titles are free text and are not checked (no rule judges by them).
 */
export function checkMembers(
  members: ReadonlyArray<MemberInput>,
  teamOrganizationIds: ReadonlySet<string>,
  userOrganizations: ReadonlyMap<string, string>,
  listField: string,
): FieldError[] {
  const errors: FieldError[] = [];
  const seenUsers = new Set<string>();
  members.forEach((m, i) => {
    if (!teamOrganizationIds.has(m.organizationId)) {
      errors.push({
        field: `${listField}[${i}].organizationId`,
        message: 'organization must be the lead organization or a consortium member of the team',
      });
    }
    if (!m.userId) return;
    const field = `${listField}[${i}].userId`;
    if (userOrganizations.get(m.userId) !== m.organizationId) {
      errors.push({ field, message: "userId must be a user of the member's organization" });
    } else if (seenUsers.has(m.userId)) {
      errors.push({ field, message: 'the same user is listed twice' });
    } else {
      seenUsers.add(m.userId);
    }
  });
  return errors;
}

/**
 * A consortium replacement keeps every team member's organization in the team: the organizations
 * that would leave while members still belong to them, with those members' positions.
 */
export function organizationsLeavingWithMembers(
  members: ReadonlyArray<{ organizationId: string }>,
  teamOrganizationIds: ReadonlySet<string>,
): Map<string, number[]> {
  const leaving = new Map<string, number[]>();
  members.forEach((m, i) => {
    if (!teamOrganizationIds.has(m.organizationId)) {
      leaving.set(m.organizationId, [...(leaving.get(m.organizationId) ?? []), i]);
    }
  });
  return leaving;
}
