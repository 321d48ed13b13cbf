import { hasRole, isAdmin, Principal, requireUser } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import type { JsonObject, JsonValue } from '../../../common/json';
import type { ProjectMilestoneEntity, SigningParty } from './entities/project-parts.entity';
import type { ProjectEntity } from './entities/project.entity';

export type UserPrincipal = Extract<Principal, { kind: 'user' }>;

export interface TaskBookIndicator {
  indicatorId: string;
  committedValue: string;
  [key: string]: JsonValue;
}

/** Which party the caller signs for; 403 for a party user who signs for none (e.g. a consortium member). */
export function signingParty(actor: Principal, project: ProjectEntity): SigningParty {
  const user = requireUser(actor);
  if (isAdmin(user)) return 'admin';
  if (user.organizationId === project.issuerOrganizationId && hasRole(user, 'issuer')) return 'issuer';
  if (user.organizationId === project.leadOrganizationId && hasRole(user, 'applicant')) return 'applicant';
  throw new DomainError(
    'FORBIDDEN',
    "Only the issuer organization's issuers, the lead organization's applicants and admins sign the task book",
  );
}

/** An applicant of the lead organization (403 for the other parties). */
export function requireLeadApplicant(actor: Principal, project: ProjectEntity): UserPrincipal {
  const user = requireUser(actor);
  if (user.organizationId !== project.leadOrganizationId || !hasRole(user, 'applicant')) {
    throw new DomainError('FORBIDDEN', "Only an applicant of the project's lead organization may do this");
  }
  return user;
}

export function assertExtensible(milestone: ProjectMilestoneEntity, newDueAt: Date, now: Date): void {
  if (milestone.status === 'passed' || milestone.status === 'conditionally_passed') {
    throw DomainError.invalidTransition(milestone.status, 'extend');
  }
  if (newDueAt <= now || (milestone.dueAt && newDueAt <= milestone.dueAt)) {
    throw new DomainError(
      'BUSINESS_RULE_VIOLATION',
      'An extension moves the due time later: after the current due time and in the future',
      { extra: { currentDueAt: milestone.dueAt?.toISOString() ?? null, newDueAt: newDueAt.toISOString() } },
    );
  }
}

/**
 * 422 when an attachment id is listed twice. Ids compare case-insensitively (a UUID is the same in
 * either case): milestone reports and acceptance requests follow this one rule.
 */
export function assertDistinctAttachmentIds(ids: readonly string[], field = 'evidenceAttachmentIds'): void {
  if (new Set(ids.map((id) => id.toLowerCase())).size !== ids.length) {
    throw DomainError.validation([{ field, message: 'an attachment is listed twice' }]);
  }
}

export function indicatorsOf(taskBook: JsonObject): TaskBookIndicator[] {
  return (Array.isArray(taskBook.indicators) ? taskBook.indicators : []) as unknown as TaskBookIndicator[];
}

export function milestonesOf(taskBook: JsonObject): Array<{ position: number; [key: string]: JsonValue }> {
  return (Array.isArray(taskBook.milestones) ? taskBook.milestones : []) as unknown as Array<{
    position: number;
    [key: string]: JsonValue;
  }>;
}

/** What every project event says about its project. */
export function projectData(project: ProjectEntity): JsonObject {
  return {
    projectId: project.id,
    challengeId: project.challengeId,
    applicationId: project.applicationId,
    issuerOrganizationId: project.issuerOrganizationId,
    leadOrganizationId: project.leadOrganizationId,
    status: project.status,
    challengeCode: project.taskBook.challengeCode ?? null,
  };
}
