import { QueryFailedError } from 'typeorm';
import { hasRole, isAdmin, Principal, UserPrincipal } from '../../../common/auth/principal';
import { DomainError, FieldError } from '../../../common/errors/domain-error';
import { JsonObject } from '../../../common/json';
import { effectiveStatus } from '../challenges/challenge-status';
import type { ChallengeEntity } from '../challenges/entities/challenge.entity';
import type { TeamWithParts } from '../teams/teams.repository';
import { SUBMITTED_STATUSES } from './application-status';
import type { ApplicationEntity } from './entities/application.entity';

/** How the caller stands to an application: decides what it may see and do (404 for strangers). */
export type Standing = 'owner' | 'admin' | 'issuer' | 'none';

/** What an application needs of its team: the leader the limit counts, and whether it is a consortium. */
export interface ApplicationTeam {
  id: string;
  leaderUserId: string;
  consortiumSize: number;
}

export function applicationTeam(parts: TeamWithParts): ApplicationTeam {
  return {
    id: parts.team.id,
    leaderUserId: parts.team.leaderUserId,
    consortiumSize: parts.consortium.length,
  };
}

export function applicantOf(actor: Principal): UserPrincipal {
  if (actor.kind !== 'user' || !hasRole(actor, 'applicant')) {
    throw new DomainError('FORBIDDEN', 'Applications are made by applicants');
  }
  return actor;
}

export function standingOf(
  actor: Principal,
  application: ApplicationEntity,
  challenge: ChallengeEntity,
): Standing {
  if (isAdmin(actor)) return application.status === 'draft' ? 'none' : 'admin';
  if (actor.kind !== 'user') return 'none';
  if (actor.organizationId === application.leadOrganizationId) return 'owner';
  if (
    actor.organizationId === challenge.issuerOrganizationId &&
    SUBMITTED_STATUSES.includes(application.status)
  ) {
    return 'issuer';
  }
  return 'none';
}

/** What the clock's rules read of a challenge. */
export type ChallengeClock = Pick<ChallengeEntity, 'status' | 'opensAt' | 'closesAt' | 'publishedAt'>;

/** Applications need the challenge open by the clock (between opensAt and closesAt). */
export function assertChallengeOpen(challenge: ChallengeClock, now: Date, action: string): void {
  const status = effectiveStatus(challenge, now);
  if (status === 'open') return;
  if (status === 'closed' || (now >= challenge.closesAt && challenge.publishedAt !== null)) {
    throw deadlinePassed(challenge, action);
  }
  throw DomainError.invalidTransition(status, action);
}

export function deadlinePassed(challenge: Pick<ChallengeEntity, 'closesAt'>, action = 'submit'): DomainError {
  return new DomainError('DEADLINE_PASSED', `The challenge closed at ${challenge.closesAt.toISOString()}`, {
    extra: { state: 'closed', action, deadline: 'closesAt' },
  });
}

/** 422 BUSINESS_RULE_VIOLATION naming each refused field, if any. */
export function refuse(errors: FieldError[]): void {
  if (errors.length) {
    throw new DomainError('BUSINESS_RULE_VIOLATION', errors.map((e) => e.message).join('; '), { errors });
  }
}

export function constraintOf(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  return (error.driverError as { constraint?: string } | undefined)?.constraint;
}

export function isUniqueViolation(error: unknown, constraint: string): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string }).code === '23505' &&
    constraintOf(error) === constraint
  );
}

/** An application as its audit events record it. */
export function snapshot(a: ApplicationEntity): JsonObject {
  return {
    challengeId: a.challengeId,
    teamId: a.teamId,
    status: a.status,
    statusReason: a.statusReason,
    requestedFiscalFen: a.requestedFiscalFen,
    pledgeAcceptedAt: a.pledgeAcceptedAt?.toISOString() ?? null,
    submittedAt: a.submittedAt?.toISOString() ?? null,
    version: a.version,
  };
}
