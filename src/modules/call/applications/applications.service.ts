import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { Principal, UserPrincipal } from '../../../common/auth/principal';
import { requireIfMatch } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { ChallengesRepository } from '../challenges/challenges.repository';
import { TeamsService } from '../teams/teams.service';
import {
  applicantOf,
  assertChallengeOpen,
  ApplicationTeam,
  applicationTeam,
  isUniqueViolation,
  snapshot,
} from './application-access';
import { ApplicationChecks } from './application-checks';
import { APPLICATION_AUDIT, APPLICATION_ENTITY, APPLICATION_EVENTS } from './application-events';
import { ApplicationLifecycle } from './application-lifecycle.service';
import { ApplicationOutbox } from './application-outbox';
import { ApplicationQueriesService } from './application-queries.service';
import { ApplicationContent, PLEDGE_TEXT } from './application-rules';
import { APPLICATION_MACHINE } from './application-status';
import { ApplicationsRepository } from './applications.repository';
import { CreateApplicationDto, UpdateApplicationDto } from './dto/application-input.dto';
import { ApplicationResponseDto } from './dto/application-response.dto';
import { ApplicationEntity } from './entities/application.entity';

/**
 * Drafting applications (揭榜): the draft, its edits, the leader's pledge, and withdrawal before closesAt.
 * Submission and the formal check have their own services. Every change locks the application row and
 * writes its audit (and outbox) events in its transaction.
 */
