import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { hasRole, isAdmin, Principal } from '../../../common/auth/principal';
import { assertVersion, requireIfMatch } from '../../../common/concurrency/etag';
import { DomainError, FieldError } from '../../../common/errors/domain-error';
import { JsonObject, JsonValue } from '../../../common/json';
import { Page } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { AttachmentsService } from '../../platform/attachments/attachments.service';
import { effectiveStatus } from '../challenges/challenge-status';
import { ChallengesRepository } from '../challenges/challenges.repository';
import { ChallengeEntity } from '../challenges/entities/challenge.entity';
import { IntegrityRecordsRepository } from '../../platform/integrity-records/integrity-records.repository';
import { OrganizationEntity } from '../../platform/organizations/entities/organization.entity';
import { ProgramsService } from '../programs/programs.service';
import { TeamWithParts } from '../teams/teams.repository';
import { TeamsService } from '../teams/teams.service';
import {
  checkBidAgainstList,
  checkBidComplete,
  checkBidShape,
  ListTerms,
  PLEDGE_TEXT,
} from './application-rules';
import {
  ApplicationAction,
  assertApplicationTransition,
  SUBMITTED_STATUSES,
  transitionOf,
} from './application-status';
import { ApplicationsRepository, CommitmentInput, MilestoneInput } from './applications.repository';
import { CreateApplicationDto, FormalCheckDto, UpdateApplicationDto } from './dto/application-input.dto';
import { ApplicationResponseDto, ListApplicationsQueryDto } from './dto/application-response.dto';
import { ApplicationEntity } from './entities/application.entity';
import { evaluateEligibility, failedRules, RuleResult } from './eligibility-rules';

export const APPLICATION_EVENTS = {
  submitted: 'application.submitted',
  formalChecked: 'application.formal_checked',
  withdrawn: 'application.withdrawn',
} as const;

const ENTITY = 'application';

/** How the caller stands to a bid: decides what it may see and do (404 for strangers). */
type Standing = 'owner' | 'admin' | 'issuer' | 'none';

/**
 * Bids (揭榜): drafting, the leader's pledge, submission before closesAt (the deadline race),
 * withdrawal, and the formal check with the eligibility rules. Every change locks the bid row and
 * writes audit and outbox events in its transaction.
 */
