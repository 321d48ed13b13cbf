import { decodeCursor, DEFAULT_LIMIT, encodeCursor, Page } from '../../../common/pagination/pagination';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Principal } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { DeliveredEvent } from '../../../infra/events/domain-event-handler';
import { Clock } from '../../../infra/clock/clock';
import { NotificationRule } from './notification-rules';
import { NotificationRow, NotificationsRepository } from './notifications.repository';

export type NotificationPage = Page<NotificationRow>;

function userIdOf(principal: Principal): string {
  if (principal.kind !== 'user') throw new DomainError('FORBIDDEN', 'Notifications belong to users');
  return principal.userId;
}

/** The keyset position of a cursor: created_at (microseconds kept, as text) and id. */
function afterPosition(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = decodeCursor(cursor, 2);
  if (typeof createdAt !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(createdAt))) {
    throw DomainError.validation([{ field: 'cursor', message: 'cursor is not valid' }]);
  }
  return { createdAt, id };
}

@Injectable()
export class NotificationsService {
  constructor(
    private readonly repository: NotificationsRepository,
    private readonly clock: Clock,
  ) {}

  async listOwn(
    principal: Principal,
    query: { limit?: number; cursor?: string; unread?: boolean },
  ): Promise<NotificationPage> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const rows = await this.repository.findPageOfUser(userIdOf(principal), {
      limit: limit + 1,
      unreadOnly: query.unread === true,
      after: query.cursor ? afterPosition(query.cursor) : undefined,
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit ? encodeCursor([last.position, last.id]) : null };
  }

  /** Only the caller's own: another user's notification is NOT_FOUND, as if it did not exist. */
  async markRead(principal: Principal, id: string): Promise<NotificationRow> {
    const row = await this.repository.markReadOfUser(userIdOf(principal), id, this.clock.now());
    if (!row) throw DomainError.notFound('Notification');
    return row;
  }

  /** Applies a rule to an event inside the event handler's transaction. */
  async notifyByRule(em: EntityManager, rule: NotificationRule, event: DeliveredEvent): Promise<void> {
    const userIds = [...new Set(await rule.recipients(event, em))];
    const now = this.clock.now();
    await this.repository.insertIgnoringDuplicates(
      em,
      userIds.map((userId) => ({
        userId,
        kind: event.type,
        title: rule.title(event),
        body: rule.body(event),
        data: event.data,
        eventId: event.id,
        createdAt: now,
      })),
    );
  }
}
