import type { ChallengeIndicatorEntity } from '../challenges/entities/challenge-indicator.entity';
import type { Standing } from './application-access';
import { PLEDGE_TEXT } from './application-rules';
import type { AttachmentRow } from './applications.repository';
import type { ApplicationResponseDto } from './dto/application-response.dto';
import type {
  ApplicationCommitmentEntity,
  ApplicationMilestoneEntity,
} from './entities/application-parts.entity';
import type { ApplicationEntity } from './entities/application.entity';

/** What an application's answer reads besides the application itself. */
export interface ApplicationParts {
  commitments: ApplicationCommitmentEntity[];
  milestones: ApplicationMilestoneEntity[];
  attachments: AttachmentRow[];
  indicators: ChallengeIndicatorEntity[];
  bidder: { teamName: string; organizationName: string; leaderName: string } | undefined;
}

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
  const indicatorNames = new Map(parts.indicators.map((i) => [i.id, i.name]));
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
      indicatorName: indicatorNames.get(c.indicatorId) ?? '',
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