@Injectable()
export class ApplicationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly applications: ApplicationsRepository,
    private readonly challenges: ChallengesRepository,
    private readonly programs: ProgramsService,
    private readonly teams: TeamsService,
    private readonly attachmentFiles: AttachmentsService,
    private readonly integrity: IntegrityRecordsRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  async create(
    actor: Principal,
    challengeId: string,
    dto: CreateApplicationDto,
  ): Promise<ApplicationResponseDto> {
    const user = applicantOf(actor);
    const id = await this.dataSource.transaction(async (em) => {
      const challenge = await this.challenges.findById(challengeId, em);
      if (!challenge || challenge.publishedAt === null) throw DomainError.notFound('Challenge');
      const now = this.clock.now();
      assertListOpen(challenge, now, 'apply');
      const team = bidTeam(await this.teams.lockForBid(em, dto.teamId, user.organizationId));
      const content = contentOf(dto);
      await this.assertContent(em, challenge, content, dto.attachmentIds ?? [], user.organizationId);
      const application = em.create(ApplicationEntity, {
        challengeId,
        teamId: team.id,
        leadOrganizationId: user.organizationId,
        leaderUserId: team.leaderUserId,
        status: 'draft',
        statusReason: null,
        technicalPlan: dto.technicalPlan,
        requestedFiscalFen: dto.requestedFiscalFen,
        pledgeAcceptedAt: null,
        pledgeAcceptedBy: null,
        ruleResults: null,
        submittedAt: null,
        formalCheckedAt: null,
        formalCheckedBy: null,
        version: 1,
        createdBy: user.userId,
        createdAt: now,
        updatedAt: now,
      });
      try {
        await em.save(application);
      } catch (error) {
        if (isUniqueViolation(error, 'uq_applications_challenge_team')) {
          throw new DomainError('ALREADY_EXISTS', 'This team already has a bid on this list', {
            errors: [{ field: 'teamId', message: 'one bid per team per list' }],
          });
        }
        throw error;
      }
      await this.saveParts(em, application.id, content, dto.attachmentIds ?? []);
      await this.audit.record(em, {
        actor,
        action: 'application.created',
        objectType: ENTITY,
        objectId: application.id,
        after: snapshot(application),
      });
      return application.id;
    });
    return this.get(actor, id);
  }

  async get(actor: Principal, id: string): Promise<ApplicationResponseDto> {
    const application = await this.applications.findById(id);
    if (!application) throw DomainError.notFound('Application');
    const challenge = await this.challenges.findById(application.challengeId);
    const standing = challenge ? standingOf(actor, application, challenge) : 'none';
    if (standing === 'none') throw DomainError.notFound('Application');
    return this.toResponse(application, standing, await this.hidesIdentities(standing, challenge));
  }

  /** Streams a bid's attachment to whoever may read the bid with its identities. */
  async sendAttachment(actor: Principal, id: string, attachmentId: string, res: Response): Promise<void> {
    const application = await this.applications.findById(id);
    const challenge = application ? await this.challenges.findById(application.challengeId) : null;
    const standing = application && challenge ? standingOf(actor, application, challenge) : 'none';
    if (!application || standing === 'none') throw DomainError.notFound('Application');
    const linked = (await this.applications.attachments(id)).some((a) => a.attachmentId === attachmentId);
    if (!linked || (await this.hidesIdentities(standing, challenge)))
      throw DomainError.notFound('Attachment');
    const attachment = await this.attachmentFiles.findById(attachmentId);
    if (!attachment) throw DomainError.notFound('Attachment');
    await this.attachmentFiles.sendContent(res, attachment);
  }

  async listMine(actor: Principal, query: ListApplicationsQueryDto): Promise<Page<ApplicationResponseDto>> {
    const user = applicantOf(actor);
    const page = await this.applications.listOfOrganization(user.organizationId, query);
    return { items: await this.toResponses(page.items, 'owner', false), nextCursor: page.nextCursor };
  }

  /** The issuer organization of the list (submitted bids, never drafts) and admins. */
  async listOfChallenge(
    actor: Principal,
    challengeId: string,
    query: ListApplicationsQueryDto,
  ): Promise<Page<ApplicationResponseDto>> {
    const challenge = await this.challenges.findById(challengeId);
    const issuer =
      challenge && actor.kind === 'user' && actor.organizationId === challenge.issuerOrganizationId;
    if (!challenge || (!isAdmin(actor) && !issuer)) throw DomainError.notFound('Challenge');
    const standing: Standing = isAdmin(actor) ? 'admin' : 'issuer';
    const page = await this.applications.listOfChallenge(challengeId, SUBMITTED_STATUSES, query);
    const hidden = await this.hidesIdentities(standing, challenge);
    return { items: await this.toResponses(page.items, standing, hidden), nextCursor: page.nextCursor };
  }

  async update(
    actor: Principal,
    id: string,
    dto: UpdateApplicationDto,
    expectedVersion: number | undefined,
  ): Promise<ApplicationResponseDto> {
    requireIfMatch(expectedVersion, 'edits of a bid');
    await this.dataSource.transaction(async (em) => {
      const { application, challenge } = await this.lockOwn(em, actor, id, 'edit', expectedVersion);
      const before = snapshot(application);
      const current = await this.contentOf(em, application);
      const content = {
        requestedFiscalFen: dto.requestedFiscalFen ?? current.requestedFiscalFen,
        commitments: dto.indicatorCommitments ?? current.commitments,
        milestones: dto.milestones ?? current.milestones,
      };
      await this.assertContent(
        em,
        challenge,
        content,
        dto.attachmentIds ?? [],
        application.leadOrganizationId,
      );
      if (dto.technicalPlan !== undefined) application.technicalPlan = dto.technicalPlan;
      application.requestedFiscalFen = content.requestedFiscalFen;
      // The pledge covers what it was given for: any change asks the leader again.
      application.pledgeAcceptedAt = null;
      application.pledgeAcceptedBy = null;
      this.bump(application);
      await em.save(application);
      if (dto.indicatorCommitments)
        await this.applications.replaceCommitments(em, id, dto.indicatorCommitments);
      if (dto.milestones) await this.applications.replaceMilestones(em, id, dto.milestones);
      if (dto.attachmentIds) await this.applications.replaceAttachments(em, id, dto.attachmentIds);
      await this.audit.record(em, {
        actor,
        action: 'application.updated',
        objectType: ENTITY,
        objectId: id,
        before,
        after: snapshot(application),
      });
    });
    return this.get(actor, id);
  }

  /** The leader (挂帅者) takes the responsibility pledge (军令状) for the bid as it stands. */
  async pledge(
    actor: Principal,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<ApplicationResponseDto> {
    await this.dataSource.transaction(async (em) => {
      const { application } = await this.lockOwn(em, actor, id, 'pledge', expectedVersion);
      const team = bidTeam(
        await this.teams.lockForBid(em, application.teamId, application.leadOrganizationId),
      );
      if (actor.kind !== 'user' || actor.userId !== team.leaderUserId) {
        throw new DomainError('FORBIDDEN', 'Only the team leader (挂帅者) may take the pledge');
      }
      const now = this.clock.now();
      application.pledgeAcceptedAt = now;
      application.pledgeAcceptedBy = actor.userId;
      application.leaderUserId = team.leaderUserId;
      this.bump(application);
      await em.save(application);
      await this.audit.record(em, {
        actor,
        action: 'application.pledged',
        objectType: ENTITY,
        objectId: id,
        after: { acceptedAt: now.toISOString(), pledge: PLEDGE_TEXT },
      });
    });
    return this.get(actor, id);
  }

  /**
   * Submits before closesAt. The list row is held FOR SHARE (an amendment or the close job waits),
   * the leader's other bids are counted under a per-leader lock, the clock is read again just
   * before commit, and a deferred trigger checks the database clock at COMMIT: a submission is
   * stored only if it commits before closesAt by both clocks.
   */
  async submit(
    actor: Principal,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<ApplicationResponseDto> {
    try {
      return await this.dataSource.transaction(async (em) => {
        const { application, challenge } = await this.lockOwn(em, actor, id, 'submit', expectedVersion, true);
        const team = bidTeam(
          await this.teams.lockForBid(em, application.teamId, application.leadOrganizationId),
        );
        if (!application.pledgeAcceptedAt) {
          throw new DomainError(
            'BUSINESS_RULE_VIOLATION',
            'The leader has not taken the pledge (军令状) for this bid',
            {
              errors: [
                { field: 'pledge', message: 'POST /applications/{id}/pledge as the team leader first' },
              ],
            },
          );
        }
        if (team.leaderUserId !== application.pledgeAcceptedBy) {
          throw new DomainError(
            'BUSINESS_RULE_VIOLATION',
            "The team's leader changed since the pledge was taken",
            {
              errors: [{ field: 'pledge', message: 'the new leader must take the pledge' }],
            },
          );
        }
        const list = await this.listTerms(em, challenge);
        const content = await this.contentOf(em, application);
        refuse([...checkBidAgainstList(content, list), ...checkBidComplete(content, list)]);

        await this.applications.lockLeader(em, team.leaderUserId);
        const leader = await this.leaderStanding(em, challenge, team.leaderUserId, id);
        if (leader.load >= leader.limit) {
          throw new DomainError(
            'LEADER_LIMIT_REACHED',
            `The leader already holds ${leader.load} bid(s) in play or won; the limit is ${leader.limit}`,
            { extra: { leaderUserId: team.leaderUserId, limit: leader.limit, held: leader.load } },
          );
        }
        const results = await this.evaluate(em, challenge, application, content, list, leader, team);

        const now = this.clock.now();
        if (now >= challenge.closesAt) throw deadlinePassed(challenge);
        const before = snapshot(application);
        Object.assign(application, {
          status: 'submitted',
          statusReason: null,
          leaderUserId: team.leaderUserId,
          ruleResults: results,
          submittedAt: now,
        });
        this.bump(application);
        await em.save(application);
        await this.audit.record(em, {
          actor,
          action: 'application.submitted',
          objectType: ENTITY,
          objectId: id,
          before,
          after: snapshot(application),
        });
        await this.publish(em, APPLICATION_EVENTS.submitted, application, challenge);
        // Answered from this transaction: it is only sent if the COMMIT (and its trigger) succeeds.
        return this.toResponse(application, 'owner', false, em);
      });
    } catch (error) {
      if (
        error instanceof QueryFailedError &&
        constraintOf(error) === 'applications_submitted_before_close'
      ) {
        throw new DomainError('DEADLINE_PASSED', 'The list closed before the submission could be committed', {
          extra: { deadline: 'closesAt' },
        });
      }
      throw error;
    }
  }

  async withdraw(
    actor: Principal,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<ApplicationResponseDto> {
    await this.dataSource.transaction(async (em) => {
      const { application, challenge } = await this.lockOwn(em, actor, id, 'withdraw', expectedVersion);
      const wasSubmitted = application.submittedAt !== null;
      const before = snapshot(application);
      application.status = 'withdrawn';
      this.bump(application);
      await em.save(application);
      await this.audit.record(em, {
        actor,
        action: 'application.withdrawn',
        objectType: ENTITY,
        objectId: id,
        before,
        after: snapshot(application),
      });
      if (wasSubmitted) await this.publish(em, APPLICATION_EVENTS.withdrawn, application, challenge);
    });
    return this.get(actor, id);
  }

  /**
   * Admin's formal check (形式审查): the rules are evaluated again and returned with the decision;
   * `eligible` is refused while a rule fails; `returned` only before closesAt (the team must be able
   * to resubmit).
   */
  async formalCheck(
    actor: Principal,
    id: string,
    dto: FormalCheckDto,
    expectedVersion: number | undefined,
  ): Promise<ApplicationResponseDto> {
    if (dto.outcome !== 'eligible' && !dto.reason?.trim()) {
      throw DomainError.validation([{ field: 'reason', message: `a reason is required for ${dto.outcome}` }]);
    }
    await this.dataSource.transaction(async (em) => {
      const application = await this.applications.findByIdForUpdate(em, id);
      if (!application) throw DomainError.notFound('Application');
      assertVersion(application.version, expectedVersion);
      assertApplicationTransition(application.status, 'formal_check');
      const challenge = await this.challenges.findByIdForShare(em, application.challengeId);
      if (!challenge) throw DomainError.notFound('Application');
      const now = this.clock.now();
      if (dto.outcome === 'returned' && now >= challenge.closesAt) {
        throw new DomainError(
          'DEADLINE_PASSED',
          'The list has closed: a returned bid could not be resubmitted',
          {
            extra: { deadline: 'closesAt' },
          },
        );
      }
      const team = bidTeam(
        await this.teams.lockForBid(em, application.teamId, application.leadOrganizationId),
      );
      const list = await this.listTerms(em, challenge);
      const content = await this.contentOf(em, application);
      // As at submission: the leader's other bids in play or won must stay below the limit.
      const leader = await this.leaderStanding(em, challenge, application.leaderUserId, id);
      const results = await this.evaluate(em, challenge, application, content, list, leader, team);
      const failed = failedRules(results);
      if (dto.outcome === 'eligible' && failed.length) {
        throw new DomainError(
          'BUSINESS_RULE_VIOLATION',
          `A rule fails: ${failed.map((r) => r.detail).join('; ')}`,
          {
            errors: failed.map((r) => ({ field: `ruleResults.${r.rule}`, message: r.detail })),
            extra: { ruleResults: results as unknown as JsonValue },
          },
        );
      }
      const before = snapshot(application);
      Object.assign(application, {
        status: dto.outcome,
        statusReason: dto.outcome === 'eligible' ? (dto.reason?.trim() ?? null) : dto.reason?.trim(),
        ruleResults: results,
        formalCheckedAt: now,
        formalCheckedBy: actor.kind === 'user' ? actor.userId : null,
      });
      this.bump(application);
      await em.save(application);
      await this.audit.record(em, {
        actor,
        action: 'application.formal_checked',
        objectType: ENTITY,
        objectId: id,
        before,
        after: snapshot(application),
      });
      await this.publish(em, APPLICATION_EVENTS.formalChecked, application, challenge, {
        outcome: dto.outcome,
        reason: dto.reason?.trim() ?? null,
      });
    });
    return this.get(actor, id);
  }

  // — helpers —

  private async lockOwn(
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
    if (transitionOf(action).beforeClose) assertListOpen(challenge, this.clock.now(), action);
    return { application, challenge };
  }

  private async listTerms(em: EntityManager, challenge: ChallengeEntity): Promise<ListTerms> {
    const indicators = await this.challenges.indicators(challenge.id, em);
    return {
      fiscalFen: challenge.fiscalFen,
      durationMonths: challenge.durationMonths,
      indicators: indicators.map((i) => ({ id: i.id, name: i.name })),
    };
  }

  private async contentOf(em: EntityManager, application: ApplicationEntity) {
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

  private async assertContent(
    em: EntityManager,
    challenge: ChallengeEntity,
    content: { requestedFiscalFen: number; commitments: CommitmentInput[]; milestones: MilestoneInput[] },
    attachmentIds: string[],
    organizationId: string,
  ): Promise<void> {
    const shape = checkBidShape(content);
    if (shape.length) throw DomainError.validation(shape);
    refuse(checkBidAgainstList(content, await this.listTerms(em, challenge)));
    if (attachmentIds.length) {
      if (new Set(attachmentIds).size !== attachmentIds.length) {
        throw DomainError.validation([{ field: 'attachmentIds', message: 'an attachment is listed twice' }]);
      }
      await this.attachmentFiles.findOwnedByOrganization(em, attachmentIds, organizationId);
    }
  }

  private async saveParts(
    em: EntityManager,
    id: string,
    content: { commitments: CommitmentInput[]; milestones: MilestoneInput[] },
    attachmentIds: string[],
  ): Promise<void> {
    await this.applications.replaceCommitments(em, id, content.commitments);
    await this.applications.replaceMilestones(em, id, content.milestones);
    await this.applications.replaceAttachments(em, id, attachmentIds);
  }

  private async evaluate(
    em: EntityManager,
    challenge: ChallengeEntity,
    application: ApplicationEntity,
    content: { requestedFiscalFen: number; commitments: CommitmentInput[] },
    list: ListTerms,
    leader: { limit: number; load: number },
    team: { leaderUserId: string; consortiumSize: number },
  ): Promise<RuleResult[]> {
    const lead = await em.findOneOrFail(OrganizationEntity, {
      where: { id: application.leadOrganizationId },
    });
    const records = await this.integrity.findForSubjects(em, {
      userIds: [team.leaderUserId],
      organizationIds: [application.leadOrganizationId],
    });
    return evaluateEligibility({
      eligibility: challenge.eligibility,
      leaderLimit: leader.limit,
      fiscalFen: list.fiscalFen,
      indicatorIds: list.indicators.map((i) => i.id),
      lead: { type: lead.type, regionCode: lead.regionCode },
      consortiumSize: team.consortiumSize,
      leaderLoad: leader.load,
      committedIndicatorIds: content.commitments.map((c) => c.indicatorId),
      requestedFiscalFen: content.requestedFiscalFen,
      integrityRecords: records.map((r) => ({ subjectType: r.subjectType, reason: r.reason })),
    });
  }

  /** The limit that applies to this list (its own, else the program's) and the leader's other bids in play or won. */
  private async leaderStanding(
    em: EntityManager,
    challenge: ChallengeEntity,
    leaderUserId: string,
    exceptId: string,
  ): Promise<{ limit: number; load: number }> {
    const program = await this.programs.requireById(em, challenge.programId);
    return {
      limit: challenge.eligibility.leaderConcurrencyLimit ?? program.settings.maxActiveListsPerLeader,
      load: await this.applications.leaderLoad(em, leaderUserId, exceptId),
    };
  }

  private bump(application: ApplicationEntity): void {
    application.version += 1;
    application.updatedAt = this.clock.now();
  }

  private async hidesIdentities(standing: Standing, challenge: ChallengeEntity | null): Promise<boolean> {
    if (standing !== 'issuer' || !challenge) return false;
    const program = await this.programs.findById(challenge.programId);
    return program ? !program.settings.issuerSeesApplicantIdentities : true;
  }

  private async toResponses(
    applications: ApplicationEntity[],
    standing: Standing,
    hidden: boolean,
  ): Promise<ApplicationResponseDto[]> {
    return Promise.all(applications.map((a) => this.toResponse(a, standing, hidden)));
  }

  /**
   * The answer for a bid. Inside a transaction (`em` given) the reads run one after another on its
   * connection; a submission answers this way, so a burst does not queue again for the pool after
   * COMMIT. Outside, they run in parallel.
   */
  private async toResponse(
    application: ApplicationEntity,
    standing: Standing,
    hidden: boolean,
    em?: EntityManager,
  ): Promise<ApplicationResponseDto> {
    const reads = [
      () => this.applications.commitments(application.id, em),
      () => this.applications.milestones(application.id, em),
      () => this.applications.attachments(application.id, em),
      () => this.challenges.indicators(application.challengeId, em),
      () => this.applications.bidderNames([application.id], em),
    ] as const;
    const [commitments, milestones, attachments, indicators, names] = em
      ? [await reads[0](), await reads[1](), await reads[2](), await reads[3](), await reads[4]()]
      : await Promise.all([reads[0](), reads[1](), reads[2](), reads[3](), reads[4]()]);
    const indicatorNames = new Map(indicators.map((i) => [i.id, i.name]));
    const bidder = names.get(application.id);
    return {
      id: application.id,
      challengeId: application.challengeId,
      bidder: hidden
        ? null
        : {
            teamId: application.teamId,
            teamName: bidder?.teamName ?? '',
            leadOrganizationId: application.leadOrganizationId,
            leadOrganizationName: bidder?.organizationName ?? '',
            leaderUserId: application.leaderUserId,
            leaderName: bidder?.leaderName ?? '',
          },
      status: application.status,
      statusReason: application.statusReason,
      technicalPlan: application.technicalPlan,
      requestedFiscalFen: application.requestedFiscalFen,
      indicatorCommitments: commitments.map((c) => ({
        indicatorId: c.indicatorId,
        indicatorName: indicatorNames.get(c.indicatorId) ?? '',
        committedValue: c.committedValue,
      })),
      milestones: milestones.map((m) => ({
        title: m.title,
        deliverables: m.deliverables,
        dueMonth: m.dueMonth,
        sharePercent: m.sharePercent,
      })),
      attachments: hidden ? [] : attachments,
      pledge:
        application.pledgeAcceptedAt && application.pledgeAcceptedBy
          ? {
              acceptedAt: application.pledgeAcceptedAt,
              // The leader's user id names the bidder: hidden with the rest of its identity.
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

  private async publish(
    em: EntityManager,
    type: string,
    application: ApplicationEntity,
    challenge: ChallengeEntity,
    extra: Record<string, JsonValue> = {},
  ): Promise<void> {
    await this.outbox.publish(em, {
      type,
      aggregateType: ENTITY,
      aggregateId: application.id,
      data: {
        applicationId: application.id,
        challengeId: challenge.id,
        challengeCode: challenge.code,
        challengeTitle: challenge.title,
        issuerOrganizationId: challenge.issuerOrganizationId,
        leadOrganizationId: application.leadOrganizationId,
        status: application.status,
        ...extra,
      },
    });
  }
}

/** What a bid needs of its team: the leader the limit counts, and whether it is a consortium. */
function bidTeam(parts: TeamWithParts): { id: string; leaderUserId: string; consortiumSize: number } {
  return {
    id: parts.team.id,
    leaderUserId: parts.team.leaderUserId,
    consortiumSize: parts.consortium.length,
  };
}

function applicantOf(actor: Principal) {
  if (actor.kind !== 'user' || !hasRole(actor, 'applicant')) {
    throw new DomainError('FORBIDDEN', 'Bids are made by applicants');
  }
  return actor;
}

function standingOf(actor: Principal, application: ApplicationEntity, challenge: ChallengeEntity): Standing {
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

function contentOf(dto: CreateApplicationDto) {
  return {
    requestedFiscalFen: dto.requestedFiscalFen,
    commitments: dto.indicatorCommitments ?? [],
    milestones: dto.milestones ?? [],
  };
}

/** Bids need the list open by the clock (between opensAt and closesAt). */
function assertListOpen(challenge: ChallengeEntity, now: Date, action: string): void {
  const status = effectiveStatus(challenge, now);
  if (status === 'open') return;
  if (status === 'closed' || (now >= challenge.closesAt && challenge.publishedAt !== null)) {
    throw deadlinePassed(challenge, action);
  }
  throw DomainError.invalidTransition(status, action);
}

function deadlinePassed(challenge: ChallengeEntity, action = 'submit'): DomainError {
  return new DomainError('DEADLINE_PASSED', `The list closed at ${challenge.closesAt.toISOString()}`, {
    extra: { state: 'closed', action, deadline: 'closesAt' },
  });
}

function refuse(errors: FieldError[]): void {
  if (errors.length) {
    throw new DomainError('BUSINESS_RULE_VIOLATION', errors.map((e) => e.message).join('; '), { errors });
  }
}

function constraintOf(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  return (error.driverError as { constraint?: string } | undefined)?.constraint;
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string }).code === '23505' &&
    constraintOf(error) === constraint
  );
}

function snapshot(a: ApplicationEntity): JsonObject {
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
