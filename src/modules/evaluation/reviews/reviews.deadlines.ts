import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OnDeadline } from '../../../infra/scheduler/deadline-handler';
import type { DueDeadline } from '../../../infra/scheduler/deadline-handler';
import { hoursBefore } from '../../../infra/scheduler/reminders';
import { REVIEW_DEADLINES, ReviewPanelsService } from './review-panels.service';

/** The worker's side of a review panel: reminders to experts before its due time, a notice after. */
@Injectable()
export class ReviewDeadlines {
  constructor(private readonly panels: ReviewPanelsService) {}

  @OnDeadline(REVIEW_DEADLINES.dueReminder)
  dueReminder(deadline: DueDeadline, em: EntityManager): Promise<void> {
    return this.panels.remindDue(em, deadline.entityId, hoursBefore(deadline));
  }

  @OnDeadline(REVIEW_DEADLINES.due)
  due(deadline: DueDeadline, em: EntityManager): Promise<void> {
    return this.panels.noticeOverdue(em, deadline.entityId);
  }
}
