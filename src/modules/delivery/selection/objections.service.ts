import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../../../common/audit/audit.service';
import { isAdmin, Principal } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { DeadlineScheduler } from '../../../infra/scheduler/deadline.scheduler';
import { ApplicationLifecycle } from '../../call/applications/application-lifecycle.service';
import { ChallengeLifecycle } from '../../call/challenges/challenge-lifecycle.service';
import { ChallengesRepository } from '../../call/challenges/challenges.repository';
import type { ChallengeEntity } from '../../call/challenges/entities/challenge.entity';
import { DecideObjectionDto } from './dto/selection.dto';
import { ObjectionEntity } from './entities/objection.entity';
import type { SelectionEntity } from './entities/selection.entity';
import { AwardService } from './award.service';
import { decidedObjectionStatus, OBJECTION_MACHINE, SELECTION_MACHINE } from './selection-status';
import { SelectionRepository } from './selection.repository';
import {
  listData,
  ObjectionView,
  objectionView,
  PUBLICITY_END_DEADLINE,
  PUBLICITY_END_REMINDER,
  SELECTION_AUDIT,
  SELECTION_EVENTS,
  selectionData,
  userIdOf,
} from './selection.views';

/**
 * Objections (异议) during publicity (ADR 0026): anyone signed in lodges one before the period ends;
 * an admin investigates and decides. Upheld: the selection is reopened and the challenge returns to
 * review. Dismissed after the period with nothing else pending: the award follows at once.
 * Writes lock the challenge row first, then the objection (the order of the award).
 */
