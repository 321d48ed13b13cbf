import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { Principal } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import type { ChallengeEntity } from '../challenges/entities/challenge.entity';
import { TeamsService } from '../teams/teams.service';
import {
  ApplicationTeam,
  applicationTeam,
  constraintOf,
  deadlinePassed,
  refuse,
  snapshot,
} from './application-access';
import { ApplicationChecks } from './application-checks';
import { APPLICATION_AUDIT, APPLICATION_ENTITY, APPLICATION_EVENTS } from './application-events';
import { ApplicationLifecycle } from './application-lifecycle.service';
import { ApplicationOutbox } from './application-outbox';
import { ApplicationQueriesService } from './application-queries.service';
import { checkApplicationAgainstChallenge, checkApplicationComplete } from './application-rules';
import { ApplicationsRepository } from './applications.repository';
import { ApplicationResponseDto } from './dto/application-response.dto';
import type { ApplicationEntity } from './entities/application.entity';
import type { RuleResult } from './eligibility-rules';

/**
 * Submitting an application before closesAt (the deadline race). The challenge row is held FOR SHARE (an
 * amendment or the close job waits), the leader's other applications are counted under a per-leader lock,
 * the clock is read again just before commit, and a deferred trigger checks the database clock at
 * COMMIT: a submission is stored only if it commits before closesAt by both clocks.
 */
@Injectable()
export class ApplicationSubmissionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly applications: ApplicationsRepository,
    private readonly teams: TeamsService,
    private readonly checks: ApplicationChecks,
    private readonly lifecycle: ApplicationLifecycle,
    private readonly events: ApplicationOutbox,
    private readonly queries: ApplicationQueriesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async submit(
    actor: Principal,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<ApplicationResponseDto> {
    try {
      return await this.dataSource.transaction(async (em) => {
        const locked = await this.checks.lockOwn(em, actor, id, 'submit', expectedVersion, true);
        const { application, challenge } = locked;
        const team = applicationTeam(
          await this.teams.lockForApplication(em, application.teamId, application.leadOrganizationId),
        );
        assertPledged(application, team);
        const results = await this.checkSubmission(em, application, challenge, team);
        const now = this.clock.now();
        if (now >= challenge.closesAt) throw deadlinePassed(challenge);
        const before = snapshot(application);
        Object.assign(application, {
          statusReason: null,
          leaderUserId: team.leaderUserId,
          ruleResults: results,
          submittedAt: now,
        });
        this.lifecycle.move(application, 'submit', this.clock.now());
        await em.save(application);
        await this.audit.record(em, {
          actor,
          action: APPLICATION_AUDIT.submitted,
          objectType: APPLICATION_ENTITY,
          objectId: id,
          before,
          after: snapshot(application),
        });
        await this.events.publish(em, APPLICATION_EVENTS.submitted, application, challenge);
        // Answered from this transaction: it is only sent if the COMMIT (and its trigger) succeeds.
        return this.queries.toResponse(application, 'owner', false, em);
      });
    } catch (error) {
      throw closedAtCommit(error) ?? error;
    }
  }

  /**
   * The challenge's terms complete and met, and the leader below the limit (counted under the leader's
   * lock); answers the eligibility rules' results to store with the submission.
   */
  private async checkSubmission(
    em: EntityManager,
    application: ApplicationEntity,
    challenge: ChallengeEntity,
    team: ApplicationTeam,
  ): Promise<RuleResult[]> {
    const terms = await this.checks.challengeTerms(em, challenge);
    const content = await this.checks.contentOf(em, application);
    refuse([
      ...checkApplicationAgainstChallenge(content, terms),
      ...checkApplicationComplete(content, terms),
    ]);
    await this.applications.lockLeader(em, team.leaderUserId);
    const leader = await this.checks.leaderStanding(em, challenge, team.leaderUserId, application.id);
    if (leader.load >= leader.limit) {
      throw new DomainError(
        'LEADER_LIMIT_REACHED',
        `The leader already holds ${leader.load} application(s) in play or won; the limit is ${leader.limit}`,
        { extra: { leaderUserId: team.leaderUserId, limit: leader.limit, held: leader.load } },
      );
    }
    return this.checks.evaluate(em, challenge, application, content, terms, leader, team);
  }
}

/** The leader took the pledge, and is still the team's leader. */
function assertPledged(application: ApplicationEntity, team: ApplicationTeam): void {
  if (!application.pledgeAcceptedAt) {
    throw new DomainError(
      'BUSINESS_RULE_VIOLATION',
      'The leader has not taken the pledge (军令状) for this application',
      {
        errors: [{ field: 'pledge', message: 'POST /applications/{id}/pledge as the team leader first' }],
      },
    );
  }
  if (team.leaderUserId !== application.pledgeAcceptedBy) {
    throw new DomainError('BUSINESS_RULE_VIOLATION', "The team's leader changed since the pledge was taken", {
      errors: [{ field: 'pledge', message: 'the new leader must take the pledge' }],
    });
  }
}

/** The deferred trigger refused the COMMIT: the challenge closed by the database's clock. */
function closedAtCommit(error: unknown): DomainError | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  if (constraintOf(error) !== 'applications_submitted_before_close') return undefined;
  return new DomainError('DEADLINE_PASSED', 'The challenge closed before the submission could be committed', {
    extra: { deadline: 'closesAt' },
  });
}
