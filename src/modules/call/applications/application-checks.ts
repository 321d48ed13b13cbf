import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Principal } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { AttachmentsService } from '../../platform/attachments/attachments.service';
import { IntegrityRecordsRepository } from '../../platform/integrity-records/integrity-records.repository';
import { OrganizationsRepository } from '../../platform/organizations/organizations.repository';
import { ChallengesRepository } from '../challenges/challenges.repository';
import type { ChallengeEntity } from '../challenges/entities/challenge.entity';
import { ProgramsService } from '../programs/programs.service';
import { applicantOf, assertChallengeOpen, ApplicationTeam, refuse } from './application-access';
import {
  ApplicationContent,
  checkApplicationAgainstChallenge,
  checkApplicationShape,
  ChallengeTerms,
} from './application-rules';
import { ApplicationAction, assertApplicationTransition, transitionOf } from './application-status';
import { ApplicationsRepository } from './applications.repository';
import type { ApplicationEntity } from './entities/application.entity';
import { evaluateEligibility, RuleResult } from './eligibility-rules';

/** The limit that applies to a challenge and the leader's other applications in play or won. */
export interface LeaderStanding {
  limit: number;
  load: number;
}

/**
 * What drafting, submission and the formal check all ask of an application: the caller's own application locked
 * and allowed the action, the challenge's terms, the application's content checked against them, the leader's
 * standing, and the eligibility rules evaluated.
 */
@Injectable()
export class ApplicationChecks {
  constructor(
    private readonly applications: ApplicationsRepository,
    private readonly challenges: ChallengesRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly programs: ProgramsService,
    private readonly attachmentFiles: AttachmentsService,
    private readonly integrity: IntegrityRecordsRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Locks the caller's organization's application (404 for anyone else's), checks the version and the
   * action, and reads its challenge (FOR SHARE when `share`: a submission holds the challenge against an
   * amendment or the close job); actions before closesAt need the challenge open by the clock.
   */
  async lockOwn(
    em: EntityManager,
    actor: Principal,
    id: string,
    action: ApplicationAction,
    expectedVersion: number | undefined,
    share = false,
  ): Promise<{ application: ApplicationEntity; challenge: ChallengeEntity }> {
    const user = applicantOf(actor);
    const application = await this.applications.findByIdForUpdate(em, id);
    if (!application || application.leadOrganizationId !== user.organizationId) {
      throw DomainError.notFound('Application');
    }
    assertVersion(application.version, expectedVersion);
    assertApplicationTransition(application.status, action);
    const challenge = share
      ? await this.challenges.findByIdForShare(em, application.challengeId)
      : await this.challenges.findById(application.challengeId, em);
    if (!challenge) throw DomainError.notFound('Application');
    if (transitionOf(action).beforeClose) assertChallengeOpen(challenge, this.clock.now(), action);
    return { application, challenge };
  }

  async challengeTerms(em: EntityManager, challenge: ChallengeEntity): Promise<ChallengeTerms> {
    const indicators = await this.challenges.indicators(challenge.id, em);
    return {
      fiscalFen: challenge.fiscalFen,
      durationMonths: challenge.durationMonths,
      indicators: indicators.map((i) => ({ id: i.id, name: i.name })),
    };
  }

  async contentOf(em: EntityManager, application: ApplicationEntity): Promise<ApplicationContent> {
    const [commitments, milestones] = await Promise.all([
      this.applications.commitments(application.id, em),
      this.applications.milestones(application.id, em),
    ]);
    return {
      requestedFiscalFen: application.requestedFiscalFen,
      commitments: commitments.map((c) => ({ indicatorId: c.indicatorId, committedValue: c.committedValue })),
      milestones: milestones.map((m) => ({
        title: m.title,
        deliverables: m.deliverables,
        dueMonth: m.dueMonth,
        sharePercent: m.sharePercent,
      })),
    };
  }

  /** 400 for a malformed application, 422 for what the challenge refuses; the attachments must be the organization's. */
  async assertContent(
    em: EntityManager,
    challenge: ChallengeEntity,
    content: ApplicationContent,
    attachmentIds: string[],
    organizationId: string,
  ): Promise<void> {
    const shape = checkApplicationShape(content);
    if (shape.length) throw DomainError.validation(shape);
    refuse(checkApplicationAgainstChallenge(content, await this.challengeTerms(em, challenge)));
    if (attachmentIds.length) {
      if (new Set(attachmentIds).size !== attachmentIds.length) {
        throw DomainError.validation([{ field: 'attachmentIds', message: 'an attachment is listed twice' }]);
      }
      await this.attachmentFiles.findOwnedByOrganization(em, attachmentIds, organizationId);
    }
  }

  /** The limit that applies to this challenge (its own, else the program's) and the leader's other applications in play or won. */
  async leaderStanding(
    em: EntityManager,
    challenge: ChallengeEntity,
    leaderUserId: string,
    exceptId: string,
  ): Promise<LeaderStanding> {
    const program = await this.programs.requireById(em, challenge.programId);
    return {
      limit: challenge.eligibility.leaderConcurrencyLimit ?? program.settings.maxActiveListsPerLeader,
      load: await this.applications.leaderLoad(em, leaderUserId, exceptId),
    };
  }

  async evaluate(
    em: EntityManager,
    challenge: ChallengeEntity,
    application: ApplicationEntity,
    content: ApplicationContent,
    terms: ChallengeTerms,
    leader: LeaderStanding,
    team: ApplicationTeam,
  ): Promise<RuleResult[]> {
    const lead = await this.organizations.findById(application.leadOrganizationId, em);
    if (!lead)
      throw new Error(`The application's lead organization ${application.leadOrganizationId} is missing`);
    const records = await this.integrity.findForSubjects(em, {
      userIds: [team.leaderUserId],
      organizationIds: [application.leadOrganizationId],
    });
    return evaluateEligibility({
      eligibility: challenge.eligibility,
      leaderLimit: leader.limit,
      fiscalFen: terms.fiscalFen,
      indicatorIds: terms.indicators.map((i) => i.id),
      lead: { type: lead.type, regionCode: lead.regionCode },
      consortiumSize: team.consortiumSize,
      leaderLoad: leader.load,
      committedIndicatorIds: content.commitments.map((c) => c.indicatorId),
      requestedFiscalFen: content.requestedFiscalFen,
      integrityRecords: records.map((r) => ({ subjectType: r.subjectType, reason: r.reason })),
    });
  }
}
