import type { Standing } from './application-access';
import { PLEDGE_TEXT } from './application-rules';
import type { ApplicationParts } from './application-parts.repository';
import type { ApplicationResponseDto } from './dto/application-response.dto';
import type { ApplicationEntity } from './entities/application.entity';

/**
 * The answer for an application. `hidden`: the issuer must not learn who applies (the program's setting), so
 * the applicant, the attachments and the pledge's signer are left out; the rule results are for the
 * owner and the admins only.
 */
export function toApplicationResponse(
  application: ApplicationEntity,
  parts: ApplicationParts,
  standing: Standing,
  hidden: boolean,
): ApplicationResponseDto {
  return {
    id: application.id,
    challengeId: application.challengeId,
    bidder: hidden ? null : applicantRefOf(application, parts.bidder),
    status: application.status,
    statusReason: application.statusReason,
    technicalPlan: application.technicalPlan,
    requestedFiscalFen: application.requestedFiscalFen,
    indicatorCommitments: parts.commitments.map((c) => ({
      indicatorId: c.indicatorId,
      indicatorName: c.indicatorName,
      committedValue: c.committedValue,
    })),
    milestones: parts.milestones.map((m) => ({
      title: m.title,
      deliverables: m.deliverables,
      dueMonth: m.dueMonth,
      sharePercent: m.sharePercent,
    })),
    attachments: hidden ? [] : parts.attachments,
    pledge:
      application.pledgeAcceptedAt && application.pledgeAcceptedBy
        ? {
            acceptedAt: application.pledgeAcceptedAt,
            // The leader's user id names the applicant: hidden with the rest of its identity.
            acceptedBy: hidden ? null : application.pledgeAcceptedBy,
            text: PLEDGE_TEXT,
          }
        : null,
    ...(standing === 'owner' || standing === 'admin' ? { ruleResults: application.ruleResults } : {}),
    submittedAt: application.submittedAt,
    formalCheckedAt: application.formalCheckedAt,
    version: application.version,
    createdAt: application.createdAt,
    updatedAt: application.updatedAt,
  };
}

function applicantRefOf(application: ApplicationEntity, names: ApplicationParts['bidder']) {
  return {
    teamId: application.teamId,
    teamName: names?.teamName ?? '',
    leadOrganizationId: application.leadOrganizationId,
    leadOrganizationName: names?.organizationName ?? '',
    leaderUserId: application.leaderUserId,
    leaderName: names?.leaderName ?? '',
  };
}
