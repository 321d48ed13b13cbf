import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../../../common/audit/audit.service';
import type { JsonObject } from '../../../common/json';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { ApplicationLifecycle } from '../../call/applications/application-lifecycle.service';
import type { ApplicationEntity } from '../../call/applications/entities/application.entity';
import { ChallengeLifecycle } from '../../call/challenges/challenge-lifecycle.service';
import { ChallengesRepository } from '../../call/challenges/challenges.repository';
import type { ChallengeEntity } from '../../call/challenges/entities/challenge.entity';
import { allocateBudget, LineBudget } from '../projects/budget';
import type { ProjectEntity } from '../projects/entities/project.entity';
import { ProjectLifecycleService } from '../projects/project-lifecycle.service';
import type { AwardedLine } from '../projects/project-lifecycle.service';
import type { SelectionEntity } from './entities/selection.entity';
import { SELECTION_MACHINE } from './selection-status';
import { ApplicationPlan, SelectionRepository } from './selection.repository';
import { SELECTION_AUDIT, SELECTION_EVENTS, selectionData } from './selection.views';

/** Applications still in play at the award: the selected ones and those left in review. */
export const IN_PLAY = ['under_review', 'shortlisted'] as const;
const IN_PLAY_AT_AWARD = [...IN_PLAY, 'selected'] as const;

type Indicator = { id: string; name: string; targetValue: string; unit: string };

/**
 * The award (ADR 0026): once publicity ended with no objection pending, the selected applications
 * become projects (through the projects module), the others are not selected, the challenge is
 * awarded. Runs under the challenge's lock; a no-op when it already ran.
 */
@Injectable()
export class AwardService {
  constructor(
    private readonly selections: SelectionRepository,
    private readonly challenges: ChallengesRepository,
    private readonly applicationLifecycle: ApplicationLifecycle,
    private readonly challengeLifecycle: ChallengeLifecycle,
    private readonly projects: ProjectLifecycleService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  /**
   * Finalizes the award if, under the challenge's lock, the challenge is still in publicity with an active
   * selection whose period has ended by the clock and no objection is pending; otherwise nothing.
   */
  async finalizeLocked(em: EntityManager, actor: AuditActor, challenge: ChallengeEntity): Promise<boolean> {
    const selection = await this.finalizable(em, challenge);
    if (!selection) return false;
    const now = this.clock.now();
    const ids = await this.selections.applicationIdsInStatus(em, challenge.id, IN_PLAY_AT_AWARD);
    const all = await this.applicationLifecycle.lockByIds(em, ids);
    const selected = all.filter((b) => selection.applicationIds.includes(b.id));
    const others = all.filter((b) => !selection.applicationIds.includes(b.id) && b.status !== 'selected');
    await this.applicationLifecycle.markNotSelected(em, others, now);
    const projects = await this.createProjects(em, challenge, selected, now);
    selection.status = SELECTION_MACHINE.target(selection.status, 'finalize');
    selection.closedAt = now;
    selection.version += 1;
    selection.updatedAt = now;
    await em.save(selection);
    const before = challenge.status;
    await this.challengeLifecycle.finalizeAward(em, challenge, now);
    await this.audit.record(em, {
      actor,
      action: SELECTION_AUDIT.awarded,
      objectType: 'challenge',
      objectId: challenge.id,
      before: { status: before },
      after: {
        status: challenge.status,
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
      data: { ...selectionData(challenge, selection), projectIds: projects.map((p) => p.id) },
    });
    return true;
  }

  /** The active selection when the award may run now, else null. */
  private async finalizable(em: EntityManager, challenge: ChallengeEntity): Promise<SelectionEntity | null> {
    if (challenge.status !== 'publicity') return null;
    const selection = await this.selections.activeOfChallenge(em, challenge.id);
    if (!selection || this.clock.now() < selection.publicityEndsAt) return null;
    if (await this.selections.pendingObjectionCount(em, selection.id)) return null;
    return selection;
  }

  /** One project per selected application, in rank order, with its share of the budget. */
  private async createProjects(
    em: EntityManager,
    challenge: ChallengeEntity,
    selected: ApplicationEntity[],
    now: Date,
  ): Promise<ProjectEntity[]> {
    const indicators = await this.challenges.indicators(challenge.id, em);
    const ranks = await this.selections.ranks(em, challenge.id);
    selected.sort((a, b) => (ranks.get(a.id) ?? 0) - (ranks.get(b.id) ?? 0) || a.id.localeCompare(b.id));
    const budgets = allocateBudget(
      challenge.fiscalFen,
      challenge.cofundingFen,
      selected.map((b) => b.requestedFiscalFen),
    );
    const lines: AwardedLine[] = [];
    for (const [i, application] of selected.entries()) {
      const plan = await this.selections.applicationPlan(em, application.id);
      lines.push({
        challengeId: challenge.id,
        programId: challenge.programId,
        issuerOrganizationId: challenge.issuerOrganizationId,
        applicationId: application.id,
        leadOrganizationId: application.leadOrganizationId,
        taskBook: taskBookOf(challenge, application, indicators, budgets[i], plan),
        fiscalFen: budgets[i].fiscalFen,
        issuerFen: budgets[i].issuerFen,
      });
    }
    return this.projects.createFromAward(em, lines, now);
  }
}

/** The task book (任务书) of an awarded application: its commitments, milestones and amounts. */
export function taskBookOf(
  challenge: ChallengeEntity,
  application: ApplicationEntity,
  indicators: Indicator[],
  budget: LineBudget,
  plan: ApplicationPlan,
): JsonObject {
  const byId = new Map(indicators.map((i) => [i.id, i]));
  return {
    challengeId: challenge.id,
    challengeCode: challenge.code,
    applicationId: application.id,
    teamId: application.teamId,
    leadOrganizationId: application.leadOrganizationId,
    leaderUserId: application.leaderUserId,
    durationMonths: challenge.durationMonths,
    indicators: plan.commitments.map((c) => ({
      indicatorId: c.indicator_id,
      name: byId.get(c.indicator_id)?.name ?? '',
      targetValue: byId.get(c.indicator_id)?.targetValue ?? '',
      unit: byId.get(c.indicator_id)?.unit ?? '',
      committedValue: c.committed_value,
    })),
    milestones: plan.milestones.map((m) => ({
      position: m.position,
      title: m.title,
      deliverables: m.deliverables,
      dueMonth: m.due_month,
      sharePercent: m.share_percent,
    })),
    amounts: { fiscalFen: budget.fiscalFen, issuerFen: budget.issuerFen },
    requestedFiscalFen: application.requestedFiscalFen,
    listFiscalFen: challenge.fiscalFen,
    listCofundingFen: challenge.cofundingFen,
  };
}
