import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { Principal } from '../../../common/auth/principal';
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
import type { ChallengeStatus } from '../../call/challenges/challenge-status';
import type { ProgramSettings } from '../../call/programs/program-settings';
import { ProgramsService } from '../../call/programs/programs.service';
import { TeamsService } from '../../call/teams/teams.service';
import { WorkingDaysService } from '../../platform/calendar/working-days.service';
import type { ConflictParties } from '../experts/conflicts';
import type { DrawnPanel } from '../panels/expert-panel.service';
import { ExpertPanelService } from '../panels/expert-panel.service';
import { drawnPanelSize, isSeated } from '../panels/panel-seats';
import { ReviewPanelResponseDto } from './dto/review-response.dto';
import { PanelMemberEntity } from './entities/panel-member.entity';
import { ReviewAssignmentEntity } from './entities/review-assignment.entity';
import { ReviewPanelEntity } from './entities/review-panel.entity';
import { REVIEW_ASSIGNMENT_MACHINE } from './review-assignment.machine';
import { REVIEW_PANEL_MACHINE, REVIEW_SEAT_SPELLING } from './review-panel.machine';
import { ReviewResultsService } from './review-results.service';
import { PANEL_ENTITY, REVIEW_ACTIONS, REVIEW_DEADLINES, REVIEW_EVENTS } from './reviews.constants';
import { ReviewsRepository } from './reviews.repository';
import type { Leaving, ReplacementOutcome, ReviewContext } from './review-replacement';

/**
 * The expert panel of a challenge (docs/adr/0024): the draw (ExpertPanelService, shared with
 * acceptance), the assignments per member and application, the replacement of a member by the next reserve,
 * and the admin's view. The close and the ranking are ReviewResultsService; the experts' own work is
 * ReviewAssignmentsService, which calls `replaceMember` here.
 */
