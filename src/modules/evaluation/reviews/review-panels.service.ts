import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../../../common/audit/audit.service';
import { isAdmin, Principal } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { JsonObject } from '../../../common/json';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { DeadlineScheduler } from '../../../infra/scheduler/deadline.scheduler';
import { assertApplicationTransition } from '../../call/applications/application-status';
import { ApplicationEntity } from '../../call/applications/entities/application.entity';
import { assertTransition } from '../../call/challenges/challenge-status';
import { ChallengesRepository } from '../../call/challenges/challenges.repository';
import { ChallengeEntity } from '../../call/challenges/entities/challenge.entity';
import { ConflictParties, conflictsOf } from '../experts/conflicts';
import { DrawableExpert, ExpertsRepository } from '../experts/experts.repository';
import { minEnterpriseExperts, ProgramSettings } from '../../call/programs/program-settings';
import { ProgramsService } from '../../call/programs/programs.service';
import { WorkingDaysService } from '../../platform/calendar/working-days.service';
import { TeamsService } from '../../call/teams/teams.service';
import { RankingResponseDto, ReviewPanelResponseDto } from './dto/review-response.dto';
import { PanelMemberEntity } from './entities/panel-member.entity';
import { ReviewAssignmentEntity } from './entities/review-assignment.entity';
import { ReviewPanelEntity } from './entities/review-panel.entity';
import { ReviewResultEntity } from './entities/review-result.entity';
import { drawPanel } from './panel-draw';
import { ReviewsRepository } from './reviews.repository';
import { aggregate, rank } from './scoring';

export const REVIEW_EVENTS = {
  started: 'review.started',
  assigned: 'review.assigned',
  completed: 'review.completed',
  dueSoon: 'review.due_soon',
  overdue: 'review.overdue',
} as const;

/** A panel's due time, and the reminders before it (kind `review_panel.due_reminder@<h>h`). */
export const REVIEW_DEADLINES = {
  due: 'review_panel.due',
  dueReminder: 'review_panel.due_reminder',
} as const;

export const REVIEW_ACTIONS = {
  started: 'review.started',
  declared: 'review.declared',
  memberReplaced: 'review.member_replaced',
  submitted: 'review.submitted',
  completed: 'review.completed',
} as const;

const PANEL_ENTITY = 'review_panel';
const SYSTEM: AuditActor = { kind: 'system' };

/** The panel's size as drawn: its members, not its reserves (the program's setting may change since). */
function drawnPanelSize(members: PanelMemberEntity[]): number {
  return members.filter((m) => m.role === 'member').length;
}

/** `申请 n`: a bid named by its order of submission among the panel's bids, never by its team. */
export function bidLabel(position: number): string {
  return `申请 ${position}`;
}

/** What a replacement did: the member left; a reserve was called, or none was left. */
export interface ReplacementOutcome {
  reserveCalled: boolean;
  replacementMemberId: string | null;
}

/**
 * The expert panel of a list (docs/adr/0024): the seeded draw without conflicts and with the
 * enterprise share, the replacement of a member by the next reserve, the close with the results,
 * and the admin's and issuer's reads. The experts' own work (declaration, scores) is in
 * ReviewAssignmentsService, which calls `replaceMember` and `closeIfComplete` here.
 */
