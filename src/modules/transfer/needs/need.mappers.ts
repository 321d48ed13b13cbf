import type { JsonObject } from '../../../common/json';
import type {
  NeedIntroductionResponseDto,
  NeedInterestResponseDto,
  NeedResponseDto,
} from './dto/need-response.dto';
import type { NeedInterestEntity } from './entities/need-interest.entity';
import type { NeedIntroductionEntity } from './entities/need-introduction.entity';
import type { NeedEntity } from './entities/need.entity';
import type { NeedContext } from './needs.repository';
import type { NeedStatus } from './needs-status';

/**
 * How much of a need a reader sees: `full` (the enterprise's members, the brokers whose centre
 * covers it or who claimed it, admins) or `public` (everyone else, once it is public): no
 * organization for an anonymous need, no reason, no centre, no broker, no real problem.
 */
export type NeedView = 'full' | 'public';

/** "an enterprise in <region>, <chain>": what the public reads in place of the organization. */
export function anonymousLabel(regionCode: string, chainName: string): string {
  return `an enterprise in ${regionCode}, ${chainName}`;
}

export function toNeedResponse(n: NeedEntity, context: NeedContext, view: NeedView): NeedResponseDto {
  const full = view === 'full';
  const named = full || !n.anonymous;
  return {
    id: n.id,
    title: n.title,
    publicSummary: n.publicSummary,
    industryChain: n.industryChainCode,
    regionCode: n.regionCode,
    desiredOutcome: n.desiredOutcome,
    budgetMinFen: n.budgetMinFen,
    budgetMaxFen: n.budgetMaxFen,
    deadlineWish: n.deadlineWish,
    anonymous: n.anonymous,
    enterprise: {
      organizationId: named ? n.enterpriseOrganizationId : null,
      name: named ? context.enterpriseName : null,
      label: anonymousLabel(n.regionCode, context.chainName),
    },
    status: n.status,
    statusReason: full ? n.statusReason : null,
    centreOrganizationId: full ? n.centreOrganizationId : null,
    brokerUserId: full ? n.brokerUserId : null,
    diagnosis:
      n.trlNeeded !== null && n.diagnosedAt
        ? {
            realProblem: full ? n.diagnosisProblem : null,
            trlNeeded: n.trlNeeded,
            indicators: n.indicators,
            diagnosedAt: n.diagnosedAt,
          }
        : null,
    refinedAt: n.refinedAt,
    // A published list names its issuer: an anonymous need's link to it is for its full readers only.
    challengeId: named ? n.challengeId : null,
    projectIds: named ? context.projectIds : [],
    expiresAt: n.expiresAt,
    version: n.version,
    createdAt: n.createdAt,
    updatedAt: n.updatedAt,
  };
}

export function toInterestResponse(i: NeedInterestEntity): NeedInterestResponseDto {
  return {
    id: i.id,
    needId: i.needId,
    organizationId: i.organizationId,
    userId: i.userId,
    kind: i.kind,
    message: i.message,
    createdAt: i.createdAt,
  };
}

export function toIntroductionResponse(
  i: NeedIntroductionEntity,
  needStatus: NeedStatus,
): NeedIntroductionResponseDto {
  return {
    id: i.id,
    needId: i.needId,
    interestId: i.interestId,
    subjectKind: i.subjectKind,
    subjectId: i.subjectId,
    brokerUserId: i.brokerUserId,
    note: i.note,
    needStatus,
    createdAt: i.createdAt,
  };
}

/** What the audit trail keeps of a need (never the confidential details). */
export function needSnapshot(n: NeedEntity): JsonObject {
  return {
    status: n.status,
    title: n.title,
    industryChain: n.industryChainCode,
    regionCode: n.regionCode,
    budgetMinFen: n.budgetMinFen,
    budgetMaxFen: n.budgetMaxFen,
    anonymous: n.anonymous,
    centreOrganizationId: n.centreOrganizationId,
    brokerUserId: n.brokerUserId,
    trlNeeded: n.trlNeeded,
    challengeId: n.challengeId,
    expiresAt: n.expiresAt.toISOString(),
  };
}
