import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../../../common/audit/audit.service';
import type { Principal } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { DeadlineScheduler } from '../../../infra/scheduler/deadline.scheduler';
import { ApplicationLifecycle } from '../../call/applications/application-lifecycle.service';
import type { ApplicationEntity } from '../../call/applications/entities/application.entity';
import { ChallengeLifecycle } from '../../call/challenges/challenge-lifecycle.service';
import { assertTransition } from '../../call/challenges/challenge-status';
import { ChallengesRepository } from '../../call/challenges/challenges.repository';
import type { ChallengeEntity } from '../../call/challenges/entities/challenge.entity';
import { ProgramsService } from '../../call/programs/programs.service';
import { WorkingDaysService } from '../../platform/calendar/working-days.service';
import { SelectDto } from './dto/selection.dto';
import { SelectionEntity } from './entities/selection.entity';
import { AwardService, IN_PLAY } from './award.service';
import { SELECTION_MACHINE } from './selection-status';
import { ResultRow, SelectionRepository } from './selection.repository';
import {
  ChallengeStateView,
  challengeStateView,
  listData,
  PUBLICITY_END_DEADLINE,
  PUBLICITY_END_REMINDER,
  PublicityNotice,
  SELECTION_AUDIT,
  SELECTION_EVENTS,
  selectionData,
  userIdOf,
} from './selection.views';

export {
  PUBLICITY_END_DEADLINE,
  PUBLICITY_END_REMINDER,
  SELECTION_EVENTS,
  type ChallengeStateView,
  type PublicityNotice,
};
export type { ObjectionView } from './selection.views';

const SYSTEM: AuditActor = { kind: 'system' };

/**
 * Selection and publicity (公示) of a challenge, and the award's triggers (ADR 0026). Every write
 * holds the challenge row FOR UPDATE, so a selection, an objection's decision and the finalization are
 * serialized per challenge; the finalization re-checks the state under that lock and is a no-op when it
 * already ran. Objections have their own service, the award's work is AwardService's.
 */
