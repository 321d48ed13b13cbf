import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../../../common/audit/audit.service';
import { isAdmin, Principal } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { DeadlineScheduler } from '../../../infra/scheduler/deadline.scheduler';
import { ApplicationLifecycle } from '../../call/applications/application-lifecycle.service';
import type { ApplicationEntity } from '../../call/applications/entities/application.entity';
import { ChallengesRepository } from '../../call/challenges/challenges.repository';
import type { ChallengeEntity } from '../../call/challenges/entities/challenge.entity';
import type { ProgramSettings } from '../../call/programs/program-settings';
import { ProgramsService } from '../../call/programs/programs.service';
import { drawnPanelSize, isSeated } from '../panels/panel-seats';
import { RankingItemDto, RankingResponseDto } from './dto/review-response.dto';
import { ReviewAssignmentEntity } from './entities/review-assignment.entity';
import { ReviewPanelEntity } from './entities/review-panel.entity';
import { ReviewResultEntity } from './entities/review-result.entity';
import { REVIEW_PANEL_MACHINE, REVIEW_SEAT_SPELLING } from './review-panel.machine';
import {
  applicationLabel,
  PANEL_ENTITY,
  REVIEW_ACTIONS,
  REVIEW_DEADLINES,
  REVIEW_EVENTS,
} from './reviews.constants';
import { ReviewsRepository } from './reviews.repository';
import { aggregate, AggregateResult as Aggregate, rank } from './scoring';

const SYSTEM: AuditActor = { kind: 'system' };

/**
 * The close of a review panel and its ranking (docs/adr/0023, 0024): per application, the submitted
 * totals aggregated under the program's settings, the applications ranked, review_results written,
 * the applications that pass shortlisted; the ranking read by admins and the challenge's issuer once
 * closed.
 */
@Injectable()
export class ReviewResultsService {
  constructor(
    private readonly reviews: ReviewsRepository,
    private readonly challenges: ChallengesRepository,
    private readonly applicationLifecycle: ApplicationLifecycle,
    private readonly programs: ProgramsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly scheduler: DeadlineScheduler,
    private readonly clock: Clock,
  ) {}

  /**
   * The ranking of a closed panel. Admins: after close (409 before). The challenge's issuer
   * organization: after close, 404 before (nothing of scores exists for it until then); team names
   * only when the program lets the issuer see applicants. Nobody sees which expert gave which
   * total; admins see which assignments are outliers.
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
    const applications = await this.reviews.applicationsOfPanel(this.reviews.manager(), panel.id);
    const teamNames = showNames
      ? await this.reviews.teamNames(applications.map((b) => b.id))
      : new Map<string, string>();
    return {
      challengeId,
      closedAt: panel.closedAt,
      closeReason: panel.closeReason,
      aggregation: settings.aggregation,
      passLine: settings.passLine,
      outlierThresholdPoints: settings.outlierThresholdPoints,
      items: await this.rankingItems(panel, applications, settings, { admin, showNames, teamNames }),
    };
  }

  /**
   * Closes the panel when it is at full strength and every assignment of every active member is
   * submitted (the caller holds the panel row FOR UPDATE, so two last submissions cannot both close
   * it). A panel left short (a member replaced with no reserve left) never closes by itself: fewer
   * experts than drawn scored, so the admin closes it with a reason. True when it closed.
   */
  async closeIfComplete(em: EntityManager, panel: ReviewPanelEntity): Promise<boolean> {
    if (!REVIEW_PANEL_MACHINE.can(panel.status, 'close')) return false;
    const members = await this.reviews.members(panel.id, em);
    const active = new Set(members.filter((m) => isSeated(m, REVIEW_SEAT_SPELLING)).map((m) => m.id));
    if (!active.size || active.size < drawnPanelSize(members)) return false;
    const assignments = await this.reviews.assignmentsOfPanel(panel.id, em);
    const open = assignments.filter((a) => active.has(a.panelMemberId) && a.status !== 'submitted');
    if (open.length) return false;
    await this.close(em, SYSTEM, panel, null);
    return true;
  }

  /**
   * The close: per application, aggregate the totals of its submitted assignments under the
   * program's settings, rank the applications, write review_results, shortlist the applications that
   * pass, close the panel, audit, and publish `review.completed`.
   */
  async close(
    em: EntityManager,
    actor: AuditActor,
    panel: ReviewPanelEntity,
    reason: string | null,
  ): Promise<void> {
    const now = this.clock.now();
    const challenge = await this.requireChallenge(em, panel);
    const { settings } = await this.programs.requireById(em, challenge.programId);
    const applications = await this.applicationLifecycle.lockByIds(
      em,
      (await this.reviews.applicationsOfPanel(em, panel.id)).map((a) => a.id),
    );
    applications.sort(
      (a, b) =>
        (a.submittedAt as Date).getTime() - (b.submittedAt as Date).getTime() || (a.id < b.id ? -1 : 1),
    );
    const submitted = submittedByApplication(await this.reviews.assignmentsOfPanel(panel.id, em));
    const aggregated = new Map(
      applications.map((b) => [b.id, aggregate(totalsOf(submitted, b.id), settings)] as [string, Aggregate]),
    );
    const results = await this.writeResults(em, challenge, applications, submitted, aggregated, now);
    await this.shortlist(em, applications, aggregated, now);
    panel.status = REVIEW_PANEL_MACHINE.target(panel.status, 'close');
    panel.closedAt = now;
    panel.closeReason = reason;
    panel.version += 1;
    await em.save(panel);
    await this.scheduler.cancel(em, PANEL_ENTITY, panel.id, REVIEW_DEADLINES.due);
    await this.scheduler.cancelReminders(em, PANEL_ENTITY, panel.id, REVIEW_DEADLINES.dueReminder);
    await this.recordClose(em, actor, { panel, challenge, settings, reason, results, now });
  }

