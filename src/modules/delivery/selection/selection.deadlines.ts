import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OnDeadline } from '../../../infra/scheduler/deadline-handler';
import type { DueDeadline } from '../../../infra/scheduler/deadline-handler';
import { hoursBefore } from '../../../infra/scheduler/reminders';
import { SelectionService } from './selection.service';
import { PUBLICITY_END_DEADLINE, PUBLICITY_END_REMINDER } from './selection.views';

/** The worker's side of publicity: reminders before its end; at its end the award is finalized, once (ADR 0026). */
@Injectable()
export class SelectionDeadlines {
  constructor(private readonly selection: SelectionService) {}

  @OnDeadline(PUBLICITY_END_DEADLINE)
  async publicityEnd(deadline: DueDeadline, em: EntityManager): Promise<void> {
    await this.selection.finalizeByDeadline(em, deadline.entityId);
  }

  @OnDeadline(PUBLICITY_END_REMINDER)
  publicityEndReminder(deadline: DueDeadline, em: EntityManager): Promise<void> {
    return this.selection.remindPublicityEnd(em, deadline.entityId, hoursBefore(deadline));
  }
}
