import type { ApplicationsRepository } from '../../call/applications/applications.repository';
import type { ApplicationEntity } from '../../call/applications/entities/application.entity';
import type { ChallengesRepository } from '../../call/challenges/challenges.repository';
import type { ChallengeEntity } from '../../call/challenges/entities/challenge.entity';
import type { Rubric } from '../../call/programs/program-settings';
import type { TeamWithParts } from '../../call/teams/teams.repository';
import type { ReviewApplicationDto } from './dto/review-response.dto';

/** What the expert's view of an application is made of, read by ReviewAssignmentsService. */
export interface ReviewApplicationParts {
  assignmentId: string;
  bidLabel: string;
  challenge: ChallengeEntity;
  application: ApplicationEntity;
  commitments: Awaited<ReturnType<ApplicationsRepository['commitments']>>;
  milestones: Awaited<ReturnType<ApplicationsRepository['milestones']>>;
  attachments: Awaited<ReturnType<ApplicationsRepository['attachments']>>;
  indicators: Awaited<ReturnType<ChallengesRepository['indicators']>>;
  rubric: Rubric;
  /** null in a blind program: nothing that names the team is shown. */
  team: TeamWithParts | null;
}

/**
 * The application as the expert reads it (docs/adr/0024). Blind programs: BlindReviewApplicationDto, with
 * nothing that names the team and attachments by neutral labels; otherwise
 * OpenReviewApplicationDto with the team, its organizations and members.
 */
export function toReviewApplication(p: ReviewApplicationParts): ReviewApplicationDto {
  const byIndicator = new Map(p.indicators.map((i) => [i.id, i]));
  const content = {
    assignmentId: p.assignmentId,
    bidLabel: p.bidLabel,
    challenge: { id: p.challenge.id, code: p.challenge.code, title: p.challenge.title },
    technicalPlan: p.application.technicalPlan,
    requestedFiscalFen: p.application.requestedFiscalFen,
    indicatorCommitments: p.commitments
      .map((c) => ({ c, indicator: byIndicator.get(c.indicatorId) }))
      .sort((a, b) => (a.indicator?.position ?? 0) - (b.indicator?.position ?? 0))
      .map(({ c, indicator }) => ({
        indicatorName: indicator?.name ?? '',
        targetValue: indicator?.targetValue ?? '',
        unit: indicator?.unit ?? '',
        committedValue: c.committedValue,
      })),
    milestones: p.milestones.map((m) => ({
      title: m.title,
      deliverables: m.deliverables,
      dueMonth: m.dueMonth,
      sharePercent: m.sharePercent,
    })),
    rubric: p.rubric.criteria.map((c) => ({
      key: c.key,
      name: c.name,
      weight: c.weight,
      maxScore: c.maxScore,
    })),
  };
  const neutral = p.attachments.map((a, i) => ({
    label: `附件${i + 1}`,
    contentType: a.contentType,
    sizeBytes: a.sizeBytes,
  }));
  if (!p.team) return { blind: true, ...content, attachments: neutral };
  return {
    blind: false,
    ...content,
    attachments: neutral.map((a, i) => ({ ...a, filename: p.attachments[i].filename })),
    team: openTeam(p.team),
  };
}

function openTeam(team: TeamWithParts) {
  const organizationNames = new Map([
    [team.leadOrganization.id, team.leadOrganization.name],
    ...team.consortium.map((c) => [c.organization.id, c.organization.name] as [string, string]),
  ]);
  return {
    name: team.team.name,
    leaderName: team.leader.displayName,
    leadOrganization: {
      id: team.leadOrganization.id,
      name: team.leadOrganization.name,
      regionCode: team.leadOrganization.regionCode,
    },
    consortium: team.consortium.map((c) => ({
      organization: {
        id: c.organization.id,
        name: c.organization.name,
        regionCode: c.organization.regionCode,
      },
      role: c.role,
    })),
    members: team.members.map((m) => ({
      name: m.name,
      title: m.title,
      role: m.role,
      organizationName: organizationNames.get(m.organizationId) ?? '',
    })),
  };
}