  // — helpers —

  private async rankingItems(
    panel: ReviewPanelEntity,
    applications: ApplicationEntity[],
    settings: ProgramSettings,
    view: { admin: boolean; showNames: boolean; teamNames: Map<string, string> },
  ): Promise<RankingItemDto[]> {
    const results = await this.reviews.results(panel.challengeId);
    const labels = new Map(applications.map((b, i) => [b.id, applicationLabel(i + 1)]));
    const submitted = submittedByApplication(await this.reviews.assignmentsOfPanel(panel.id));
    // The tie-breaks are not stored: ranking again the stored scores with the same totals gives them.
    const ranked = rank(
      applications.map((b) => ({
        applicationId: b.id,
        score: results.find((r) => r.applicationId === b.id)?.score ?? null,
        totals: totalsOf(submitted, b.id),
        submittedAt: b.submittedAt as Date,
      })),
    );
    const tieBreaks = new Map(ranked.map((r) => [r.applicationId, r.tieBrokenBy]));
    return results.map((r) => {
      const item = {
        rank: r.rank,
        applicationId: r.applicationId,
        bidLabel: labels.get(r.applicationId) ?? '',
        teamName: view.showNames ? (view.teamNames.get(r.applicationId) ?? null) : null,
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
      if (!view.admin) return item;
      const scored = submitted.get(r.applicationId) ?? [];
      const { outliers } = aggregate(totalsOf(submitted, r.applicationId), settings);
      return { ...item, outlierAssignmentIds: outliers.map((i) => scored[i].id) };
    });
  }

  private async writeResults(
    em: EntityManager,
    challenge: ChallengeEntity,
    applications: ApplicationEntity[],
    submitted: Map<string, ReviewAssignmentEntity[]>,
    aggregated: Map<string, Aggregate>,
    now: Date,
  ): Promise<ReviewResultEntity[]> {
    const ranked = rank(
      applications.map((b) => ({
        applicationId: b.id,
        score: aggregated.get(b.id)?.score ?? null,
        totals: totalsOf(submitted, b.id),
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
    return results;
  }

  /** The applications that pass and are still in review move to `shortlisted`. */
  private shortlist(
    em: EntityManager,
    applications: ApplicationEntity[],
    aggregated: Map<string, Aggregate>,
    now: Date,
  ): Promise<void> {
    const passing = applications.filter((a) => aggregated.get(a.id)?.passes && a.status === 'under_review');
    return this.applicationLifecycle.shortlist(em, passing, now);
  }

  private async recordClose(
    em: EntityManager,
    actor: AuditActor,
    c: {
      panel: ReviewPanelEntity;
      challenge: ChallengeEntity;
      settings: ProgramSettings;
      reason: string | null;
      results: ReviewResultEntity[];
      now: Date;
    },
  ): Promise<void> {
    const { panel, challenge } = c;
    const summary = c.results.map((r) => ({
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
      after: { status: panel.status, challengeId: challenge.id, closeReason: c.reason, results: summary },
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
        closedAt: c.now.toISOString(),
        closeReason: c.reason,
        passLine: c.settings.passLine,
        results: summary,
      },
    });
  }

  private async requireChallenge(em: EntityManager, panel: ReviewPanelEntity): Promise<ChallengeEntity> {
    const challenge = await this.challenges.findById(panel.challengeId, em);
    if (!challenge) throw new Error(`panel ${panel.id}: challenge missing`);
    return challenge;
  }
}

function totalsOf(submitted: Map<string, ReviewAssignmentEntity[]>, applicationId: string): number[] {
  return (submitted.get(applicationId) ?? []).map((a) => a.total as number);
}

/**
 * Submitted assignments per application, in order of submission (then id): the order outlier
 * indices refer to.
 */
function submittedByApplication(
  assignments: ReviewAssignmentEntity[],
): Map<string, ReviewAssignmentEntity[]> {
  const byApplication = new Map<string, ReviewAssignmentEntity[]>();
  const submitted = assignments
    .filter((a) => a.status === 'submitted')
    .sort(
      (a, b) =>
        (a.submittedAt as Date).getTime() - (b.submittedAt as Date).getTime() ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  for (const a of submitted) {
    const list = byApplication.get(a.applicationId) ?? [];
    list.push(a);
    byApplication.set(a.applicationId, list);
  }
  return byApplication;
}
