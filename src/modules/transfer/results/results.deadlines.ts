import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OnDeadline } from '../../../infra/scheduler/deadline-handler';
import type { DueDeadline } from '../../../infra/scheduler/deadline-handler';
import { hoursBefore } from '../../../infra/scheduler/reminders';
import { UTILISATION_DEADLINES } from './results.constants';
import { ResultUtilisationService } from './result-utilisation.service';

/** The worker's side of utilisation reports: asked each year, reminded, overdue when unfiled (ADR 0059). */
@Injectable()
export class ResultsDeadlines {
  constructor(private readonly utilisation: ResultUtilisationService) {}

  @OnDeadline(UTILISATION_DEADLINES.request)
  async request(deadline: DueDeadline, em: EntityManager): Promise<void> {
    await this.utilisation.request(em, deadline.entityId);
  }

  @OnDeadline(UTILISATION_DEADLINES.due)
  async due(deadline: DueDeadline, em: EntityManager): Promise<void> {
    await this.utilisation.expire(em, deadline.entityId);
  }

  @OnDeadline(UTILISATION_DEADLINES.reminder)
  async reminder(deadline: DueDeadline, em: EntityManager): Promise<void> {
    await this.utilisation.remind(em, deadline.entityId, hoursBefore(deadline));
  }
}
