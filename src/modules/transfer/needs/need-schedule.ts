import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DeadlineScheduler } from '../../../infra/scheduler/deadline.scheduler';
import type { NeedEntity } from './entities/need.entity';
import { NEED_DEADLINES, NEED_ENTITY, NEED_REMINDER_OFFSETS_HOURS } from './need-events';

/** A need's expiry at expiresAt and the reminders before it; moved together on renewal. */
@Injectable()
export class NeedSchedule {
  constructor(private readonly scheduler: DeadlineScheduler) {}

  async scheduleExpiry(em: EntityManager, need: NeedEntity): Promise<void> {
    const deadline = {
      entityType: NEED_ENTITY,
      entityId: need.id,
      kind: NEED_DEADLINES.expire,
      dueAt: need.expiresAt,
    };
    await this.scheduler.schedule(em, deadline);
    await this.scheduler.scheduleReminders(
      em,
      { ...deadline, kind: NEED_DEADLINES.expiryReminder },
      NEED_REMINDER_OFFSETS_HOURS,
    );
  }

  async cancelExpiry(em: EntityManager, id: string): Promise<void> {
    await this.scheduler.cancel(em, NEED_ENTITY, id, NEED_DEADLINES.expire);
    await this.scheduler.cancelReminders(em, NEED_ENTITY, id, NEED_DEADLINES.expiryReminder);
  }
}
