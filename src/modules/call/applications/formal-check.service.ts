import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { Principal } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { JsonValue } from '../../../common/json';
import { Clock } from '../../../infra/clock/clock';
import { ChallengesRepository } from '../challenges/challenges.repository';
import type { ChallengeEntity } from '../challenges/entities/challenge.entity';
import { TeamsService } from '../teams/teams.service';
import { applicationTeam, snapshot } from './application-access';
import { ApplicationChecks } from './application-checks';
import { APPLICATION_AUDIT, APPLICATION_ENTITY, APPLICATION_EVENTS } from './application-events';
import { ApplicationLifecycle } from './application-lifecycle.service';
import { ApplicationOutbox } from './application-outbox';
import { ApplicationQueriesService } from './application-queries.service';
import { assertApplicationTransition, FORMAL_CHECK_ACTIONS } from './application-status';
import { ApplicationsRepository } from './applications.repository';
import { FormalCheckDto } from './dto/application-input.dto';
import { ApplicationResponseDto } from './dto/application-response.dto';
import type { ApplicationEntity } from './entities/application.entity';
import { failedRules, RuleResult } from './eligibility-rules';

/**
 * The admin's formal check (形式审查): the eligibility rules are evaluated again and stored with
 * the decision; `eligible` is refused while a rule fails; `returned` only before closesAt (the
 * team must be able to resubmit).
 */
@Injectable()
export class FormalCheckService {
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
      const { application, challenge, now } = await this.lockForCheck(em, id, dto, expectedVersion);
      const results = await this.rulesNow(em, application, challenge);
      assertDecidable(dto, results);
      const before = snapshot(application);
      Object.assign(application, {
        statusReason: dto.outcome === 'eligible' ? (dto.reason?.trim() ?? null) : dto.reason?.trim(),
        ruleResults: results,
        formalCheckedAt: now,
        formalCheckedBy: actor.kind === 'user' ? actor.userId : null,
      });
      this.lifecycle.move(application, FORMAL_CHECK_ACTIONS[dto.outcome], this.clock.now());
      await em.save(application);
      await this.audit.record(em, {
        actor,
        action: APPLICATION_AUDIT.formalChecked,
        objectType: APPLICATION_ENTITY,
        objectId: id,
        before,
        after: snapshot(application),
      });
      await this.events.publish(em, APPLICATION_EVENTS.formalChecked, application, challenge, {
        outcome: dto.outcome,
        reason: dto.reason?.trim() ?? null,
      });
    });
    return this.queries.get(actor, id);
  }

  /** The application locked and checkable; its challenge held FOR SHARE; `returned` only while the challenge is open. */
  private async lockForCheck(
    em: EntityManager,
    id: string,
    dto: FormalCheckDto,
    expectedVersion: number | undefined,
  ): Promise<{ application: ApplicationEntity; challenge: ChallengeEntity; now: Date }> {
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
        'The challenge has closed: a returned application could not be resubmitted',
        {
          extra: { deadline: 'closesAt' },
        },
      );
    }
    return { application, challenge, now };
  }

  /** The rules as they stand now; as at submission, the leader's other applications must stay below the limit. */
  private async rulesNow(
    em: EntityManager,
    application: ApplicationEntity,
    challenge: ChallengeEntity,
  ): Promise<RuleResult[]> {
    const team = applicationTeam(
      await this.teams.lockForApplication(em, application.teamId, application.leadOrganizationId),
    );
    const terms = await this.checks.challengeTerms(em, challenge);
    const content = await this.checks.contentOf(em, application);
    const leader = await this.checks.leaderStanding(em, challenge, application.leaderUserId, application.id);
    return this.checks.evaluate(em, challenge, application, content, terms, leader, team);
  }
}

/** `eligible` is refused while a rule fails (422 naming each). */
function assertDecidable(dto: FormalCheckDto, results: RuleResult[]): void {
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
}