@Injectable()
export class ApplicationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly applications: ApplicationsRepository,
    private readonly challenges: ChallengesRepository,
    private readonly teams: TeamsService,
    private readonly checks: ApplicationChecks,
    private readonly lifecycle: ApplicationLifecycle,
    private readonly events: ApplicationOutbox,
    private readonly queries: ApplicationQueriesService,
    private readonly audit: AuditService,
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
      assertChallengeOpen(challenge, now, 'apply');
      const team = applicationTeam(await this.teams.lockForApplication(em, dto.teamId, user.organizationId));
      const content = contentOf(dto);
      const attachmentIds = dto.attachmentIds ?? [];
      await this.checks.assertContent(em, challenge, content, attachmentIds, user.organizationId);
      const application = await this.insertDraft(em, user, challengeId, team, dto, now);
      await this.applications.replaceCommitments(em, application.id, content.commitments);
      await this.applications.replaceMilestones(em, application.id, content.milestones);
      await this.applications.replaceAttachments(em, application.id, attachmentIds);
      await this.audit.record(em, {
        actor,
        action: APPLICATION_AUDIT.created,
        objectType: APPLICATION_ENTITY,
        objectId: application.id,
        after: snapshot(application),
      });
      return application.id;
    });
    return this.queries.get(actor, id);
  }

  async update(
    actor: Principal,
    id: string,
    dto: UpdateApplicationDto,
    expectedVersion: number | undefined,
  ): Promise<ApplicationResponseDto> {
    requireIfMatch(expectedVersion, 'edits of an application');
    await this.dataSource.transaction(async (em) => {
      const { application, challenge } = await this.checks.lockOwn(em, actor, id, 'edit', expectedVersion);
      const before = snapshot(application);
      const current = await this.checks.contentOf(em, application);
      const content: ApplicationContent = {
        requestedFiscalFen: dto.requestedFiscalFen ?? current.requestedFiscalFen,
        commitments: dto.indicatorCommitments ?? current.commitments,
        milestones: dto.milestones ?? current.milestones,
      };
      const organizationId = application.leadOrganizationId;
      await this.checks.assertContent(em, challenge, content, dto.attachmentIds ?? [], organizationId);
      if (dto.technicalPlan !== undefined) application.technicalPlan = dto.technicalPlan;
      application.requestedFiscalFen = content.requestedFiscalFen;
      // The pledge covers what it was given for: any change asks the leader again.
      application.pledgeAcceptedAt = null;
      application.pledgeAcceptedBy = null;
      this.lifecycle.move(application, 'edit', this.clock.now());
      await em.save(application);
      if (dto.indicatorCommitments)
        await this.applications.replaceCommitments(em, id, dto.indicatorCommitments);
      if (dto.milestones) await this.applications.replaceMilestones(em, id, dto.milestones);
      if (dto.attachmentIds) await this.applications.replaceAttachments(em, id, dto.attachmentIds);
      await this.audit.record(em, {
        actor,
        action: APPLICATION_AUDIT.updated,
        objectType: APPLICATION_ENTITY,
        objectId: id,
        before,
        after: snapshot(application),
      });
    });
    return this.queries.get(actor, id);
  }

  /** The leader (挂帅者) takes the responsibility pledge (军令状) for the application as it stands. */
  async pledge(
    actor: Principal,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<ApplicationResponseDto> {
    await this.dataSource.transaction(async (em) => {
      const { application } = await this.checks.lockOwn(em, actor, id, 'pledge', expectedVersion);
      const team = applicationTeam(
        await this.teams.lockForApplication(em, application.teamId, application.leadOrganizationId),
      );
      if (actor.kind !== 'user' || actor.userId !== team.leaderUserId) {
        throw new DomainError('FORBIDDEN', 'Only the team leader (挂帅者) may take the pledge');
      }
      const now = this.clock.now();
      application.pledgeAcceptedAt = now;
      application.pledgeAcceptedBy = actor.userId;
      application.leaderUserId = team.leaderUserId;
      this.lifecycle.move(application, 'pledge', this.clock.now());
      await em.save(application);
      await this.audit.record(em, {
        actor,
        action: APPLICATION_AUDIT.pledged,
        objectType: APPLICATION_ENTITY,
        objectId: id,
        after: { acceptedAt: now.toISOString(), pledge: PLEDGE_TEXT },
      });
    });
    return this.queries.get(actor, id);
  }

  async withdraw(
    actor: Principal,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<ApplicationResponseDto> {
    await this.dataSource.transaction(async (em) => {
      const { application, challenge } = await this.checks.lockOwn(
        em,
        actor,
        id,
        'withdraw',
        expectedVersion,
      );
      const wasSubmitted = application.submittedAt !== null;
      const before = snapshot(application);
      this.lifecycle.move(application, 'withdraw', this.clock.now());
      await em.save(application);
      await this.audit.record(em, {
        actor,
        action: APPLICATION_AUDIT.withdrawn,
        objectType: APPLICATION_ENTITY,
        objectId: id,
        before,
        after: snapshot(application),
      });
      if (wasSubmitted) await this.events.publish(em, APPLICATION_EVENTS.withdrawn, application, challenge);
    });
    return this.queries.get(actor, id);
  }

  private async insertDraft(
    em: EntityManager,
    user: UserPrincipal,
    challengeId: string,
    team: ApplicationTeam,
    dto: CreateApplicationDto,
    now: Date,
  ): Promise<ApplicationEntity> {
    const application = em.create(ApplicationEntity, {
      challengeId,
      teamId: team.id,
      leadOrganizationId: user.organizationId,
      leaderUserId: team.leaderUserId,
      status: APPLICATION_MACHINE.initial('create'),
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
      return await em.save(application);
    } catch (error) {
      if (isUniqueViolation(error, 'uq_applications_challenge_team')) {
        throw new DomainError('ALREADY_EXISTS', 'This team already has an application on this challenge', {
          errors: [{ field: 'teamId', message: 'one application per team per challenge' }],
        });
      }
      throw error;
    }
  }
}

function contentOf(dto: CreateApplicationDto): ApplicationContent {
  return {
    requestedFiscalFen: dto.requestedFiscalFen,
    commitments: dto.indicatorCommitments ?? [],
    milestones: dto.milestones ?? [],
  };
}
