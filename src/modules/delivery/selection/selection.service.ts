import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditActor, AuditService } from '../../../common/audit/audit.service';
import { isAdmin, Principal } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { JsonObject } from '../../../common/json';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { DeadlineScheduler } from '../../../infra/scheduler/deadline.scheduler';
import { ApplicationAction, assertApplicationTransition } from '../../call/applications/application-status';
import { ApplicationEntity } from '../../call/applications/entities/application.entity';
import { assertTransition, ChallengeAction } from '../../call/challenges/challenge-status';
import { ChallengesRepository } from '../../call/challenges/challenges.repository';
import { ChallengeEntity } from '../../call/challenges/entities/challenge.entity';
import { WorkingDaysService } from '../../platform/calendar/working-days.service';
import { ProgramsService } from '../../call/programs/programs.service';
import { DecideObjectionDto, SelectDto } from './dto/selection.dto';
import { ObjectionEntity, ObjectionStatus } from './entities/objection.entity';
import { allocateBudget, LineBudget } from '../projects/budget';
import { ProjectMilestoneEntity, TaskBookVersionEntity } from '../projects/entities/project-parts.entity';
import { ProjectEntity } from '../projects/entities/project.entity';
import { SelectionEntity } from './entities/selection.entity';

export const PUBLICITY_END_DEADLINE = 'challenge.publicity_end';
/** Reminders before the end of publicity (kind `challenge.publicity_end_reminder@<h>h`). */
export const PUBLICITY_END_REMINDER = 'challenge.publicity_end_reminder';

export const SELECTION_EVENTS = {
  publicized: 'selection.publicized',
  publicityEnding: 'selection.publicity_ending',
  reopened: 'selection.reopened',
  unsuccessful: 'challenge.unsuccessful',
  awarded: 'challenge.awarded',
  objectionLodged: 'objection.lodged',
  objectionDecided: 'objection.decided',
} as const;

const SYSTEM: AuditActor = { kind: 'system' };
const PENDING_OBJECTIONS: ObjectionStatus[] = ['lodged', 'under_investigation'];

/**
 * Objection transitions (ADR 0026): lodged → under_investigation → upheld | dismissed; an admin may
 * also decide a lodged objection at once (upheld | dismissed) when no investigation is needed.
 */
const OBJECTION_TRANSITIONS: Record<ObjectionStatus, readonly ObjectionStatus[]> = {
  lodged: ['under_investigation', 'upheld', 'dismissed'],
  under_investigation: ['upheld', 'dismissed'],
  upheld: [],
  dismissed: [],
};

interface ResultRow {
  application_id: string;
  score: string | null;
  passes: boolean;
  rank: number;
}

export interface PublicityNotice {
  challengeId: string;
  code: string | null;
  title: string;
  status: string;
  publicityStartsAt: string;
  publicityEndsAt: string;
  selected: Array<{
    applicationId: string;
    teamName: string;
    leadOrganizationName: string;
    score: number | null;
    rank: number;
  }>;
  objectionCount: number;
}

export interface ObjectionView {
  id: string;
  challengeId: string;
  selectionId: string;
  grounds: string;
  status: ObjectionStatus;
  decisionReason: string | null;
  decidedAt: string | null;
  createdAt: string;
  version: number;
}

export interface ChallengeStateView {
  id: string;
  status: string;
  version: number;
  selectionId: string | null;
  publicityEndsAt: string | null;
}

/**
 * Selection, publicity (公示), objections (异议) and the award (ADR 0026). Every write holds the list
 * row FOR UPDATE, so a selection, an objection's decision and the finalization are serialized per
 * list; the finalization re-checks the state under that lock and is a no-op when it already ran.
 */