@Injectable()
export class SelectionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly selections: SelectionRepository,
    private readonly challenges: ChallengesRepository,
    private readonly applicationLifecycle: ApplicationLifecycle,
    private readonly challengeLifecycle: ChallengeLifecycle,
    private readonly awards: AwardService,
    private readonly programs: ProgramsService,
    private readonly workingDays: WorkingDaysService,
    private readonly scheduler: DeadlineScheduler,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  async select(
    actor: Principal,
    id: string,
    dto: SelectDto,
    expectedVersion?: number,
  ): Promise<ChallengeStateView> {
    const userId = userIdOf(actor);
    return this.dataSource.transaction(async (em) => {
      const challenge = await this.lockChallenge(em, id);
      assertVersion(challenge.version, expectedVersion);
      const now = this.clock.now();
      assertTransition(challenge, 'select', now);
      await this.requireClosedPanel(em, challenge.id);
      const results = await this.selections.results(em, challenge.id);
      if (!results.some((r) => r.passes)) {
        throw new DomainError(
          'BUSINESS_RULE_VIOLATION',
          `No application to the challenge reached the pass line: declare it unsuccessful (流榜) with POST /challenges/${challenge.id}/unsuccessful`,
          { extra: { passingBids: 0 } },
        );
      }
      const ids = selectedIds(challenge, dto);
      const applications = await this.applicationLifecycle.lockByIds(em, ids);
      assertSelectable(challenge, ids, applications, results);
      const { settings } = await this.programs.requireById(em, challenge.programId);
      const endsAt = await this.workingDays.addWorkingDays(
        em,
        now,
        settings.publicityWorkingDays,
        `the publicity of challenge ${challenge.id}`,
      );
      const selection = await em.save(
        em.create(SelectionEntity, {
          challengeId: challenge.id,
          applicationIds: ids,
          issuerAgreement: dto.issuerAgreement.trim(),
          status: SELECTION_MACHINE.initial('select'),
          selectedBy: userId,
          selectedAt: now,
          publicityStartsAt: now,
          publicityEndsAt: endsAt,
          closedAt: null,
          version: 1,
          createdAt: now,
          updatedAt: now,
        }),
      );
      await this.applicationLifecycle.select(em, applications, now);
      const before = challenge.status;
      await this.challengeLifecycle.select(em, challenge, now);
      await this.schedulePublicityEnd(em, challenge.id, endsAt, settings.reminderOffsetsHours);
      await this.recordPublicized(em, actor, challenge, selection, before);
      return challengeStateView(challenge, selection);
    });
  }

  /** 流榜: no application passed; applications still in review become not_selected. */
  async markUnsuccessful(actor: Principal, id: string, reason: string): Promise<ChallengeStateView> {
    userIdOf(actor);
    return this.dataSource.transaction(async (em) => {
      const challenge = await this.lockChallenge(em, id);
      const now = this.clock.now();
      assertTransition(challenge, 'mark_unsuccessful', now);
      await this.requireClosedPanel(em, challenge.id);
      const passing = (await this.selections.results(em, challenge.id)).filter((r) => r.passes);
      if (passing.length) {
        throw new DomainError(
          'BUSINESS_RULE_VIOLATION',
          `${passing.length} application(s) reached the pass line: select among them instead`,
          { extra: { passingBids: passing.length } },
        );
      }
      const ids = await this.selections.applicationIdsInStatus(em, challenge.id, IN_PLAY);
      await this.applicationLifecycle.markNotSelected(
        em,
        await this.applicationLifecycle.lockByIds(em, ids),
        now,
      );
      const before = challenge.status;
      await this.challengeLifecycle.markUnsuccessful(em, challenge, reason, now);
      await this.audit.record(em, {
        actor,
        action: SELECTION_AUDIT.unsuccessful,
        objectType: 'challenge',
        objectId: challenge.id,
        before: { status: before },
        after: { status: challenge.status, reason: challenge.statusReason },
      });
      await this.outbox.publish(em, {
        type: SELECTION_EVENTS.unsuccessful,
        aggregateType: 'challenge',
        aggregateId: challenge.id,
        data: { ...listData(challenge), reason: challenge.statusReason },
      });
      return challengeStateView(challenge, null);
    });
  }

  async publicity(id: string): Promise<PublicityNotice> {
    const em = this.selections.manager;
    const challenge = await this.challenges.findById(id, em);
    if (!challenge || challenge.publishedAt === null) throw DomainError.notFound('Challenge');
    const selection = await this.selections.latestOfChallenge(em, id);
    if (!selection) throw DomainError.notFound('Publicity');
    const rows = await this.selections.publicityRows(em, selection.applicationIds);
    return {
      challengeId: challenge.id,
      code: challenge.code,
      title: challenge.title,
      status: selection.status,
      publicityStartsAt: selection.publicityStartsAt.toISOString(),
      publicityEndsAt: selection.publicityEndsAt.toISOString(),
      selected: rows.map((r) => ({
        applicationId: r.id,
        teamName: r.team_name,
        leadOrganizationName: r.org_name,
        score: r.score === null ? null : Number(r.score),
        rank: r.rank,
      })),
      objectionCount: await this.selections.objectionCount(em, selection.id),
    };
  }

  /** The admin's trigger of the award after the period (the deadline job does the same). */
  async award(actor: Principal, id: string): Promise<ChallengeStateView> {
    userIdOf(actor);
    return this.dataSource.transaction(async (em) => {
      const challenge = await this.lockChallenge(em, id);
      if (challenge.status === 'awarded') throw DomainError.invalidTransition('awarded', 'finalize');
      const selection = await this.selections.activeOfChallenge(em, challenge.id);
      if (challenge.status !== 'publicity' || !selection) {
        throw DomainError.invalidTransition(challenge.status, 'finalize');
      }
      if (this.clock.now() < selection.publicityEndsAt) {
        throw new DomainError('BUSINESS_RULE_VIOLATION', 'The publicity period has not ended yet', {
          extra: { publicityEndsAt: selection.publicityEndsAt.toISOString() },
        });
      }
      if (await this.selections.pendingObjectionCount(em, selection.id)) {
        throw new DomainError('BUSINESS_RULE_VIOLATION', 'An objection is still pending: decide it first');
      }
      await this.awards.finalizeLocked(em, actor, challenge);
      return challengeStateView(challenge, selection);
    });
  }

  /**
   * A reminder before publicity ends (worker, in the deadline's transaction): the challenge's followers
   * may still object, and the admins see how many objections are pending; nothing once the challenge has
   * left publicity (awarded, or reopened by an upheld objection).
   */
  async remindPublicityEnd(em: EntityManager, challengeId: string, hoursBefore: number): Promise<void> {
    const challenge = await this.challenges.findByIdForUpdate(em, challengeId);
    if (!challenge || challenge.status !== 'publicity') return;
    const selection = await this.selections.activeOfChallenge(em, challenge.id);
    if (!selection) return;
    await this.outbox.publish(em, {
      type: SELECTION_EVENTS.publicityEnding,
      aggregateType: 'challenge',
      aggregateId: challenge.id,
      data: {
        ...selectionData(challenge, selection),
        publicityEndsAt: selection.publicityEndsAt.toISOString(),
        pendingObjections: await this.selections.pendingObjectionCount(em, selection.id),
        hoursBefore,
      },
    });
  }

  /** The deadline handler: in the transaction that marks the deadline done. */
  async finalizeByDeadline(em: EntityManager, challengeId: string): Promise<boolean> {
    const challenge = await this.challenges.findByIdForUpdate(em, challengeId);
    if (!challenge) return false;
    return this.awards.finalizeLocked(em, SYSTEM, challenge);
  }

  private async lockChallenge(em: EntityManager, id: string): Promise<ChallengeEntity> {
    const challenge = await this.challenges.findByIdForUpdate(em, id);
    if (!challenge || challenge.publishedAt === null) throw DomainError.notFound('Challenge');
    return challenge;
  }

  private async requireClosedPanel(em: EntityManager, challengeId: string): Promise<void> {
    const status = await this.selections.panelStatus(em, challengeId);
    if (status !== 'closed') {
      throw new DomainError(
        'INVALID_STATE_TRANSITION',
        'The review panel has not closed: nothing to select from',
        {
          extra: { state: status ?? 'none', action: 'select' },
        },
      );
    }
  }

  /** The end of publicity as a deadline, with its reminders before it. */
  private async schedulePublicityEnd(
    em: EntityManager,
    challengeId: string,
    dueAt: Date,
    reminderOffsetsHours: readonly number[],
  ): Promise<void> {
    const end = { entityType: 'challenge', entityId: challengeId, kind: PUBLICITY_END_DEADLINE, dueAt };
    await this.scheduler.schedule(em, end);
    await this.scheduler.scheduleReminders(
      em,
      { ...end, kind: PUBLICITY_END_REMINDER },
      reminderOffsetsHours,
    );
  }

  private async recordPublicized(
    em: EntityManager,
    actor: Principal,
    challenge: ChallengeEntity,
    selection: SelectionEntity,
    before: ChallengeEntity['status'],
  ): Promise<void> {
    await this.audit.record(em, {
      actor,
      action: SELECTION_AUDIT.publicized,
      objectType: 'challenge',
      objectId: challenge.id,
      before: { status: before },
      after: {
        status: challenge.status,
        selectionId: selection.id,
        applicationIds: selection.applicationIds,
        issuerAgreement: selection.issuerAgreement,
        publicityEndsAt: selection.publicityEndsAt.toISOString(),
      },
    });
    await this.outbox.publish(em, {
      type: SELECTION_EVENTS.publicized,
      aggregateType: 'challenge',
      aggregateId: challenge.id,
      data: {
        ...selectionData(challenge, selection),
        publicityEndsAt: selection.publicityEndsAt.toISOString(),
      },
    });
  }
}

