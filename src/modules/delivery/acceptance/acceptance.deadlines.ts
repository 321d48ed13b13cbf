import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OnDeadline } from '../../../infra/scheduler/deadline-handler';
import type { DueDeadline } from '../../../infra/scheduler/deadline-handler';
import { hoursBefore } from '../../../infra/scheduler/reminders';
import { ACCEPTANCE_CONDITIONS_DEADLINE, ACCEPTANCE_CONDITIONS_REMINDER } from './acceptance.constants';
import { AcceptanceDecisionsService } from './acceptance-decisions.service';

/** The worker's side of acceptance: conditions unconfirmed at their due date fail it (ADR 0029). */
@Injectable()
export class AcceptanceDeadlines {
  constructor(private readonly acceptance: AcceptanceDecisionsService) {}

  @OnDeadline(ACCEPTANCE_CONDITIONS_DEADLINE)
  async conditionsDue(deadline: DueDeadline, em: EntityManager): Promise<void> {
    await this.acceptance.expireConditions(em, deadline.entityId);
  }

  @OnDeadline(ACCEPTANCE_CONDITIONS_REMINDER)
  async conditionsReminder(deadline: DueDeadline, em: EntityManager): Promise<void> {
    await this.acceptance.remindConditions(em, deadline.entityId, hoursBefore(deadline));
  }
}
