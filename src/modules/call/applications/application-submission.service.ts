import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { Principal } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { effectiveProgramSettings } from '../programs/program-settings';
import {
  applicantOf,
  ApplicationTeam,
  assertChallengeOpen,
  constraintOf,
  deadlinePassed,
  refuse,
  snapshot,
} from './application-access';
import { APPLICATION_AUDIT, APPLICATION_ENTITY, APPLICATION_EVENTS } from './application-events';
import { ApplicationLifecycle } from './application-lifecycle.service';
import { ApplicationOutbox } from './application-outbox';
import { partsOfRow } from './application-parts.repository';
import {
  ApplicationContent,
  ChallengeTerms,
  checkApplicationAgainstChallenge,
  checkApplicationComplete,
} from './application-rules';
import { assertApplicationTransition, transitionOf } from './application-status';
import type { LockedSubmission, SubmissionReadRow } from './application-submission.repository';
import { toApplicationResponse } from './application.mappers';
import { ApplicationsRepository } from './applications.repository';
import { ApplicationResponseDto } from './dto/application-response.dto';
import type { ApplicationEntity } from './entities/application.entity';
import { evaluateEligibility, RuleResult } from './eligibility-rules';

/**
 * Submitting an application before closesAt (the deadline race). The challenge row is held FOR SHARE (an
 * amendment or the close job waits), the leader's other applications are counted under a per-leader lock,
 * the clock is read again just before commit, and a deferred trigger checks the database clock at
 * COMMIT: a submission is stored only if it commits before closesAt by both clocks.
 *
 * Lean (docs/adr/0055): the locks in one statement, everything the checks and the answer read in a second,
 * the update, the audit row and the outbox event: seven statements with BEGIN and COMMIT, rows mapped
 * without entity hydration. The checks run in the order and with the answers they always had.
 */
@Injectable()
export class ApplicationSubmissionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly applications: ApplicationsRepository,
    private readonly lifecycle: ApplicationLifecycle,
    private readonly events: ApplicationOutbox,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async submit(
    actor: Principal,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<ApplicationResponseDto> {
    const user = applicantOf(actor);
    try {
      return await this.dataSource.transaction(async (em) => {
        const locked = await this.applications.lockForSubmission(em, id, user.organizationId);
        if (!locked) throw DomainError.notFound('Application');
        const { application, challenge } = locked;
        assertVersion(application.version, expectedVersion);
        assertApplicationTransition(application.status, 'submit');
        if (transitionOf('submit').beforeClose) assertChallengeOpen(challenge, this.clock.now(), 'submit');
        if (locked.team.leadOrganizationId !== application.leadOrganizationId) {
          throw DomainError.notFound('Team');
        }
        const read = await this.applications.readForSubmission(em, locked);
        const team: ApplicationTeam = {
          id: locked.team.id,
          leaderUserId: locked.team.leaderUserId,
          consortiumSize: read.consortium_size,
        };
        assertPledged(application, team);
        const results = checkSubmission(locked, read, team);
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
        await this.applications.saveSubmitted(em, application);
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
        return toApplicationResponse(application, partsOfRow(read), 'owner', false);
      });
    } catch (error) {
      throw closedAtCommit(error) ?? error;
    }
  }
}

/**
 * The challenge's terms complete and met, and the leader below the limit (counted under the leader's
 * lock); answers the eligibility rules' results to store with the submission.
 */
function checkSubmission(
  locked: LockedSubmission,
  read: SubmissionReadRow,
  team: ApplicationTeam,
): RuleResult[] {
  const { application, challenge } = locked;
  const terms: ChallengeTerms = {
    fiscalFen: challenge.fiscalFen,
    durationMonths: challenge.durationMonths,
    indicators: read.indicators ?? [],
  };
  const content: ApplicationContent = {
    requestedFiscalFen: application.requestedFiscalFen,
    commitments: read.commitments ?? [],
    milestones: read.milestones ?? [],
  };
  refuse([...checkApplicationAgainstChallenge(content, terms), ...checkApplicationComplete(content, terms)]);
  if (read.program_settings === null) {
    throw DomainError.validation([{ field: 'programId', message: 'program not found' }]);
  }
  const limit =
    challenge.eligibility.leaderConcurrencyLimit ??
    effectiveProgramSettings(read.program_settings).maxActiveListsPerLeader;
  const load = read.leader_load;
  if (load >= limit) {
    throw new DomainError(
      'LEADER_LIMIT_REACHED',
      `The leader already holds ${load} application(s) in play or won; the limit is ${limit}`,
      { extra: { leaderUserId: team.leaderUserId, limit, held: load } },
    );
  }
  if (!read.lead)
    throw new Error(`The application's lead organization ${application.leadOrganizationId} is missing`);
  return evaluateEligibility({
    eligibility: challenge.eligibility,
    leaderLimit: limit,
    fiscalFen: terms.fiscalFen,
    indicatorIds: terms.indicators.map((i) => i.id),
    lead: read.lead,
    consortiumSize: team.consortiumSize,
    leaderLoad: load,
    committedIndicatorIds: content.commitments.map((c) => c.indicatorId),
    requestedFiscalFen: content.requestedFiscalFen,
    integrityRecords: read.integrity_records ?? [],
  });
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