@Injectable()
export class ObjectionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly selections: SelectionRepository,
    private readonly challenges: ChallengesRepository,
    private readonly applicationLifecycle: ApplicationLifecycle,
    private readonly challengeLifecycle: ChallengeLifecycle,
    private readonly award: AwardService,
    private readonly scheduler: DeadlineScheduler,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  async lodge(actor: Principal, challengeId: string, grounds: string): Promise<ObjectionView> {
    const userId = userIdOf(actor);
    return this.dataSource.transaction(async (em) => {
      const challenge = await this.lockChallenge(em, challengeId);
      const selection = await this.selections.activeOfChallenge(em, challenge.id);
      if (challenge.status !== 'publicity' || !selection) {
        throw DomainError.invalidTransition(challenge.status, 'lodge_objection');
      }
      const now = this.clock.now();
      if (now >= selection.publicityEndsAt) {
        throw new DomainError('DEADLINE_PASSED', 'The publicity period has ended: objections are closed', {
          extra: { publicityEndsAt: selection.publicityEndsAt.toISOString() },
        });
      }
      const objection = await em.save(
        em.create(ObjectionEntity, {
          challengeId: challenge.id,
          selectionId: selection.id,
          objectorUserId: userId,
          grounds: grounds.trim(),
          status: OBJECTION_MACHINE.initial('lodge'),
          decisionReason: null,
          decidedBy: null,
          decidedAt: null,
          version: 1,
          createdAt: now,
          updatedAt: now,
        }),
      );
      await this.audit.record(em, {
        actor,
        action: SELECTION_AUDIT.objectionLodged,
        objectType: 'objection',
        objectId: objection.id,
        before: null,
        after: { challengeId: challenge.id, selectionId: selection.id, status: objection.status },
      });
      await this.outbox.publish(em, {
        type: SELECTION_EVENTS.objectionLodged,
        aggregateType: 'challenge',
        aggregateId: challenge.id,
        data: { ...listData(challenge), objectionId: objection.id, selectionId: selection.id },
      });
      return objectionView(objection);
    });
  }

  async get(actor: Principal, id: string): Promise<ObjectionView> {
    const objection = await this.selections.findObjection(this.selections.manager, id);
    const mine = actor.kind === 'user' && objection?.objectorUserId === actor.userId;
    if (!objection || (!isAdmin(actor) && !mine)) throw DomainError.notFound('Objection');
    return objectionView(objection);
  }

  async decide(
    actor: Principal,
    id: string,
    dto: DecideObjectionDto,
    expectedVersion?: number,
  ): Promise<ObjectionView> {
    const userId = userIdOf(actor);
    return this.dataSource.transaction(async (em) => {
      const found = await this.selections.findObjection(em, id);
      if (!found) throw DomainError.notFound('Objection');
      // The challenge first, then the objection: the same order as the finalization.
      const challenge = await this.lockChallenge(em, found.challengeId);
      const objection = await this.selections.lockObjection(em, id);
      if (!objection) throw DomainError.notFound('Objection');
      assertVersion(objection.version, expectedVersion);
      const to = decidedObjectionStatus(objection.status, dto.status);
      const now = this.clock.now();
      const before = objection.status;
      objection.status = to;
      objection.decisionReason = dto.reason.trim();
      objection.decidedBy = userId;
      objection.decidedAt = now;
      objection.version += 1;
      objection.updatedAt = now;
      await em.save(objection);
      await this.recordDecision(em, actor, challenge, objection, before);
      const selection = await this.selections.findById(em, objection.selectionId);
      if (to === 'upheld' && selection?.status === 'active' && challenge.status === 'publicity') {
        await this.reopen(em, actor, challenge, selection, now);
      } else if (to === 'dismissed') {
        // The last pending objection dismissed after the period: the award follows at once.
        await this.award.finalizeLocked(em, actor, challenge);
      }
      return objectionView(objection);
    });
  }

  private async recordDecision(
    em: EntityManager,
    actor: Principal,
    challenge: ChallengeEntity,
    objection: ObjectionEntity,
    before: ObjectionEntity['status'],
  ): Promise<void> {
    await this.audit.record(em, {
      actor,
      action: SELECTION_AUDIT.objectionDecided,
      objectType: 'objection',
      objectId: objection.id,
      before: { status: before },
      after: { status: objection.status, reason: objection.decisionReason },
    });
    await this.outbox.publish(em, {
      type: SELECTION_EVENTS.objectionDecided,
      aggregateType: 'challenge',
      aggregateId: challenge.id,
      data: {
        ...listData(challenge),
        objectionId: objection.id,
        objectorUserId: objection.objectorUserId,
        status: objection.status,
        reason: objection.decisionReason,
      },
    });
  }

  /**
   * An upheld objection: the selection reopened, its applications back to shortlisted, the challenge
   * in review.
   */
  private async reopen(
    em: EntityManager,
    actor: AuditActor,
    challenge: ChallengeEntity,
    selection: SelectionEntity,
    now: Date,
  ): Promise<void> {
    selection.status = SELECTION_MACHINE.target(selection.status, 'reopen');
    selection.closedAt = now;
    selection.version += 1;
    selection.updatedAt = now;
    await em.save(selection);
    const applications = await this.applicationLifecycle.lockByIds(em, selection.applicationIds);
    await this.applicationLifecycle.deselect(
      em,
      applications.filter((a) => a.status === 'selected'),
      now,
    );
    const before = challenge.status;
    await this.challengeLifecycle.reopenSelection(em, challenge, now);
    await this.scheduler.cancel(em, 'challenge', challenge.id, PUBLICITY_END_DEADLINE);
    await this.scheduler.cancelReminders(em, 'challenge', challenge.id, PUBLICITY_END_REMINDER);
    await this.audit.record(em, {
      actor,
      action: SELECTION_AUDIT.reopened,
      objectType: 'challenge',
      objectId: challenge.id,
      before: { status: before, selectionId: selection.id },
      after: { status: challenge.status },
    });
    await this.outbox.publish(em, {
      type: SELECTION_EVENTS.reopened,
      aggregateType: 'challenge',
      aggregateId: challenge.id,
      data: { ...selectionData(challenge, selection) },
    });
  }

  private async lockChallenge(em: EntityManager, id: string): Promise<ChallengeEntity> {
    const challenge = await this.challenges.findByIdForUpdate(em, id);
    if (!challenge || challenge.publishedAt === null) throw DomainError.notFound('Challenge');
    return challenge;
  }
}