@Injectable()
export class SelectionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly challenges: ChallengesRepository,
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
      const challenge = await this.lockList(em, id);
      assertVersion(challenge.version, expectedVersion);
      const now = this.clock.now();
      assertTransition(challenge, 'select', now);
      await this.requireClosedPanel(em, challenge.id);
      const results = await this.results(em, challenge.id);
      if (!results.some((r) => r.passes)) {
        throw new DomainError(
          'BUSINESS_RULE_VIOLATION',
          `No bid of the list reached the pass line: declare it unsuccessful (流榜) with POST /challenges/${challenge.id}/unsuccessful`,
          { extra: { passingBids: 0 } },
        );
      }
      const ids = [...new Set(dto.applicationIds)];
      const max = challenge.selectionMode === 'horse_race' ? challenge.teamCount : 1;
      if (ids.length !== dto.applicationIds.length) {
        throw DomainError.validation([{ field: 'applicationIds', message: 'duplicate ids' }]);
      }
      if (ids.length > max) {
        throw new DomainError(
          'BUSINESS_RULE_VIOLATION',
          challenge.selectionMode === 'horse_race'
            ? `A horse race selects at most ${max} bid(s); ${ids.length} given`
            : `A single-winner list selects exactly one bid; ${ids.length} given`,
          { extra: { maxSelected: max, given: ids.length } },
        );
      }
      const bids = await this.lockApplications(em, ids);
      const byId = new Map(bids.map((b) => [b.id, b]));
      const resultOf = new Map(results.map((r) => [r.application_id, r]));
      for (const appId of ids) {
        const bid = byId.get(appId);
        if (!bid || bid.challengeId !== challenge.id) {
          throw new DomainError('BUSINESS_RULE_VIOLATION', `Bid ${appId} is not a bid of this list`, {
            extra: { applicationId: appId },
          });
        }
        const result = resultOf.get(appId);
        if (!result?.passes || bid.status !== 'shortlisted') {
          throw new DomainError(
            'BUSINESS_RULE_VIOLATION',
            `Bid ${appId} did not reach the pass line (it is ${bid.status}): only shortlisted bids can be selected`,
            { extra: { applicationId: appId, bidStatus: bid.status } },
          );
        }
      }
      const { settings } = await this.programs.requireById(em, challenge.programId);
      const endsAt = await this.workingDays.addWorkingDays(
        em,
        now,
        settings.publicityWorkingDays,
        `the publicity of list ${challenge.id}`,
      );
      const selection = await em.save(
        em.create(SelectionEntity, {
          challengeId: challenge.id,
          applicationIds: ids,
          issuerAgreement: dto.issuerAgreement.trim(),
          status: 'active',
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
      this.moveBids(bids, 'select', 'selected', now);
      await em.save(bids);
      await this.moveList(em, challenge, 'select', 'publicity', now);
      const end = {
        entityType: 'challenge',
        entityId: challenge.id,
        kind: PUBLICITY_END_DEADLINE,
        dueAt: endsAt,
      };
      await this.scheduler.schedule(em, end);
      await this.scheduler.scheduleReminders(
        em,
        { ...end, kind: PUBLICITY_END_REMINDER },
        settings.reminderOffsetsHours,
      );
      await this.audit.record(em, {
        actor,
        action: 'selection.publicized',
        objectType: 'challenge',
        objectId: challenge.id,
        before: { status: 'under_review' },
        after: {
          status: 'publicity',
          selectionId: selection.id,
          applicationIds: ids,
          issuerAgreement: selection.issuerAgreement,
          publicityEndsAt: endsAt.toISOString(),
        },
      });
      await this.outbox.publish(em, {
        type: SELECTION_EVENTS.publicized,
        aggregateType: 'challenge',
        aggregateId: challenge.id,
        data: {
          ...this.selectionData(challenge, selection),
          publicityEndsAt: endsAt.toISOString(),
        },
      });
      return view(challenge, selection);
    });
  }

  /** 流榜: no bid passed; bids still in review become not_selected. */
  async markUnsuccessful(actor: Principal, id: string, reason: string): Promise<ChallengeStateView> {
    userIdOf(actor);
    return this.dataSource.transaction(async (em) => {
      const challenge = await this.lockList(em, id);
      const now = this.clock.now();
      assertTransition(challenge, 'mark_unsuccessful', now);
      await this.requireClosedPanel(em, challenge.id);
      const passing = (await this.results(em, challenge.id)).filter((r) => r.passes);
      if (passing.length) {
        throw new DomainError(
          'BUSINESS_RULE_VIOLATION',
          `${passing.length} bid(s) reached the pass line: select among them instead`,
          { extra: { passingBids: passing.length } },
        );
      }
      const bids = await this.bidsInPlay(em, challenge.id);
      this.moveBids(bids, 'not_select', 'not_selected', now);
      await em.save(bids);
      challenge.statusReason = reason.trim();
      await this.moveList(em, challenge, 'mark_unsuccessful', 'unsuccessful', now);
      await this.audit.record(em, {
        actor,
        action: 'challenge.unsuccessful',
        objectType: 'challenge',
        objectId: challenge.id,
        before: { status: 'under_review' },
        after: { status: 'unsuccessful', reason: challenge.statusReason },
      });
      await this.outbox.publish(em, {
        type: SELECTION_EVENTS.unsuccessful,
        aggregateType: 'challenge',
        aggregateId: challenge.id,
        data: { ...this.listData(challenge), reason: challenge.statusReason },
      });
      return view(challenge, null);
    });
  }

  async publicity(id: string): Promise<PublicityNotice> {
    const em = this.dataSource.manager;
    const challenge = await this.challenges.findById(id, em);
    if (!challenge || challenge.publishedAt === null) throw DomainError.notFound('Challenge');
    const selection = await em.findOne(SelectionEntity, {
      where: { challengeId: id },
      order: { selectedAt: 'DESC', id: 'DESC' },
    });
    if (!selection) throw DomainError.notFound('Publicity');
    const rows: Array<{
      id: string;
      team_name: string;
      org_name: string;
      score: string | null;
      rank: number;
    }> = await em.query(
      `SELECT a.id, t.name AS team_name, o.name AS org_name, r.score, r.rank
       FROM applications a JOIN teams t ON t.id = a.team_id
       JOIN organizations o ON o.id = a.lead_organization_id
       LEFT JOIN review_results r ON r.application_id = a.id AND r.challenge_id = a.challenge_id
       WHERE a.id = ANY($1) ORDER BY r.rank, a.id`,
      [selection.applicationIds],
    );
    const objectionCount = await em.count(ObjectionEntity, { where: { selectionId: selection.id } });
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
      objectionCount,
    };
  }

  async lodgeObjection(actor: Principal, id: string, grounds: string): Promise<ObjectionView> {
    const userId = userIdOf(actor);
    return this.dataSource.transaction(async (em) => {
      const challenge = await this.lockList(em, id);
      const selection = await this.activeSelection(em, challenge.id);
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
          status: 'lodged',
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
        action: 'objection.lodged',
        objectType: 'objection',
        objectId: objection.id,
        before: null,
        after: { challengeId: challenge.id, selectionId: selection.id, status: 'lodged' },
      });
      await this.outbox.publish(em, {
        type: SELECTION_EVENTS.objectionLodged,
        aggregateType: 'challenge',
        aggregateId: challenge.id,
        data: { ...this.listData(challenge), objectionId: objection.id, selectionId: selection.id },
      });
      return objectionView(objection);
    });
  }

  async getObjection(actor: Principal, id: string): Promise<ObjectionView> {
    const objection = await this.dataSource.manager.findOne(ObjectionEntity, { where: { id } });
    const mine = actor.kind === 'user' && objection?.objectorUserId === actor.userId;
    if (!objection || (!isAdmin(actor) && !mine)) throw DomainError.notFound('Objection');
    return objectionView(objection);
  }

  async decideObjection(
    actor: Principal,
    id: string,
    dto: DecideObjectionDto,
    expectedVersion?: number,
  ): Promise<ObjectionView> {
    const userId = userIdOf(actor);
    return this.dataSource.transaction(async (em) => {
      const found = await em.findOne(ObjectionEntity, { where: { id } });
      if (!found) throw DomainError.notFound('Objection');
      // The list first, then the objection: the same order as the finalization.
      const challenge = await this.lockList(em, found.challengeId);
      const objection = await em.findOne(ObjectionEntity, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!objection) throw DomainError.notFound('Objection');
      assertVersion(objection.version, expectedVersion);
      if (!OBJECTION_TRANSITIONS[objection.status].includes(dto.status)) {
        throw DomainError.invalidTransition(objection.status, dto.status);
      }
      const now = this.clock.now();
      const before = objection.status;
      objection.status = dto.status;
      objection.decisionReason = dto.reason.trim();
      objection.decidedBy = userId;
      objection.decidedAt = now;
      objection.version += 1;
      objection.updatedAt = now;
      await em.save(objection);
      await this.audit.record(em, {
        actor,
        action: 'objection.decided',
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
          ...this.listData(challenge),
          objectionId: objection.id,
          objectorUserId: objection.objectorUserId,
          status: objection.status,
          reason: objection.decisionReason,
        },
      });
      const selection = await em.findOne(SelectionEntity, { where: { id: objection.selectionId } });
      if (dto.status === 'upheld' && selection?.status === 'active' && challenge.status === 'publicity') {
        await this.reopen(em, actor, challenge, selection, now);
      } else if (dto.status === 'dismissed') {
        // The last pending objection dismissed after the period: the award follows at once.
        await this.finalizeLocked(em, actor, challenge);
      }
      return objectionView(objection);
    });
  }

  /** The admin's trigger of the award after the period (the deadline job does the same). */
  async award(actor: Principal, id: string): Promise<ChallengeStateView> {
    userIdOf(actor);
    return this.dataSource.transaction(async (em) => {
      const challenge = await this.lockList(em, id);
      if (challenge.status === 'awarded') throw DomainError.invalidTransition('awarded', 'finalize');
      const selection = await this.activeSelection(em, challenge.id);
      if (challenge.status !== 'publicity' || !selection) {
        throw DomainError.invalidTransition(challenge.status, 'finalize');
      }
      if (this.clock.now() < selection.publicityEndsAt) {
        throw new DomainError('BUSINESS_RULE_VIOLATION', 'The publicity period has not ended yet', {
          extra: { publicityEndsAt: selection.publicityEndsAt.toISOString() },
        });
      }
      if (await this.pendingObjections(em, selection.id)) {
        throw new DomainError('BUSINESS_RULE_VIOLATION', 'An objection is still pending: decide it first');
      }
      await this.finalizeLocked(em, actor, challenge);
      return view(challenge, selection);
    });
  }

  /**
   * A reminder before publicity ends (worker, in the deadline's transaction): the list's followers
   * may still object, and the admins see how many objections are pending; nothing once the list has
   * left publicity (awarded, or reopened by an upheld objection).
   */
  async remindPublicityEnd(em: EntityManager, challengeId: string, hoursBefore: number): Promise<void> {
    const challenge = await this.challenges.findByIdForUpdate(em, challengeId);
    if (!challenge || challenge.status !== 'publicity') return;
    const selection = await this.activeSelection(em, challenge.id);
    if (!selection) return;
    await this.outbox.publish(em, {
      type: SELECTION_EVENTS.publicityEnding,
      aggregateType: 'challenge',
      aggregateId: challenge.id,
      data: {
        ...this.selectionData(challenge, selection),
        publicityEndsAt: selection.publicityEndsAt.toISOString(),
        pendingObjections: await this.pendingObjections(em, selection.id),
        hoursBefore,
      },
    });
  }

  /** The deadline handler: in the transaction that marks the deadline done. */
  async finalizeByDeadline(em: EntityManager, challengeId: string): Promise<boolean> {
    const challenge = await this.challenges.findByIdForUpdate(em, challengeId);
    if (!challenge) return false;
    return this.finalizeLocked(em, SYSTEM, challenge);
  }

  /**
   * Finalizes the award if, under the list's lock, the list is still in publicity with an active
   * selection whose period has ended by the clock and no objection is pending; otherwise nothing.
   */
  private async finalizeLocked(
    em: EntityManager,
    actor: AuditActor,
    challenge: ChallengeEntity,
  ): Promise<boolean> {
    if (challenge.status !== 'publicity') return false;
    const selection = await this.activeSelection(em, challenge.id);
    const now = this.clock.now();
    if (!selection || now < selection.publicityEndsAt) return false;
    if (await this.pendingObjections(em, selection.id)) return false;

    const all = await this.bidsInPlay(em, challenge.id, true);
    const selected = all.filter((b) => selection.applicationIds.includes(b.id));
    const others = all.filter((b) => !selection.applicationIds.includes(b.id) && b.status !== 'selected');
    this.moveBids(others, 'not_select', 'not_selected', now);
    await em.save(others);
    const indicators = await this.challenges.indicators(challenge.id, em);
    const ranks = new Map(
      (
        await em.query<Array<{ application_id: string; rank: number }>>(
          `SELECT application_id, rank FROM review_results WHERE challenge_id = $1`,
          [challenge.id],
        )
      ).map((r) => [r.application_id, r.rank]),
    );
    selected.sort((a, b) => (ranks.get(a.id) ?? 0) - (ranks.get(b.id) ?? 0) || a.id.localeCompare(b.id));
    const budgets = allocateBudget(
      challenge.fiscalFen,
      challenge.cofundingFen,
      selected.map((b) => b.requestedFiscalFen),
    );
    const projects: ProjectEntity[] = [];
    for (const [i, bid] of selected.entries()) {
      const taskBook = await this.taskBook(em, challenge, bid, indicators, budgets[i]);
      projects.push(
        em.create(ProjectEntity, {
          challengeId: challenge.id,
          applicationId: bid.id,
          programId: challenge.programId,
          issuerOrganizationId: challenge.issuerOrganizationId,
          leadOrganizationId: bid.leadOrganizationId,
          status: 'pending_signature',
          taskBook,
          taskBookVersion: 1,
          fiscalFen: budgets[i].fiscalFen,
          issuerFen: budgets[i].issuerFen,
          version: 1,
          createdAt: now,
          updatedAt: now,
        }),
      );
    }
    // uq_projects_application is the backstop: a second insert fails and rolls everything back.
    await em.save(ProjectEntity, projects);
    await em.save(
      TaskBookVersionEntity,
      projects.map((p) => ({
        projectId: p.id,
        version: 1,
        taskBook: p.taskBook,
        reason: 'award',
        changeRequestId: null,
        createdBy: null,
        createdAt: now,
      })),
    );
    await em.save(
      ProjectMilestoneEntity,
      projects.flatMap((p) =>
        (
          p.taskBook.milestones as Array<{
            position: number;
            title: string;
            deliverables: string;
            dueMonth: number;
            sharePercent: number;
          }>
        ).map((m) => ({
          projectId: p.id,
          position: m.position,
          title: m.title,
          deliverables: m.deliverables,
          dueMonth: m.dueMonth,
          sharePercent: m.sharePercent,
          dueAt: null,
          status: 'pending' as const,
          overdueAt: null,
          reportsSubmitted: 0,
          version: 1,
          createdAt: now,
          updatedAt: now,
        })),
      ),
    );
    selection.status = 'finalized';
    selection.closedAt = now;
    selection.version += 1;
    selection.updatedAt = now;
    await em.save(selection);
    await this.moveList(em, challenge, 'finalize', 'awarded', now);
    await this.audit.record(em, {
      actor,
      action: 'challenge.awarded',
      objectType: 'challenge',
      objectId: challenge.id,
      before: { status: 'publicity' },
      after: {
        status: 'awarded',
        selectionId: selection.id,
        applicationIds: selection.applicationIds,
        projectIds: projects.map((p) => p.id),
        notSelected: others.map((b) => b.id),
      },
    });
    await this.outbox.publish(em, {
      type: SELECTION_EVENTS.awarded,
      aggregateType: 'challenge',
      aggregateId: challenge.id,
      data: {
        ...this.selectionData(challenge, selection),
        projectIds: projects.map((p) => p.id),
      },
    });
    return true;
  }

  private async reopen(
    em: EntityManager,
    actor: AuditActor,
    challenge: ChallengeEntity,
    selection: SelectionEntity,
    now: Date,
  ): Promise<void> {
    selection.status = 'reopened';
    selection.closedAt = now;
    selection.version += 1;
    selection.updatedAt = now;
    await em.save(selection);
    const bids = await this.lockApplications(em, selection.applicationIds);
    this.moveBids(
      bids.filter((b) => b.status === 'selected'),
      'deselect',
      'shortlisted',
      now,
    );
    await em.save(bids);
    await this.moveList(em, challenge, 'reopen_selection', 'under_review', now);
    await this.scheduler.cancel(em, 'challenge', challenge.id, PUBLICITY_END_DEADLINE);
    await this.scheduler.cancelReminders(em, 'challenge', challenge.id, PUBLICITY_END_REMINDER);
    await this.audit.record(em, {
      actor,
      action: 'selection.reopened',
      objectType: 'challenge',
      objectId: challenge.id,
      before: { status: 'publicity', selectionId: selection.id },
      after: { status: 'under_review' },
    });
    await this.outbox.publish(em, {
      type: SELECTION_EVENTS.reopened,
      aggregateType: 'challenge',
      aggregateId: challenge.id,
      data: {
        ...this.selectionData(challenge, selection),
      },
    });
  }

  // — helpers —

  private async lockList(em: EntityManager, id: string): Promise<ChallengeEntity> {
    const challenge = await this.challenges.findByIdForUpdate(em, id);
    if (!challenge || challenge.publishedAt === null) throw DomainError.notFound('Challenge');
    return challenge;
  }

  /**
   * The bids, locked FOR UPDATE in id order (as ReviewsRepository.lockApplications; not injected
   * here because ReviewsModule's controllers cannot load in the worker).
   */
  private lockApplications(em: EntityManager, ids: string[]): Promise<ApplicationEntity[]> {
    if (!ids.length) return Promise.resolve([]);
    return em.find(ApplicationEntity, {
      where: { id: In(ids) },
      order: { id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  private async requireClosedPanel(em: EntityManager, challengeId: string): Promise<void> {
    const [panel] = await em.query<Array<{ status: string }>>(
      `SELECT status FROM review_panels WHERE challenge_id = $1`,
      [challengeId],
    );
    if (!panel || panel.status !== 'closed') {
      throw new DomainError(
        'INVALID_STATE_TRANSITION',
        'The review panel has not closed: nothing to select from',
        {
          extra: { state: panel?.status ?? 'none', action: 'select' },
        },
      );
    }
  }

  private results(em: EntityManager, challengeId: string): Promise<ResultRow[]> {
    return em.query(
      `SELECT application_id, score, passes, rank FROM review_results WHERE challenge_id = $1 ORDER BY rank`,
      [challengeId],
    );
  }

  private activeSelection(em: EntityManager, challengeId: string): Promise<SelectionEntity | null> {
    return em.findOne(SelectionEntity, { where: { challengeId, status: 'active' } });
  }

  private async pendingObjections(em: EntityManager, selectionId: string): Promise<number> {
    return em.count(ObjectionEntity, { where: { selectionId, status: In(PENDING_OBJECTIONS) } });
  }

  private async bidsInPlay(
    em: EntityManager,
    challengeId: string,
    withSelected = false,
  ): Promise<ApplicationEntity[]> {
    const statuses = withSelected
      ? ['under_review', 'shortlisted', 'selected']
      : ['under_review', 'shortlisted'];
    const rows: Array<{ id: string }> = await em.query(
      `SELECT id FROM applications WHERE challenge_id = $1 AND status::text = ANY($2)`,
      [challengeId, statuses],
    );
    return this.lockApplications(
      em,
      rows.map((r) => r.id),
    );
  }

  private moveBids(
    bids: ApplicationEntity[],
    action: ApplicationAction,
    to: ApplicationEntity['status'],
    now: Date,
  ): void {
    for (const bid of bids) {
      assertApplicationTransition(bid.status, action);
      bid.status = to;
      bid.version += 1;
      bid.updatedAt = now;
    }
  }

  private async moveList(
    em: EntityManager,
    challenge: ChallengeEntity,
    action: ChallengeAction,
    to: ChallengeEntity['status'],
    now: Date,
  ): Promise<void> {
    assertTransition(challenge, action, now);
    challenge.status = to;
    challenge.version += 1;
    challenge.updatedAt = now;
    await em.update(
      ChallengeEntity,
      { id: challenge.id },
      { status: to, statusReason: challenge.statusReason, version: challenge.version, updatedAt: now },
    );
  }

  private async taskBook(
    em: EntityManager,
    challenge: ChallengeEntity,
    bid: ApplicationEntity,
    indicators: Array<{ id: string; name: string; targetValue: string; unit: string }>,
    budget: LineBudget,
  ): Promise<JsonObject> {
    const commitments: Array<{ indicator_id: string; committed_value: string }> = await em.query(
      `SELECT indicator_id, committed_value FROM application_commitments WHERE application_id = $1`,
      [bid.id],
    );
    const milestones: Array<{
      position: number;
      title: string;
      deliverables: string;
      due_month: number;
      share_percent: number;
    }> = await em.query(
      `SELECT position, title, deliverables, due_month, share_percent FROM application_milestones
       WHERE application_id = $1 ORDER BY position`,
      [bid.id],
    );
    const byId = new Map(indicators.map((i) => [i.id, i]));
    return {
      challengeId: challenge.id,
      challengeCode: challenge.code,
      applicationId: bid.id,
      teamId: bid.teamId,
      leadOrganizationId: bid.leadOrganizationId,
      leaderUserId: bid.leaderUserId,
      durationMonths: challenge.durationMonths,
      indicators: commitments.map((c) => ({
        indicatorId: c.indicator_id,
        name: byId.get(c.indicator_id)?.name ?? '',
        targetValue: byId.get(c.indicator_id)?.targetValue ?? '',
        unit: byId.get(c.indicator_id)?.unit ?? '',
        committedValue: c.committed_value,
      })),
      milestones: milestones.map((m) => ({
        position: m.position,
        title: m.title,
        deliverables: m.deliverables,
        dueMonth: m.due_month,
        sharePercent: m.share_percent,
      })),
      amounts: { fiscalFen: budget.fiscalFen, issuerFen: budget.issuerFen },
      requestedFiscalFen: bid.requestedFiscalFen,
      listFiscalFen: challenge.fiscalFen,
      listCofundingFen: challenge.cofundingFen,
    };
  }

  private listData(challenge: ChallengeEntity): JsonObject {
    return {
      challengeId: challenge.id,
      code: challenge.code,
      title: challenge.title,
      issuerOrganizationId: challenge.issuerOrganizationId,
    };
  }

  /** What the events of a selection say: the list, the selection and the bids it selected. */
  private selectionData(challenge: ChallengeEntity, selection: SelectionEntity): JsonObject {
    return {
      ...this.listData(challenge),
      selectionId: selection.id,
      applicationIds: selection.applicationIds,
    };
  }
}

function userIdOf(actor: Principal): string {
  if (actor.kind !== 'user') throw new DomainError('FORBIDDEN', 'Only a user may do this');
  return actor.userId;
}

function view(challenge: ChallengeEntity, selection: SelectionEntity | null): ChallengeStateView {
  return {
    id: challenge.id,
    status: challenge.status,
    version: challenge.version,
    selectionId: selection?.id ?? null,
    publicityEndsAt: selection?.publicityEndsAt.toISOString() ?? null,
  };
}

function objectionView(o: ObjectionEntity): ObjectionView {
  return {
    id: o.id,
    challengeId: o.challengeId,
    selectionId: o.selectionId,
    grounds: o.grounds,
    status: o.status,
    decisionReason: o.decisionReason,
    decidedAt: o.decidedAt?.toISOString() ?? null,
    createdAt: o.createdAt.toISOString(),
    version: o.version,
  };
}