@Injectable()
export class ReviewPanelsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reviews: ReviewsRepository,
    private readonly results: ReviewResultsService,
    private readonly expertPanel: ExpertPanelService,
    private readonly challenges: ChallengesRepository,
    private readonly challengeLifecycle: ChallengeLifecycle,
    private readonly applicationLifecycle: ApplicationLifecycle,
    private readonly programs: ProgramsService,
    private readonly workingDays: WorkingDaysService,
    private readonly teams: TeamsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly scheduler: DeadlineScheduler,
    private readonly clock: Clock,
  ) {}

  /**
   * Starts the review of a closed challenge: draws the panel and its reserves in one transaction
   * that holds the challenge row, moves the challenge and its eligible applications to `under_review`, and
   * gives every member one pending assignment per application. 422 PANEL_UNDERSTAFFED (nothing written) when
   * too few experts qualify; 422 when no application is eligible.
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
      assertTransition(challenge, 'start_review', now);
      const applications = await this.applicationLifecycle.lockEligibleOfChallenge(em, challenge.id);
      if (!applications.length) {
        throw new DomainError(
          'BUSINESS_RULE_VIOLATION',
          'The challenge has no eligible application to review',
          {
            extra: { eligibleBids: 0 },
          },
        );
      }
      const { settings } = await this.programs.requireById(em, challenge.programId);
      const parties = await this.partiesOf(em, challenge, applications);
      const drawn = await this.expertPanel.draw(em, {
        industryChainCode: challenge.industryChainCode,
        listTexts: [challenge.title, challenge.publicSummary],
        parties,
        settings,
        now,
        panelName: null,
      });
      const panel = await this.createPanel(em, challenge, drawn, settings, drawnBy, now);
      const members = await this.seat(em, panel, drawn, applications, now);
      const before = challenge.status;
      await this.challengeLifecycle.startReview(em, challenge, now);
      await this.applicationLifecycle.startReview(em, applications, now);
      await this.recordStart(em, actor, { challenge, before, panel, drawn, applications });
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
    const names = await this.expertPanel.expertNames(members.map((m) => m.expertId));
    const active = members.filter((m) => isSeated(m, REVIEW_SEAT_SPELLING)).length;
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
      REVIEW_PANEL_MACHINE.assert(panel.status, 'close');
      await this.results.close(em, actor, panel, reason.trim());
    });
    return this.getPanel(actor, challengeId);
  }

  // — used by ReviewAssignmentsService, inside its transaction (the panel row locked) —

  /**
   * The parties an expert of this challenge must not be connected to: the issuer, and every
   * organization (lead, consortium) and member (user id, the leader included) of every application.
   */
  async partiesOf(
    em: EntityManager,
    challenge: ChallengeEntity,
    applications: ApplicationEntity[],
  ): Promise<ConflictParties> {
    const organizations = new Set<string>();
    const users = new Set<string>();
    for (const application of applications) {
      organizations.add(application.leadOrganizationId);
      users.add(application.leaderUserId);
      const team = await this.teams.findTeamWithParts(application.teamId, em);
      if (!team) continue;
      organizations.add(team.leadOrganization.id);
      users.add(team.team.leaderUserId);
      for (const c of team.consortium) organizations.add(c.organization.id);
      for (const m of team.members) if (m.userId) users.add(m.userId);
    }
    return {
      issuerOrganizationId: challenge.issuerOrganizationId,
      applicantOrganizationIds: [...organizations],
      memberUserIds: [...users],
    };
  }

  /**
   * Takes a member off the panel (a declared conflict, a decline, or a conflict the rules found at
   * declaration): the member becomes `replaced`; the assignment it declared on becomes `conflicted`
   * or `declined`, its others `cancelled` (a score it already submitted no longer counts). The next
   * reserve (ExpertPanelService.replace) gets a pending assignment per application. With no reserve left the
   * panel goes on short, which the admin sees (missingMembers). Audited.
   */
  async replaceMember(
    em: EntityManager,
    actor: Principal,
    panel: ReviewPanelEntity,
    leaving: Leaving,
    context: ReviewContext,
  ): Promise<ReplacementOutcome> {
    const now = this.clock.now();
    const { member, declared, outcome, reason } = leaving;
    await this.endAssignments(em, leaving, now);
    const { chosen: called, skipped } = await this.expertPanel.replace(em, {
      members: await this.reviews.lockMembers(em, panel.id),
      leaving: member,
      outcome,
      statusReason: `${outcome}: ${reason}`,
      parties: context.parties,
      settings: context.settings,
      now,
      spelling: REVIEW_SEAT_SPELLING,
    });
    if (called) {
      await this.assign(em, panel, [called], context.applications, now);
      await this.notifyAssigned(em, context.challenge, [called]);
    }
    panel.version += 1;
    await em.save(panel);
    await this.audit.record(em, {
      actor,
      action: REVIEW_ACTIONS.memberReplaced,
      objectType: PANEL_ENTITY,
      objectId: panel.id,
      before: {
        panelMemberId: member.id,
        expertId: member.expertId,
        status: REVIEW_SEAT_SPELLING.write('pending'),
      },
      after: {
        panelMemberId: member.id,
        expertId: member.expertId,
        status: member.status,
        outcome,
        reason,
        assignmentId: declared.id,
        replacementMemberId: called?.id ?? null,
        replacementExpertId: called?.expertId ?? null,
        skippedReserves: skipped,
        reserveLeft: Boolean(called),
      },
    });
    return { reserveCalled: Boolean(called), replacementMemberId: called?.id ?? null };
  }

  // — helpers —

  /** The declared assignment ends with the outcome, the member's others are cancelled. */
  private async endAssignments(em: EntityManager, leaving: Leaving, now: Date): Promise<void> {
    const { declared, outcome, reason } = leaving;
    const assignments = await this.reviews.lockAssignmentsOfMember(em, leaving.member.id);
    if (!assignments.some((a) => a.id === declared.id))
      throw new Error('declared assignment not on the member');
    for (const a of assignments) {
      if (a.id === declared.id) {
        a.status = REVIEW_ASSIGNMENT_MACHINE.target(
          a.status,
          outcome === 'declined' ? 'decline' : 'conflict',
        );
        a.declaredAt = now;
        a.declarationReason = reason;
      } else if (REVIEW_ASSIGNMENT_MACHINE.can(a.status, 'cancel')) {
        a.status = REVIEW_ASSIGNMENT_MACHINE.target(a.status, 'cancel');
      }
      a.version += 1;
    }
    await em.save(assignments);
    Object.assign(
      declared,
      assignments.find((a) => a.id === declared.id),
    );
  }

  private async createPanel(
    em: EntityManager,
    challenge: ChallengeEntity,
    drawn: DrawnPanel,
    settings: ProgramSettings,
    drawnBy: string,
    now: Date,
  ): Promise<ReviewPanelEntity> {
    const dueAt = await this.workingDays.addWorkingDays(
      em,
      now,
      settings.reviewWorkingDays,
      `the review due date of challenge ${challenge.id}`,
    );
    const panel = em.create(ReviewPanelEntity, {
      challengeId: challenge.id,
      status: REVIEW_PANEL_MACHINE.initial('draw'),
      seed: drawn.seed,
      drawnAt: now,
      drawnBy,
      dueAt,
      closedAt: null,
      closeReason: null,
      version: 1,
    });
    await em.save(panel);
    await this.scheduleDue(em, panel, settings.reminderOffsetsHours);
    return panel;
  }

  /** Stores the drawn members and reserves and gives each member a pending assignment per application. */
  private async seat(
    em: EntityManager,
    panel: ReviewPanelEntity,
    drawn: DrawnPanel,
    applications: ApplicationEntity[],
    now: Date,
  ): Promise<PanelMemberEntity[]> {
    const rows = drawn.seats.map((s) =>
      em.create(PanelMemberEntity, {
        ...s,
        status: REVIEW_SEAT_SPELLING.write(s.status),
        panelId: panel.id,
        statusReason: null,
        replacedBy: null,
        version: 1,
        updatedAt: now,
      }),
    );
    await em.save(rows);
    const members = rows.filter((m) => m.role === 'member');
    await this.assign(em, panel, members, applications, now);
    return members;
  }

  private async recordStart(
    em: EntityManager,
    actor: Principal,
    s: {
      challenge: ChallengeEntity;
      before: ChallengeStatus;
      panel: ReviewPanelEntity;
      drawn: DrawnPanel;
      applications: ApplicationEntity[];
    },
  ): Promise<void> {
    const { challenge, panel, drawn } = s;
    await this.audit.record(em, {
      actor,
      action: REVIEW_ACTIONS.started,
      objectType: 'challenge',
      objectId: challenge.id,
      before: { status: s.before },
      after: {
        status: challenge.status,
        panelId: panel.id,
        seed: drawn.seed,
        drawRule: drawn.rule,
        candidateExpertIds: drawn.candidateIds,
        candidateFits: drawn.fits,
        excluded: drawn.excluded,
        members: drawn.members,
        reserves: drawn.reserves,
        minEnterpriseExperts: drawn.minEnterprise,
        applicationIds: s.applications.map((b) => b.id),
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
        applicationIds: s.applications.map((b) => b.id),
      },
    });
  }

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

  /** One pending assignment per member and application. */
  private async assign(
    em: EntityManager,
    panel: ReviewPanelEntity,
    members: PanelMemberEntity[],
    applications: ApplicationEntity[],
    now: Date,
  ): Promise<void> {
    const rows = members.flatMap((m) =>
      applications.map((b) =>
        em.create(ReviewAssignmentEntity, {
          panelId: panel.id,
          panelMemberId: m.id,
          expertId: m.expertId,
          applicationId: b.id,
          status: REVIEW_ASSIGNMENT_MACHINE.initial('assign'),
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
  private notifyAssigned(
    em: EntityManager,
    challenge: ChallengeEntity,
    members: PanelMemberEntity[],
  ): Promise<void> {
    return this.expertPanel.notifyAssigned(em, members, (m, expertUserId) => ({
      type: REVIEW_EVENTS.assigned,
      aggregateType: 'challenge',
      aggregateId: challenge.id,
      data: {
        challengeId: challenge.id,
        code: challenge.code,
        title: challenge.title,
        panelMemberId: m.id,
        expertUserId,
      },
    }));
  }
}

function userIdOf(actor: Principal): string {
  if (actor.kind !== 'user') throw new DomainError('FORBIDDEN', 'A panel is drawn by an admin user');
  return actor.userId;
}
