import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OnDeadline } from '../../../infra/scheduler/deadline-handler';
import type { DueDeadline } from '../../../infra/scheduler/deadline-handler';
import { hoursBefore } from '../../../infra/scheduler/reminders';
import { MilestonesService } from './milestones.service';
import { MILESTONE_DUE_REMINDER, MILESTONE_OVERDUE_DEADLINE } from './project-events';

/**
 * The worker's side of milestones: reminders before the due time, and at the due time a milestone
 * not yet reported is marked overdue.
 */
@Injectable()
export class ProjectsDeadlines {
  constructor(private readonly milestones: MilestonesService) {}

  @OnDeadline(MILESTONE_OVERDUE_DEADLINE)
  async milestoneOverdue(deadline: DueDeadline, em: EntityManager): Promise<void> {
    await this.milestones.markOverdue(em, deadline.entityId);
  }

  @OnDeadline(MILESTONE_DUE_REMINDER)
  async milestoneDueReminder(deadline: DueDeadline, em: EntityManager): Promise<void> {
    await this.milestones.remindDue(em, deadline.entityId, hoursBefore(deadline));
  }
}
