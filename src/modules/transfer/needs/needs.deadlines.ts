import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OnDeadline } from '../../../infra/scheduler/deadline-handler';
import type { DueDeadline } from '../../../infra/scheduler/deadline-handler';
import { hoursBefore } from '../../../infra/scheduler/reminders';
import { NEED_DEADLINES } from './need-events';
import { NeedLifecycle } from './need-lifecycle.service';

/** The worker's side of a need: it expires at expiresAt unless renewed, reminded before. */
@Injectable()
export class NeedDeadlines {
  constructor(private readonly needs: NeedLifecycle) {}

  @OnDeadline(NEED_DEADLINES.expire)
  expire(deadline: DueDeadline, em: EntityManager): Promise<void> {
    return this.needs.expireByDeadline(em, deadline.entityId, deadline.dueAt);
  }

  @OnDeadline(NEED_DEADLINES.expiryReminder)
  expiryReminder(deadline: DueDeadline, em: EntityManager): Promise<void> {
    return this.needs.remindExpiry(em, deadline.entityId, hoursBefore(deadline));
  }
}