@Injectable()
export class ReviewPanelsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reviews: ReviewsRepository,
    private readonly challenges: ChallengesRepository,
    private readonly experts: ExpertsRepository,
    private readonly programs: ProgramsService,
    private readonly workingDays: WorkingDaysService,
    private readonly teams: TeamsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly scheduler: DeadlineScheduler,
    private readonly clock: Clock,
  ) {}

  /**
   * Starts the review of a closed list: draws the panel and its reserves in one transaction that
   * holds the list row, moves the list and its eligible bids to `under_review`, and gives every
   * member one pending assignment per bid. 422 PANEL_UNDERSTAFFED (nothing written) when too few
   * experts qualify; 422 when no bid is eligible.
   */
  async start(
    actor: Principal,
    challengeId: string,
    expectedVersion?: number,
  ): Promise<ReviewPanelResponseDto> {
    const drawnBy = userIdOf(actor);
    await this.dataSource.transaction(async (em) => {
      const challenge = await this.challenges.findByIdForUpdate(em, challengeId);
      if (!challenge || challenge.publishedAt === null) throw DomainError.notFound('Challenge');
      assertVersion(challenge.version, expectedVersion);
      const now = this.clock.now();
      const before = challenge.status;
      assertTransition(challenge, 'start_review', now);
      const bids = await this.reviews.eligibleBidsForUpdate(em, challenge.id);
      if (!bids.length) {
        throw new DomainError('BUSINESS_RULE_VIOLATION', 'The list has no eligible bid to review', {
          extra: { eligibleBids: 0 },
        });
      }
      const { settings } = await this.programs.requireById(em, challenge.programId);
      const parties = await this.partiesOf(em, challenge, bids);
      const pool = await this.experts.findActiveForChain(em, challenge.industryChainCode);
      const excluded: JsonObject[] = [];
      const candidates: DrawableExpert[] = [];
      for (const expert of pool) {
        const conflicts = conflictsOf(expert, parties, settings.conflictWindowYears, now);
        if (conflicts.length) {
          excluded.push({ expertId: expert.expertId, conflicts: conflicts.map((c) => c.kind) });
        } else {
          candidates.push(expert);
        }
      }
      const seed = randomBytes(32).toString('hex');
      const minEnterprise = minEnterpriseExperts(settings);
      const draw = drawPanel(
        seed,
        candidates.map((c) => ({ expertId: c.expertId, enterprise: c.affiliationType === 'enterprise' })),
        { panelSize: settings.panelSize, minEnterprise, reserves: settings.reserveExperts },
      );
      if (!draw.ok) {
        const parts = [
          draw.missingExperts ? `${draw.missingExperts} more expert(s)` : null,
          draw.missingEnterpriseExperts ? `${draw.missingEnterpriseExperts} more enterprise expert(s)` : null,
        ].filter(Boolean);
        throw new DomainError(
          'PANEL_UNDERSTAFFED',
          `Too few experts qualify: the panel needs ${settings.panelSize} members and ${settings.reserveExperts} ` +
            `reserves with at least ${minEnterprise} from enterprises; ${draw.candidates} qualify ` +
            `(${draw.enterpriseCandidates} from enterprises, ${excluded.length} excluded for conflicts): ` +
            `${parts.join(' and ')} needed`,
          {
            extra: {
              missingExperts: draw.missingExperts,
              missingEnterpriseExperts: draw.missingEnterpriseExperts,
              qualifiedExperts: draw.candidates,
              qualifiedEnterpriseExperts: draw.enterpriseCandidates,
              excludedForConflicts: excluded.length,
              panelSize: settings.panelSize,
              reserveExperts: settings.reserveExperts,
              minEnterpriseExperts: minEnterprise,
            },
          },
        );
      }

      const panel = em.create(ReviewPanelEntity, {
        challengeId: challenge.id,
        status: 'open',
        seed,
        drawnAt: now,
        drawnBy,
        dueAt: await this.workingDays.addWorkingDays(
          em,
          now,
          settings.reviewWorkingDays,
          `the review due date of list ${challenge.id}`,
        ),
        closedAt: null,
        closeReason: null,
        version: 1,
      });
      await em.save(panel);
      await this.scheduleDue(em, panel, settings.reminderOffsetsHours);
      const rows = [
        ...draw.members.map((expertId, i) => ({
          expertId,
          role: 'member' as const,
          position: i + 1,
          status: 'active' as const,
        })),
        ...draw.reserves.map((expertId, i) => ({
          expertId,
          role: 'reserve' as const,
          position: i + 1,
          status: 'standby' as const,
        })),
      ].map((r) =>
        em.create(PanelMemberEntity, {
          ...r,
          panelId: panel.id,
          statusReason: null,
          replacedBy: null,
          updatedAt: now,
        }),
      );
      await em.save(rows);
      const members = rows.filter((m) => m.role === 'member');
      await this.assign(em, panel, members, bids, now);

      challenge.status = 'under_review';
      challenge.version += 1;
      challenge.updatedAt = now;
      await em.save(challenge);
      for (const bid of bids) {
        assertApplicationTransition(bid.status, 'start_review');
        bid.status = 'under_review';
        bid.version += 1;
        bid.updatedAt = now;
      }
      await em.save(bids);

      await this.audit.record(em, {
        actor,
        action: REVIEW_ACTIONS.started,
        objectType: 'challenge',
        objectId: challenge.id,
        before: { status: before },
        after: {
          status: challenge.status,
          panelId: panel.id,
          seed,
          drawRule:
            'HMAC-SHA256(seed, expertId) ascending; enterprise minimum first, then fill; then reserves',
          candidateExpertIds: candidates.map((c) => c.expertId).sort(),
          excluded,
          members: draw.members,
          reserves: draw.reserves,
          minEnterpriseExperts: minEnterprise,
          applicationIds: bids.map((b) => b.id),
        },
      });
      await this.outbox.publish(em, {
        type: REVIEW_EVENTS.started,
        aggregateType: 'challenge',
        aggregateId: challenge.id,
        data: {
          challengeId: challenge.id,
          code: challenge.code,
          title: challenge.title,
          issuerOrganizationId: challenge.issuerOrganizationId,
          panelId: panel.id,
          applicationIds: bids.map((b) => b.id),
        },
      });
      await this.notifyAssigned(em, challenge, members);
    });
    return this.getPanel(actor, challengeId);
  }

  /** Admins: the panel, its members with names, and each assignment's progress (never scores). */
  async getPanel(_actor: Principal, challengeId: string): Promise<ReviewPanelResponseDto> {
    const panel = await this.reviews.findPanelOfChallenge(challengeId);
    if (!panel) throw DomainError.notFound('Review panel');
    const members = await this.reviews.members(panel.id);
    const assignments = await this.reviews.assignmentsOfPanel(panel.id);
    const names = await this.reviews.expertNames(members.map((m) => m.expertId));
    const active = members.filter((m) => m.status === 'active').length;
    const panelSize = drawnPanelSize(members);
    return {
      id: panel.id,
      challengeId: panel.challengeId,
      status: panel.status,
      seed: panel.seed,
      drawnAt: panel.drawnAt,
      drawnBy: panel.drawnBy,
      dueAt: panel.dueAt,
      closedAt: panel.closedAt,
      closeReason: panel.closeReason,
      panelSize,
      activeMembers: active,
      reservesLeft: members.filter((m) => m.status === 'standby').length,
      missingMembers: Math.max(0, panelSize - active),
      members: members.map((m) => ({
        id: m.id,
        expertId: m.expertId,
        expertName: names.get(m.expertId) ?? '',
        role: m.role,
        position: m.position,
        status: m.status,
        statusReason: m.statusReason,
        replacedBy: m.replacedBy,
      })),
      assignments: assignments.map((a) => ({
        id: a.id,
        panelMemberId: a.panelMemberId,
        applicationId: a.applicationId,
        status: a.status,
        declaredAt: a.declaredAt,
        submittedAt: a.submittedAt,
      })),
      version: panel.version,
    };
  }

  /**
   * An admin closes the panel before every score is in, with a reason: the submitted scores are
   * aggregated; assignments not submitted are left out (they stay as they are, and can no longer be
   * saved or submitted).
   */
  async closeByAdmin(
    actor: Principal,
    challengeId: string,
    reason: string,
    expectedVersion?: number,
  ): Promise<ReviewPanelResponseDto> {
    await this.dataSource.transaction(async (em) => {
      const found = await this.reviews.findPanelOfChallenge(challengeId, em);
      const panel = found ? await this.reviews.findPanelForUpdate(em, found.id) : null;
      if (!panel) throw DomainError.notFound('Review panel');
      assertVersion(panel.version, expectedVersion);
      if (panel.status !== 'open') throw DomainError.invalidTransition(panel.status, 'close');
      await this.close(em, actor, panel, reason.trim());
    });
    return this.getPanel(actor, challengeId);
  }

  /**
   * The ranking of a closed panel. Admins: after close (409 before). The list's issuer
   * organization: after close, 404 before (nothing of scores exists for it until then); team
   * names only when the program lets the issuer see applicants. Nobody sees which expert gave
   * which total; admins see which assignments are outliers.
   */
  async ranking(actor: Principal, challengeId: string): Promise<RankingResponseDto> {
    const challenge = await this.challenges.findById(challengeId);
    const admin = isAdmin(actor);
    const issuer = actor.kind === 'user' && challenge?.issuerOrganizationId === actor.organizationId;
    if (!challenge || (!admin && !issuer)) throw DomainError.notFound('Ranking');
    const panel = await this.reviews.findPanelOfChallenge(challengeId);
    if (!panel || panel.status !== 'closed' || !panel.closedAt) {
      if (!admin) throw DomainError.notFound('Ranking');
      throw new DomainError(
        'INVALID_STATE_TRANSITION',
        'The review panel has not closed: there is no ranking yet',
        {
          extra: { state: panel?.status ?? 'no_panel', action: 'rank' },
        },
      );
    }
    const program = await this.programs.findById(challenge.programId);
    if (!program) throw new Error(`challenge ${challenge.id}: program missing`);
    const { settings } = program;
    const showNames = admin || settings.issuerSeesApplicantIdentities;
    const results = await this.reviews.results(challengeId);
    const bids = await this.reviews.bidsOfPanel(this.dataSource.manager, panel.id);
    const labels = new Map(bids.map((b, i) => [b.id, bidLabel(i + 1)]));
    const teamNames = showNames ? await this.teamNames(bids) : new Map<string, string>();
    const submitted = submittedByBid(await this.reviews.assignmentsOfPanel(panel.id));
    // The tie-breaks are not stored: ranking again the stored scores with the same totals gives them.
    const ranked = rank(
      bids.map((b) => ({
        applicationId: b.id,
        score: results.find((r) => r.applicationId === b.id)?.score ?? null,
        totals: (submitted.get(b.id) ?? []).map((a) => a.total as number),
        submittedAt: b.submittedAt as Date,
      })),
    );
    const tieBreaks = new Map(ranked.map((r) => [r.applicationId, r.tieBrokenBy]));
    return {
      challengeId,
      closedAt: panel.closedAt,
      closeReason: panel.closeReason,
      aggregation: settings.aggregation,
      passLine: settings.passLine,
      outlierThresholdPoints: settings.outlierThresholdPoints,
      items: results.map((r) => {
        const item = {
          rank: r.rank,
          applicationId: r.applicationId,
          bidLabel: labels.get(r.applicationId) ?? '',
          teamName: showNames ? (teamNames.get(r.applicationId) ?? null) : null,
          score: r.score,
          mean: r.mean,
          trimmedMean: r.trimmedMean,
          median: r.median,
          spread: r.spread,
          scoreCount: r.scoreCount,
          outlierCount: r.outlierCount,
          passes: r.passes,
          tieBrokenBy: tieBreaks.get(r.applicationId) ?? null,
        };
        if (!admin) return item;
        const scored = submitted.get(r.applicationId) ?? [];
        const { outliers } = aggregate(
          scored.map((a) => a.total as number),
          settings,
        );
        return { ...item, outlierAssignmentIds: outliers.map((i) => scored[i].id) };
      }),
    };
  }

  // — used by ReviewAssignmentsService, inside its transaction (the panel row locked) —

  /**
   * The parties an expert of this list must not be connected to: the issuer, and every
   * organization (lead, consortium) and member (user id, the leader included) of every bid.
   */
  async partiesOf(
    em: EntityManager,
    challenge: ChallengeEntity,
    bids: ApplicationEntity[],
  ): Promise<ConflictParties> {
    const organizations = new Set<string>();
    const users = new Set<string>();
    for (const bid of bids) {
      organizations.add(bid.leadOrganizationId);
      users.add(bid.leaderUserId);
      const team = await this.teams.findTeamWithParts(bid.teamId, em);
      if (!team) continue;
      organizations.add(team.leadOrganization.id);
      users.add(team.team.leaderUserId);
      for (const c of team.consortium) organizations.add(c.organization.id);
      for (const m of team.members) if (m.userId) users.add(m.userId);
    }
    return {
      issuerOrganizationId: challenge.issuerOrganizationId,
      bidderOrganizationIds: [...organizations],
      memberUserIds: [...users],
    };
  }

  /**
   * Takes a member off the panel (a declared conflict, a decline, or a conflict the rules found at
   * declaration): the member becomes `replaced`; the assignment it declared on becomes
   * `conflicted` or `declined`, its others `cancelled` (a score it already submitted no longer
   * counts). The next standby reserve in draw order that has no conflict now becomes active with
   * a pending assignment per bid — an enterprise reserve first when the panel would otherwise fall
   * under its enterprise minimum; a reserve found conflicted is set `unused` with the reason. With
   * no reserve left the panel goes on short, which the admin sees (missingMembers). Audited.
   */
  async replaceMember(
    em: EntityManager,
    actor: Principal,
    panel: ReviewPanelEntity,
    member: PanelMemberEntity,
    declared: ReviewAssignmentEntity,
    outcome: 'conflicted' | 'declined',
    reason: string,
    context: {
      challenge: ChallengeEntity;
      settings: ProgramSettings;
      parties: ConflictParties;
      bids: ApplicationEntity[];
    },
  ): Promise<ReplacementOutcome> {
    const now = this.clock.now();
    member.status = 'replaced';
    member.statusReason = `${outcome}: ${reason}`;
    member.updatedAt = now;
    const assignments = await em.find(ReviewAssignmentEntity, {
      where: { panelMemberId: member.id },
      lock: { mode: 'pessimistic_write' },
    });
    for (const a of assignments) {
      if (a.id === declared.id) {
        a.status = outcome;
        a.declaredAt = now;
        a.declarationReason = reason;
      } else if (a.status !== 'conflicted' && a.status !== 'declined') {
        a.status = 'cancelled';
      }
      a.version += 1;
    }
    if (assignments.length) await em.save(assignments);
    if (!assignments.some((a) => a.id === declared.id))
      throw new Error('declared assignment not on the member');
    Object.assign(
      declared,
      assignments.find((a) => a.id === declared.id),
    );

    const members = await em.find(PanelMemberEntity, {
      where: { panelId: panel.id },
      order: { role: 'ASC', position: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    const leaving = await this.experts.findForConflicts(em, member.expertId);
    const stillActive = members.filter((m) => m.status === 'active' && m.id !== member.id);
    const enterpriseLeft = await this.experts.countEnterpriseAffiliated(
      em,
      stillActive.map((m) => m.expertId),
    );
    const needEnterprise =
      leaving?.affiliationType === 'enterprise' && enterpriseLeft < minEnterpriseExperts(context.settings);

    const skipped: JsonObject[] = [];
    const usable: Array<{ reserve: PanelMemberEntity; enterprise: boolean }> = [];
    for (const reserve of members.filter((m) => m.role === 'reserve' && m.status === 'standby')) {
      const expert = await this.experts.findForConflicts(em, reserve.expertId);
      const conflicts = expert
        ? conflictsOf(expert, context.parties, context.settings.conflictWindowYears, now)
        : [{ kind: 'missing', detail: 'the expert profile no longer exists' }];
      if (conflicts.length) {
        reserve.status = 'unused';
        reserve.statusReason = `conflict found when called: ${conflicts.map((c) => c.detail).join('; ')}`;
        reserve.updatedAt = now;
        skipped.push({
          panelMemberId: reserve.id,
          expertId: reserve.expertId,
          conflicts: conflicts.map((c) => c.kind),
        });
        continue;
      }
      usable.push({ reserve, enterprise: expert?.affiliationType === 'enterprise' });
    }
    const chosen = (needEnterprise ? usable.find((u) => u.enterprise) : undefined) ?? usable[0];
    if (chosen) {
      chosen.reserve.status = 'active';
      chosen.reserve.statusReason = `replaces ${member.role} ${member.position}`;
      chosen.reserve.updatedAt = now;
      member.replacedBy = chosen.reserve.id;
    }
    await em.save(members.map((m) => (m.id === member.id ? member : m)));
    if (chosen) {
      await this.assign(em, panel, [chosen.reserve], context.bids, now);
      await this.notifyAssigned(em, context.challenge, [chosen.reserve]);
    }
    panel.version += 1;
    await em.save(panel);
    await this.audit.record(em, {
      actor,
      action: REVIEW_ACTIONS.memberReplaced,
      objectType: PANEL_ENTITY,
      objectId: panel.id,
      before: { panelMemberId: member.id, expertId: member.expertId, status: 'active' },
      after: {
        panelMemberId: member.id,
        expertId: member.expertId,
        status: member.status,
        outcome,
        reason,
        assignmentId: declared.id,
        replacementMemberId: chosen?.reserve.id ?? null,
        replacementExpertId: chosen?.reserve.expertId ?? null,
        skippedReserves: skipped,
        reserveLeft: Boolean(chosen),
      },
    });
    return { reserveCalled: Boolean(chosen), replacementMemberId: chosen?.reserve.id ?? null };
  }

  /**
   * Closes the panel when it is at full strength and every assignment of every active member is
   * submitted (the caller holds the panel row FOR UPDATE, so two last submissions cannot both close
   * it). A panel left short (a member replaced with no reserve left) never closes by itself: fewer
   * experts than drawn scored, so the admin closes it with a reason. True when it closed.
   */
  async closeIfComplete(em: EntityManager, panel: ReviewPanelEntity): Promise<boolean> {
    if (panel.status !== 'open') return false;
    const members = await this.reviews.members(panel.id, em);
    const active = new Set(members.filter((m) => m.status === 'active').map((m) => m.id));
    if (!active.size || active.size < drawnPanelSize(members)) return false;
    const assignments = await this.reviews.assignmentsOfPanel(panel.id, em);
    const open = assignments.filter((a) => active.has(a.panelMemberId) && a.status !== 'submitted');
    if (open.length) return false;
    await this.close(em, SYSTEM, panel, null);
    return true;
  }

  /**
   * A reminder before the due time (worker, in the deadline's transaction): `review.due_soon` to
   * each active member with assignments not yet submitted; nothing once the panel is closed.
   */
  async remindDue(em: EntityManager, panelId: string, hoursBefore: number): Promise<void> {
    const panel = await this.reviews.findPanelForUpdate(em, panelId);
    if (!panel || panel.status !== 'open') return;
    const behind = await this.membersBehind(em, panel);
    if (!behind.size) return;
    const challenge = await this.requireChallenge(em, panel);
    const users = await this.reviews.expertUserIds(em, [...behind.keys()]);
    for (const [expertId, { memberId, unsubmitted }] of behind) {
      await this.outbox.publish(em, {
        type: REVIEW_EVENTS.dueSoon,
        aggregateType: 'challenge',
        aggregateId: challenge.id,
        data: {
          ...panelData(challenge, panel),
          panelMemberId: memberId,
          expertUserId: users.get(expertId) ?? '',
          unsubmittedAssignments: unsubmitted,
          hoursBefore,
        },
      });
    }
  }

  /**
   * The due time passed (worker): when the panel is still open, `review.overdue` tells the admins
   * how many experts and assignments are behind, so they can chase them or close with a reason.
   */
  async noticeOverdue(em: EntityManager, panelId: string): Promise<void> {
    const panel = await this.reviews.findPanelForUpdate(em, panelId);
    if (!panel || panel.status !== 'open') return;
    const behind = await this.membersBehind(em, panel);
    const challenge = await this.requireChallenge(em, panel);
    await this.outbox.publish(em, {
      type: REVIEW_EVENTS.overdue,
      aggregateType: 'challenge',
      aggregateId: challenge.id,
      data: {
        ...panelData(challenge, panel),
        expertsBehind: behind.size,
        unsubmittedAssignments: [...behind.values()].reduce((n, m) => n + m.unsubmitted, 0),
      },
    });
  }

  // — helpers —

  /** The due deadline and the reminders before it, at the program's offsets. */
  private async scheduleDue(
    em: EntityManager,
    panel: ReviewPanelEntity,
    offsetsHours: readonly number[],
  ): Promise<void> {
    const due = {
      entityType: PANEL_ENTITY,
      entityId: panel.id,
      kind: REVIEW_DEADLINES.due,
      dueAt: panel.dueAt,
    };
    await this.scheduler.schedule(em, due);
    await this.scheduler.scheduleReminders(em, { ...due, kind: REVIEW_DEADLINES.dueReminder }, offsetsHours);
  }

  /** Active members with assignments still to submit (pending or declared): expert id → counts. */
  private async membersBehind(
    em: EntityManager,
    panel: ReviewPanelEntity,
  ): Promise<Map<string, { memberId: string; unsubmitted: number }>> {
    const members = (await this.reviews.members(panel.id, em)).filter((m) => m.status === 'active');
    const byMember = new Map(members.map((m) => [m.id, m]));
    const behind = new Map<string, { memberId: string; unsubmitted: number }>();
    for (const a of await this.reviews.assignmentsOfPanel(panel.id, em)) {
      const member = byMember.get(a.panelMemberId);
      if (!member || (a.status !== 'pending' && a.status !== 'declared')) continue;
      const entry = behind.get(member.expertId) ?? { memberId: member.id, unsubmitted: 0 };
      entry.unsubmitted += 1;
      behind.set(member.expertId, entry);
    }
    return behind;
  }

  private async requireChallenge(em: EntityManager, panel: ReviewPanelEntity): Promise<ChallengeEntity> {
    const challenge = await this.challenges.findById(panel.challengeId, em);
    if (!challenge) throw new Error(`panel ${panel.id}: challenge missing`);
    return challenge;
  }

  /**
   * The close: per bid, aggregate the totals of its submitted assignments under the program's
   * settings, rank the bids, write review_results, shortlist the bids that pass, close the panel,
   * audit, and publish `review.completed`.
   */
  private async close(
    em: EntityManager,
    actor: AuditActor,
    panel: ReviewPanelEntity,
    reason: string | null,
  ): Promise<void> {
    const now = this.clock.now();
    const challenge = await this.requireChallenge(em, panel);
    const { settings } = await this.programs.requireById(em, challenge.programId);
    const bids = await this.reviews.lockApplications(
      em,
      (await this.reviews.bidsOfPanel(em, panel.id)).map((b) => b.id),
    );
    bids.sort(
      (a, b) =>
        (a.submittedAt as Date).getTime() - (b.submittedAt as Date).getTime() || (a.id < b.id ? -1 : 1),
    );
    const submitted = submittedByBid(await this.reviews.assignmentsOfPanel(panel.id, em));
    const aggregated = new Map(
      bids.map((b) => [
        b.id,
        aggregate(
          (submitted.get(b.id) ?? []).map((a) => a.total as number),
          settings,
        ),
      ]),
    );
    const ranked = rank(
      bids.map((b) => ({
        applicationId: b.id,
        score: aggregated.get(b.id)?.score ?? null,
        totals: (submitted.get(b.id) ?? []).map((a) => a.total as number),
        submittedAt: b.submittedAt as Date,
      })),
    );
    const results = ranked.map((r) => {
      const a = aggregated.get(r.applicationId);
      if (!a) throw new Error('unreachable');
      return em.create(ReviewResultEntity, {
        challengeId: challenge.id,
        applicationId: r.applicationId,
        score: a.score,
        mean: a.mean,
        trimmedMean: a.trimmedMean,
        median: a.median,
        spread: a.spread,
        scoreCount: a.count,
        outlierCount: a.outliers.length,
        passes: a.passes,
        rank: r.rank,
        computedAt: now,
      });
    });
    await em.save(results);
    for (const bid of bids) {
      if (!aggregated.get(bid.id)?.passes || bid.status !== 'under_review') continue;
      assertApplicationTransition(bid.status, 'shortlist');
      bid.status = 'shortlisted';
      bid.version += 1;
      bid.updatedAt = now;
    }
    await em.save(bids);
    panel.status = 'closed';
    panel.closedAt = now;
    panel.closeReason = reason;
    panel.version += 1;
    await em.save(panel);
    await this.scheduler.cancel(em, PANEL_ENTITY, panel.id, REVIEW_DEADLINES.due);
    await this.scheduler.cancelReminders(em, PANEL_ENTITY, panel.id, REVIEW_DEADLINES.dueReminder);
    const summary = results.map((r) => ({
      applicationId: r.applicationId,
      rank: r.rank,
      score: r.score,
      mean: r.mean,
      trimmedMean: r.trimmedMean,
      median: r.median,
      spread: r.spread,
      scoreCount: r.scoreCount,
      outlierCount: r.outlierCount,
      passes: r.passes,
    }));
    await this.audit.record(em, {
      actor,
      action: REVIEW_ACTIONS.completed,
      objectType: PANEL_ENTITY,
      objectId: panel.id,
      before: { status: 'open' },
      after: { status: 'closed', challengeId: challenge.id, closeReason: reason, results: summary },
    });
    await this.outbox.publish(em, {
      type: REVIEW_EVENTS.completed,
      aggregateType: 'challenge',
      aggregateId: challenge.id,
      data: {
        challengeId: challenge.id,
        code: challenge.code,
        title: challenge.title,
        issuerOrganizationId: challenge.issuerOrganizationId,
        panelId: panel.id,
        closedAt: now.toISOString(),
        closeReason: reason,
        passLine: settings.passLine,
        results: summary,
      },
    });
  }

  /** One pending assignment per member and bid. */
  private async assign(
    em: EntityManager,
    panel: ReviewPanelEntity,
    members: PanelMemberEntity[],
    bids: ApplicationEntity[],
    now: Date,
  ): Promise<void> {
    const rows = members.flatMap((m) =>
      bids.map((b) =>
        em.create(ReviewAssignmentEntity, {
          panelId: panel.id,
          panelMemberId: m.id,
          expertId: m.expertId,
          applicationId: b.id,
          status: 'pending',
          declaredAt: null,
          declarationReason: null,
          scores: null,
          comments: null,
          total: null,
          savedAt: null,
          submittedAt: null,
          version: 1,
          createdAt: now,
        }),
      ),
    );
    if (rows.length) await em.save(rows);
  }

  /** `review.assigned` per expert: the notification table tells each expert's user. */
  private async notifyAssigned(
    em: EntityManager,
    challenge: ChallengeEntity,
    members: PanelMemberEntity[],
  ): Promise<void> {
    const users = await this.reviews.expertUserIds(
      em,
      members.map((m) => m.expertId),
    );
    for (const m of members) {
      await this.outbox.publish(em, {
        type: REVIEW_EVENTS.assigned,
        aggregateType: 'challenge',
        aggregateId: challenge.id,
        data: {
          challengeId: challenge.id,
          code: challenge.code,
          title: challenge.title,
          panelMemberId: m.id,
          expertUserId: users.get(m.expertId) ?? '',
        },
      });
    }
  }

  private async teamNames(bids: ApplicationEntity[]): Promise<Map<string, string>> {
    if (!bids.length) return new Map();
    const rows = await this.dataSource.query<Array<{ id: string; name: string }>>(
      `SELECT a.id, t.name FROM applications a JOIN teams t ON t.id = a.team_id WHERE a.id = ANY($1::uuid[])`,
      [bids.map((b) => b.id)],
    );
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}

/** Submitted assignments per bid, in order of submission (then id): the order outlier indices refer to. */
function submittedByBid(assignments: ReviewAssignmentEntity[]): Map<string, ReviewAssignmentEntity[]> {
  const byBid = new Map<string, ReviewAssignmentEntity[]>();
  const submitted = assignments
    .filter((a) => a.status === 'submitted')
    .sort(
      (a, b) =>
        (a.submittedAt as Date).getTime() - (b.submittedAt as Date).getTime() ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  for (const a of submitted) {
    const list = byBid.get(a.applicationId) ?? [];
    list.push(a);
    byBid.set(a.applicationId, list);
  }
  return byBid;
}

function userIdOf(actor: Principal): string {
  if (actor.kind !== 'user') throw new DomainError('FORBIDDEN', 'A panel is drawn by an admin user');
  return actor.userId;
}

/** What review deadline events say of the list and its panel. */
function panelData(challenge: ChallengeEntity, panel: ReviewPanelEntity): JsonObject {
  return {
    challengeId: challenge.id,
    code: challenge.code,
    title: challenge.title,
    issuerOrganizationId: challenge.issuerOrganizationId,
    panelId: panel.id,
    dueAt: panel.dueAt.toISOString(),
  };
}
