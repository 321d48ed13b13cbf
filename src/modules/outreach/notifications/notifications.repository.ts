import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { JsonObject } from '../../../common/json';
import { NotificationEntity } from './entities/notification.entity';

export interface NotificationRow extends NotificationEntity {
  /** created_at at full (microsecond) precision, for the keyset cursor. */
  position: string;
}

interface RawRow {
  id: string;
  user_id: string;
  kind: string;
  title: string;
  body: string;
  data: JsonObject;
  event_id: string | null;
  read_at: Date | null;
  created_at: Date;
  position: string;
}

const COLUMNS = `id, user_id, kind, title, body, data, event_id, read_at, created_at,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS position`;

function toRow(raw: RawRow): NotificationRow {
  return Object.assign(new NotificationEntity(), {
    id: raw.id,
    userId: raw.user_id,
    kind: raw.kind,
    title: raw.title,
    body: raw.body,
    data: raw.data,
    eventId: raw.event_id,
    readAt: raw.read_at,
    createdAt: raw.created_at,
    position: raw.position,
  });
}

export type NewNotification = Pick<
  NotificationEntity,
  'userId' | 'kind' | 'title' | 'body' | 'data' | 'eventId' | 'createdAt'
>;

@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Newest first, strictly after the keyset position when given. */
  async findPageOfUser(
    userId: string,
    options: { limit: number; unreadOnly: boolean; after?: { createdAt: string; id: string } },
  ): Promise<NotificationRow[]> {
    const params: unknown[] = [userId];
    const where = ['user_id = $1'];
    if (options.unreadOnly) where.push('read_at IS NULL');
    if (options.after) {
      params.push(options.after.createdAt, options.after.id);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(options.limit);
    const rows: RawRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM notifications WHERE ${where.join(' AND ')}
       ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toRow);
  }

  /** Marks the user's own notification read (the first reading time is kept); null if none. */
  async markReadOfUser(userId: string, id: string, now: Date): Promise<NotificationRow | null> {
    const [rows] = await this.dataSource.query<[RawRow[], number]>(
      `UPDATE notifications SET read_at = COALESCE(read_at, $3)
       WHERE id = $1 AND user_id = $2 RETURNING ${COLUMNS}`,
      [id, userId, now],
    );
    return rows.length ? toRow(rows[0]) : null;
  }

  /** Inserts in the caller's transaction; a user already notified of the event is skipped. */
  async insertIgnoringDuplicates(em: EntityManager, rows: NewNotification[]): Promise<void> {
    if (!rows.length) return;
    await em.query(
      `INSERT INTO notifications (user_id, kind, title, body, data, event_id, created_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::uuid[], $7::timestamptz[])
       ON CONFLICT (user_id, event_id) DO NOTHING`,
      [
        rows.map((r) => r.userId),
        rows.map((r) => r.kind),
        rows.map((r) => r.title),
        rows.map((r) => r.body),
        rows.map((r) => JSON.stringify(r.data)),
        rows.map((r) => r.eventId),
        rows.map((r) => r.createdAt),
      ],
    );
  }
}
