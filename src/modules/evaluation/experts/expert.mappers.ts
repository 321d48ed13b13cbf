import { JsonObject } from '../../../common/json';
import { ExpertResponseDto, ExpertSummaryDto } from './dto/expert-response.dto';
import type { ExpertHead, ExpertWithParts } from './expert-types';

export const EXPERT_ENTITY = 'expert';

export function toExpertSummary({ expert, user, affiliationOrganization }: ExpertHead): ExpertSummaryDto {
  return {
    id: expert.id,
    user: { ...user },
    affiliationOrganization: { ...affiliationOrganization },
    title: expert.title,
    industryChains: [...expert.industryChainCodes],
    keywords: [...expert.keywords],
    active: expert.active,
    version: expert.version,
    createdAt: expert.createdAt,
    updatedAt: expert.updatedAt,
  };
}

export function toExpertResponse(parts: ExpertWithParts): ExpertResponseDto {
  return {
    ...toExpertSummary(parts),
    collaborations: parts.collaborations.map((c) => ({
      organization: { ...c.organization },
      description: c.description,
      fromYear: c.fromYear,
      toYear: c.toYear,
    })),
  };
}

/** What the audit trail keeps of a profile: every field the conflict check or the draw reads, and the version. */
export function expertSnapshot({ expert, collaborations }: ExpertWithParts): JsonObject {
  return {
    userId: expert.userId,
    affiliationOrganizationId: expert.affiliationOrganizationId,
    title: expert.title,
    industryChains: [...expert.industryChainCodes],
    keywords: [...expert.keywords],
    active: expert.active,
    collaborations: collaborations.map((c) => ({
      organizationId: c.organization.id,
      description: c.description,
      fromYear: c.fromYear,
      toYear: c.toYear,
    })),
    version: expert.version,
  };
}
