import type { JsonObject } from '../../../common/json';
import type { ResultResponseDto, UtilisationReportDto } from './dto/result-response.dto';
import type { ResultUtilisationEntity } from './entities/result-utilisation.entity';
import type { ResultEntity } from './entities/result.entity';

/** A result as its readers see it: never the confidential details, never a person. */
export function toResultResponse(r: ResultEntity, hasConfidentialDetails: boolean): ResultResponseDto {
  return {
    id: r.id,
    status: r.status,
    source: r.source,
    title: r.title,
    abstract: r.abstract,
    type: r.type,
    industryChain: r.industryChainCode,
    keywords: [...r.keywords],
    trlClaimed: r.trlClaimed,
    verifiedTrl: r.verifiedTrl,
    ipRecords: r.ipRecords.map((ip) => ({
      kind: ip.kind,
      number: ip.number,
      holderOrganizationIds: [...ip.holderOrganizationIds],
      status: ip.status,
    })),
    holders: r.holders.map((h) => ({ name: h.name, organizationId: h.organizationId })),
    transferModes: [...r.transferModes],
    priceGuidanceFen: r.priceGuidanceFen,
    organizationId: r.organizationId,
    projectId: r.projectId,
    challengeId: r.challengeId,
    indicators: r.indicators.map((i) => ({ ...i })),
    hasConfidentialDetails,
    returnReason: r.returnReason,
    submittedAt: r.submittedAt,
    publishedAt: r.publishedAt,
    version: r.version,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export function toUtilisationResponse(u: ResultUtilisationEntity): UtilisationReportDto {
  return {
    id: u.id,
    resultId: u.resultId,
    year: u.year,
    status: u.status,
    requestAt: u.requestAt,
    dueAt: u.dueAt,
    used: u.used,
    kinds: u.kinds ? [...u.kinds] : null,
    description: u.description,
    revenueFen: u.revenueFen,
    reportedAt: u.reportedAt,
  };
}

/** The data of every result.* event: the public fields and the holder organization, nothing confidential. */
export function resultEventData(r: ResultEntity): JsonObject {
  return {
    resultId: r.id,
    title: r.title,
    type: r.type,
    industryChain: r.industryChainCode,
    status: r.status,
    source: r.source,
    organizationId: r.organizationId,
    trlClaimed: r.trlClaimed,
    verifiedTrl: r.verifiedTrl,
    transferModes: [...r.transferModes],
    projectId: r.projectId,
    challengeId: r.challengeId,
    publishedAt: r.publishedAt?.toISOString() ?? null,
    version: r.version,
  };
}
