import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JsonObject } from '../../../common/json';
import { OutboxService } from '../../../infra/events/outbox.service';
import { OnDeadline } from '../../../infra/scheduler/deadline-handler';
import type { DueDeadline } from '../../../infra/scheduler/deadline-handler';
import { hoursBefore } from '../../../infra/scheduler/reminders';
import { ChallengesRepository } from '../../call/challenges/challenges.repository';
import type { ChallengeEntity } from '../../call/challenges/entities/challenge.entity';
import { ExpertPanelService } from '../panels/expert-panel.service';
import { isSeated } from '../panels/panel-seats';
import { ReviewPanelEntity } from './entities/review-panel.entity';
import { REVIEW_PANEL_MACHINE, REVIEW_SEAT_SPELLING } from './review-panel.machine';
import { REVIEW_DEADLINES, REVIEW_EVENTS } from './reviews.constants';
import { ReviewsRepository } from './reviews.repository';

/** The worker's side of a review panel: reminders to experts before its due time, a notice after. */
@Injectable()
export class ReviewDeadlines {
  constructor(
    private readonly reviews: ReviewsRepository,
    private readonly challenges: ChallengesRepository,
    private readonly expertPanel: ExpertPanelService,
    private readonly outbox: OutboxService,
  ) {}

  @OnDeadline(REVIEW_DEADLINES.dueReminder)
  dueReminder(deadline: DueDeadline, em: EntityManager): Promise<void> {
    return this.remindDue(em, deadline.entityId, hoursBefore(deadline));
  }

  @OnDeadline(REVIEW_DEADLINES.due)
  due(deadline: DueDeadline, em: EntityManager): Promise<void> {
    return this.noticeOverdue(em, deadline.entityId);
  }

  /**
   * A reminder before the due time (in the deadline's transaction): `review.due_soon` to each
   * active member with assignments not yet submitted; nothing once the panel is closed.
   */
  async remindDue(em: EntityManager, panelId: string, hours: number): Promise<void> {
    const panel = await this.reviews.findPanelForUpdate(em, panelId);
    if (!panel || !REVIEW_PANEL_MACHINE.can(panel.status, 'close')) return;
    const behind = await this.membersBehind(em, panel);
    if (!behind.size) return;
    const challenge = await this.requireChallenge(em, panel);
    const users = await this.expertPanel.expertUserIds(em, [...behind.keys()]);
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
          hoursBefore: hours,
        },
      });
    }
  }

  /**
   * The due time passed: when the panel is still open, `review.overdue` tells the admins how many
   * experts and assignments are behind, so they can chase them or close with a reason.
   */
  async noticeOverdue(em: EntityManager, panelId: string): Promise<void> {
    const panel = await this.reviews.findPanelForUpdate(em, panelId);
    if (!panel || !REVIEW_PANEL_MACHINE.can(panel.status, 'close')) return;
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

  /** Active members with assignments still to submit (pending or declared): expert id → counts. */
  private async membersBehind(
    em: EntityManager,
    panel: ReviewPanelEntity,
  ): Promise<Map<string, { memberId: string; unsubmitted: number }>> {
    const members = (await this.reviews.members(panel.id, em)).filter((m) =>
      isSeated(m, REVIEW_SEAT_SPELLING),
    );
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
}

/** What review deadline events say of the challenge and its panel. */
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
