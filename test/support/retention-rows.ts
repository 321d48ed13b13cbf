import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { insertOrganization, insertUser } from './identity-rows';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What a seeded row should do under the default retention: move to the archive, or stay. */
export interface SeededRows {
  /** Primary-key text (`id`, or the key columns joined with `|`) by table. */
  archived: Record<string, string[]>;
  kept: Record<string, string[]>;
}

/** The key text of a row of each table, as `keyOf` in the spec selects it. */
export const KEY_SQL: Record<string, string> = {
  outbox_events: `id::text`,
  processed_events: `event_id::text || '|' || handler`,
  webhook_deliveries: `id::text`,
  webhook_delivery_attempts: `id::text`,
  mail_messages: `id::text`,
  idempotency_keys: `scope || '|' || key`,
};

/**
 * Rows of every archived table around the default retentions (30 days events and deliveries, 90
 * mail, idempotency keys 7 days past expiry), `copies` of each kind: settled and old (archived), and
 * young, or old but still needed (kept): undelivered events and their processed_events, pending
 * deliveries, unsent mail, live and recently expired keys.
 */
export async function seedRetentionRows(db: DataSource, now: Date, copies = 1): Promise<SeededRows> {
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const seeded: SeededRows = { archived: {}, kept: {} };
  const note = (fate: 'archived' | 'kept', table: string, key: string) =>
    (seeded[fate][table] ??= []).push(key);
  const organizationId = await insertOrganization(db, ago(400));
  const userId = await insertUser(db, organizationId, {}, ago(400));
  const [subscription] = await db.query<Array<{ id: string }>>(
    `INSERT INTO webhook_subscriptions (owner_user_id, url, event_types, secret, created_at, updated_at)
     VALUES ($1, 'https://hooks.example.cn/x', '{challenge.published}', 's', $2, $2) RETURNING id`,
    [userId, ago(400)],
  );

  for (let copy = 0; copy < copies; copy++) {
    // Events: [delivered_at, published_at, fate]; each has one processed_events row of the same age.
    for (const [deliveredDays, fate] of [
      [40, 'archived'],
      [1, 'kept'],
      [null, 'kept'],
    ] as const) {
      const id = randomUUID();
      const at = ago(deliveredDays ?? 40);
      await db.query(
        `INSERT INTO outbox_events (id, type, aggregate_type, aggregate_id, data, occurred_at, published_at, delivered_at)
         VALUES ($1, 'test.happened', 'test', $4, '{}', $2, $2, $3)`,
        [id, at, deliveredDays === null ? null : at, id],
      );
      await db.query(
        `INSERT INTO processed_events (event_id, handler, processed_at) VALUES ($1, 'T.h', $2)`,
        [id, at],
      );
      note(fate, 'outbox_events', id);
      note(fate, 'processed_events', `${id}|T.h`);
    }

    // Webhook deliveries with two attempts each: [status, updated days ago, fate].
    for (const [status, days, fate] of [
      ['succeeded', 40, 'archived'],
      ['failed', 40, 'archived'],
      ['pending', 40, 'kept'],
      ['succeeded', 1, 'kept'],
    ] as const) {
      const at = ago(days);
      const [delivery] = await db.query<Array<{ id: string }>>(
        `INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, body, status, next_attempt_at, created_at, updated_at)
         VALUES ($1, $2, 'challenge.published', '{}', $3, $4, $5, $5) RETURNING id`,
        [subscription.id, randomUUID(), status, status === 'pending' ? at : null, at],
      );
      note(fate, 'webhook_deliveries', delivery.id);
      for (const number of [1, 2]) {
        const [attempt] = await db.query<Array<{ id: string }>>(
          `INSERT INTO webhook_delivery_attempts (delivery_id, attempt_number, chain, chain_attempt, attempted_at, outcome, latency_ms)
           VALUES ($1, $2, 0, $2, $3, 'failed', 5) RETURNING id`,
          [delivery.id, number, at],
        );
        note(fate, 'webhook_delivery_attempts', attempt.id);
      }
    }

    // Mail: [status, updated days ago, fate].
    for (const [status, days, fate] of [
      ['sent', 100, 'archived'],
      ['failed', 100, 'archived'],
      ['skipped', 100, 'archived'],
      ['queued', 100, 'kept'],
      ['sending', 100, 'kept'],
      ['sent', 10, 'kept'],
    ] as const) {
      const at = ago(days);
      const [mail] = await db.query<Array<{ id: string }>>(
        `INSERT INTO mail_messages (event_id, user_id, kind, to_address, locale, subject, body_text, status, created_at, updated_at)
         VALUES ($1, $2, 'test', 'a@example.cn', 'zh-CN', 's', 'b', $3, $4, $4) RETURNING id`,
        [randomUUID(), userId, status, at],
      );
      note(fate, 'mail_messages', mail.id);
    }

    // Idempotency keys, by days since expiry (negative: still live).
    for (const [expiredDays, fate] of [
      [10, 'archived'],
      [2, 'kept'],
      [-0.5, 'kept'],
    ] as const) {
      const key = randomUUID();
      const expires = ago(expiredDays);
      await db.query(
        `INSERT INTO idempotency_keys (scope, key, request_hash, status, response_status, locked_until, created_at, expires_at)
         VALUES ('test', $1, 'h', 'completed', 200, $2, $2, $3)`,
        [key, new Date(expires.getTime() - DAY_MS), expires],
      );
      note(fate, 'idempotency_keys', `test|${key}`);
    }
  }
  return seeded;
}
