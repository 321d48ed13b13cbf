import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { EntityManager } from 'typeorm';
import { OnDomainEvent } from '../../../infra/events/domain-event-handler';
import type { DeliveredEvent } from '../../../infra/events/domain-event-handler';
import { NOTIFICATION_RULES, NOTIFIED_EVENT_TYPES } from './notification-rules';
import { NotificationsService } from './notifications.service';

/** Turns domain events into in-app notifications, by the table in notification-rules.ts. */
@Injectable()
export class NotificationEventsHandler {
  constructor(private readonly notifications: NotificationsService) {}

  @OnDomainEvent(...NOTIFIED_EVENT_TYPES)
  async notify(event: DeliveredEvent, em: EntityManager): Promise<void> {
    const rules = NOTIFICATION_RULES.filter((rule) => rule.event === event.type);
    if (!rules.length) throw new UnrecoverableError(`No notification rule for ${event.type}`);
    for (const rule of rules) await this.notifications.notifyByRule(em, rule, event);
  }
}