/** The distinct ids asked for, within the challenge's number of lines (422 beyond it). */
function selectedIds(challenge: ChallengeEntity, dto: SelectDto): string[] {
  const ids = [...new Set(dto.applicationIds)];
  const max = challenge.selectionMode === 'horse_race' ? challenge.teamCount : 1;
  if (ids.length !== dto.applicationIds.length) {
    throw DomainError.validation([{ field: 'applicationIds', message: 'duplicate ids' }]);
  }
  if (ids.length > max) {
    throw new DomainError(
      'BUSINESS_RULE_VIOLATION',
      challenge.selectionMode === 'horse_race'
        ? `A horse race selects at most ${max} application(s); ${ids.length} given`
        : `A single-winner challenge selects exactly one application; ${ids.length} given`,
      { extra: { maxSelected: max, given: ids.length } },
    );
  }
  return ids;
}

/** 422 unless every id is a shortlisted application of this challenge that reached the pass line. */
function assertSelectable(
  challenge: ChallengeEntity,
  ids: string[],
  applications: ApplicationEntity[],
  results: ResultRow[],
): void {
  const byId = new Map(applications.map((b) => [b.id, b]));
  const resultOf = new Map(results.map((r) => [r.application_id, r]));
  for (const appId of ids) {
    const application = byId.get(appId);
    if (!application || application.challengeId !== challenge.id) {
      throw new DomainError(
        'BUSINESS_RULE_VIOLATION',
        `Application ${appId} is not an application to this challenge`,
        {
          extra: { applicationId: appId },
        },
      );
    }
    if (!resultOf.get(appId)?.passes || application.status !== 'shortlisted') {
      throw new DomainError(
        'BUSINESS_RULE_VIOLATION',
        `Application ${appId} did not reach the pass line (it is ${application.status}): only shortlisted applications can be selected`,
        { extra: { applicationId: appId, bidStatus: application.status } },
      );
    }
  }
}
