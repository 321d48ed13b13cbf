import { JsonObject } from '../../../common/json';
import { effectiveStatus } from './challenge-status';
import { LinkedAttachment } from './challenges.repository';
import {
  AmendmentResponseDto,
  ChallengeAttachmentResponseDto,
  ChallengeResponseDto,
  ChallengeSummaryDto,
} from './dto/challenge-response.dto';
import { ChallengeAmendmentEntity } from './entities/challenge-amendment.entity';
import { ChallengeIndicatorEntity } from './entities/challenge-indicator.entity';
import { ChallengeEntity } from './entities/challenge.entity';

export function toChallengeSummary(c: ChallengeEntity, issuerName: string, now: Date): ChallengeSummaryDto {
  return {
    id: c.id,
    code: c.code,
    programId: c.programId,
    title: c.title,
    category: c.categoryCode,
    industryChain: c.industryChainCode,
    issuerOrganization: { id: c.issuerOrganizationId, name: issuerName },
    regionCode: c.regionCode,
    publicSummary: c.publicSummary,
    totalFen: c.totalFen,
    fiscalFen: c.fiscalFen,
    cofundingFen: c.cofundingFen,
    opensAt: c.opensAt,
    closesAt: c.closesAt,
    selectionMode: c.selectionMode,
    teamCount: c.teamCount,
    status: effectiveStatus(c, now),
    publishedAt: c.publishedAt,
    version: c.version,
  };
}

export function toAttachmentResponse(
  challengeId: string,
  a: LinkedAttachment,
): ChallengeAttachmentResponseDto {
  return { ...a, href: `/api/v1/challenges/${challengeId}/attachments/${a.attachmentId}` };
}

export interface ChallengeDetailParts {
  issuerName: string;
  indicators: ChallengeIndicatorEntity[];
  attachments: LinkedAttachment[];
  amendmentCount: number;
  /** Known once the challenge has closed; null before (nobody learns the count while applications are open). */
  submittedApplicationCount: number | null;
  /** The issuer organization and admins see the reject reason and confidential attachments' metadata. */
  privileged: boolean;
}

export function toChallengeResponse(
  c: ChallengeEntity,
  parts: ChallengeDetailParts,
  now: Date,
): ChallengeResponseDto {
  return {
    ...toChallengeSummary(c, parts.issuerName, now),
    background: c.background,
    indicators: parts.indicators.map((i) => ({
      id: i.id,
      name: i.name,
      targetValue: i.targetValue,
      unit: i.unit,
      verificationMethod: i.verificationMethod,
    })),
    expectedOutcomes: c.expectedOutcomes,
    durationMonths: c.durationMonths,
    eligibility: c.eligibility,
    attachments: parts.attachments
      .filter((a) => parts.privileged || a.visibility === 'public')
      .map((a) => toAttachmentResponse(c.id, a)),
    statusReason: parts.privileged || c.status === 'cancelled' ? c.statusReason : null,
    amendmentCount: parts.amendmentCount,
    needId: parts.privileged ? c.needId : null,
    submittedBidCount: parts.submittedApplicationCount,
    submittedAt: c.submittedAt,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

export function toAmendmentResponse(a: ChallengeAmendmentEntity): AmendmentResponseDto {
  return {
    id: a.id,
    challengeId: a.challengeId,
    number: a.number,
    reason: a.reason,
    changes: a.changes,
    versionAfter: a.versionAfter,
    createdAt: a.createdAt,
  };
}

/** What the audit trail keeps of a challenge: everything public plus state; the confidential text never. */
export function challengeSnapshot(c: ChallengeEntity, indicators?: ChallengeIndicatorEntity[]): JsonObject {
  const snapshot: JsonObject = {
    code: c.code,
    programId: c.programId,
    title: c.title,
    category: c.categoryCode,
    industryChain: c.industryChainCode,
    publicSummary: c.publicSummary,
    totalFen: c.totalFen,
    fiscalFen: c.fiscalFen,
    cofundingFen: c.cofundingFen,
    durationMonths: c.durationMonths,
    opensAt: c.opensAt.toISOString(),
    closesAt: c.closesAt.toISOString(),
    selectionMode: c.selectionMode,
    teamCount: c.teamCount,
    eligibility: { ...c.eligibility },
    status: c.status,
    statusReason: c.statusReason,
    version: c.version,
  };
  if (indicators)
    snapshot.indicators = indicators.map((i) => ({ id: i.id, name: i.name, targetValue: i.targetValue }));
  return snapshot;
}
