import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { MailStatus } from './entities/mail-message.entity';
import { MAIL_MESSAGE_MACHINE, MailMessageAction } from './mail-message-status';

/** A recipient as the mail handler sees them: address, language, opt-outs, whether enabled. */
export interface MailAddressee {
  id: string;
  email: string;
  display_name: string;
  locale: string;
  enabled: boolean;
  email_opt_outs: string[];
}

export interface NewMail {
  eventId: string;
  userId: string;
  kind: string;
  toAddress: string;
  locale: string;
  subject: string;
  bodyText: string;
  status: MailStatus;
  lastError: string | null;
  createdAt: Date;
}

/** A row claimed for sending. */
export interface ClaimedMail {
  id: string;
  to_address: string;
  subject: string;
  body_text: string;
  attempts: number;
}

export interface UnsentMail {
  id: string;
  created_at: Date;
}

export interface PreferencesRow {
  locale: string;
  email_opt_outs: string[] | null;
  version: number | null;
  updated_at: Date | null;
}

const PAGE = 500;

/** mail_messages and mail_preferences, by intention. */
@Injectable()
export class MailRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The users, with their e-mail preferences (none: no opt-outs). */
  async addressees(em: EntityManager, userIds: string[]): Promise<MailAddressee[]> {
    if (!userIds.length) return [];
    return em.query(
      `SELECT u.id, u.email, u.display_name, u.locale, u.enabled,
              coalesce(p.email_opt_outs, '{}'::text[]) AS email_opt_outs
       FROM users u LEFT JOIN mail_preferences p ON p.user_id = u.id
       WHERE u.id = ANY($1::uuid[]) ORDER BY u.id`,
      [userIds],
    );
  }

  /**
   * Inserts the mails of an event; a (event, user) pair already there is left alone (a redelivered
   * event mails nobody twice). Returns the ids inserted now, with their status.
   */
  async insertNew(em: EntityManager, mails: NewMail[]): Promise<Array<{ id: string; status: MailStatus }>> {
    if (!mails.length) return [];
    const columns = [
      'event_id',
      'user_id',
      'kind',
      'to_address',
      'locale',
      'subject',
      'body_text',
      'status',
      'last_error',
      'created_at',
      'updated_at',
    ];
    const params: unknown[] = [];
    const tuples = mails.map((m) => {
      const values = [
        m.eventId,
        m.userId,
        m.kind,
        m.toAddress,
        m.locale,
        m.subject,
        m.bodyText,
        m.status,
        m.lastError,
        m.createdAt,
        m.createdAt,
      ];
      const start = params.length;
      params.push(...values);
      return `(${values.map((_, i) => `$${start + i + 1}`).join(', ')})`;
    });
    return em.query(
      `INSERT INTO mail_messages (${columns.join(', ')}) VALUES ${tuples.join(', ')}
       ON CONFLICT (event_id, user_id) DO NOTHING RETURNING id, status`,
      params,
    );
  }

  /**
   * Inserts the one mail of an account event (ADR 0045), to a user or to an address that is no
   * user yet (`userId` null); a redelivered event inserts nothing. The id, or null when there.
   */
  async insertAccountMail(
    em: EntityManager,
    mail: Omit<NewMail, 'userId'> & { userId: string | null },
  ): Promise<{ id: string; status: MailStatus } | null> {
    const [row] = await em.query<Array<{ id: string; status: MailStatus }>>(
      `INSERT INTO mail_messages (event_id, user_id, kind, to_address, locale, subject, body_text, status,
                                  last_error, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
       ON CONFLICT DO NOTHING RETURNING id, status`,
      [
        mail.eventId,
        mail.userId,
        mail.kind,
        mail.toAddress,
        mail.locale,
        mail.subject,
        mail.bodyText,
        mail.status,
        mail.lastError,
        mail.createdAt,
      ],
    );
    return row ?? null;
  }

  /**
   * Takes the one-time links out of the body of an account mail that is sent or failed for good
   * (ADR 0045): the row stays the record of what was sent, without a token anyone could still use.
   */
  async redactLinks(id: string, kinds: readonly string[], redacted: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE mail_messages SET body_text = regexp_replace(body_text, '([?&]token=)[A-Za-z0-9_-]+', $3, 'g')
       WHERE id = $1 AND kind = ANY($2) AND status IN ('sent', 'failed')`,
      [id, kinds, `\\1${redacted}`],
    );
  }

  /**
   * Claims a row for one SMTP attempt: a conditional UPDATE that only one job run can win, from
   * `queued`, or from a `sending` whose claim is older than `staleBefore` (its run died mid-send).
   * Null when the row is not there to send (sent, failed, skipped, or claimed by a live run).
   */
  async claim(id: string, now: Date, staleBefore: Date): Promise<ClaimedMail | null> {
    const [rows] = await this.dataSource.query<[ClaimedMail[], number]>(
      `UPDATE mail_messages SET status = $4, attempts = attempts + 1, claimed_at = $2, updated_at = $2
       WHERE id = $1 AND status = ANY($5) AND (status <> $4 OR claimed_at < $3)
       RETURNING id, to_address, subject, body_text, attempts`,
      [
        id,
        now,
        staleBefore,
        MAIL_MESSAGE_MACHINE.target('queued', 'claim'),
        MAIL_MESSAGE_MACHINE.sourcesOf('claim'),
      ],
    );
    return rows[0] ?? null;
  }

  async statusOf(id: string): Promise<{ status: MailStatus; claimed_at: Date | null } | null> {
    const [row] = await this.dataSource.query<Array<{ status: MailStatus; claimed_at: Date | null }>>(
      `SELECT status, claimed_at FROM mail_messages WHERE id = $1`,
      [id],
    );
    return row ?? null;
  }

  /**
   * Ends the claim of this run, named by the attempt number its claim set (a later claim of a
   * stale row moves it on, so a late finish of the old run changes nothing): sent, failed, or back
   * to queued for the job's retry, as the mail machine's row for `action` says.
   */
  async finish(
    id: string,
    attempt: number,
    action: Extract<MailMessageAction, 'send' | 'fail' | 'requeue'>,
    now: Date,
    error: string | null,
  ): Promise<boolean> {
    const to = MAIL_MESSAGE_MACHINE.target('sending', action);
    const [, count] = await this.dataSource.query<[unknown[], number]>(
      `UPDATE mail_messages
       SET status = $3, last_error = coalesce($5, last_error), updated_at = $4,
           sent_at = CASE WHEN $3 = 'sent' THEN $4 ELSE sent_at END,
           claimed_at = CASE WHEN $3 = 'queued' THEN NULL ELSE claimed_at END
       WHERE id = $1 AND status = ANY($6) AND attempts = $2`,
      [id, attempt, to, now, error, MAIL_MESSAGE_MACHINE.sourcesOf(action)],
    );
    return count === 1;
  }

  /** Rows still to send (queued, or sending with a claim older than `staleBefore`), created before `before`. */
  async *unsent(before: Date, staleBefore: Date): AsyncGenerator<UnsentMail> {
    let after: string | null = null;
    for (;;) {
      const rows: UnsentMail[] = await this.dataSource.query(
        `SELECT id, created_at FROM mail_messages
         WHERE status IN ('queued', 'sending') AND created_at <= $2
           AND (status = 'queued' OR claimed_at < $3)
           AND ($1::uuid IS NULL OR id > $1::uuid)
         ORDER BY id LIMIT ${PAGE}`,
        [after, before, staleBefore],
      );
      yield* rows;
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1].id;
    }
  }

  // — preferences —

  /** The user's locale and e-mail preferences (null columns: no row yet); `lock` holds the user row. */
  async preferencesOf(em: EntityManager, userId: string, lock = false): Promise<PreferencesRow | null> {
    if (lock) await em.query(`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, [userId]);
    const [row] = await em.query<PreferencesRow[]>(
      `SELECT u.locale, p.email_opt_outs, p.version, p.updated_at
       FROM users u LEFT JOIN mail_preferences p ON p.user_id = u.id WHERE u.id = $1`,
      [userId],
    );
    return row ?? null;
  }

  async savePreferences(
    em: EntityManager,
    userId: string,
    emailOptOuts: string[],
    version: number,
    now: Date,
  ): Promise<void> {
    await em.query(
      `INSERT INTO mail_preferences (user_id, email_opt_outs, version, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id) DO UPDATE
         SET email_opt_outs = EXCLUDED.email_opt_outs, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at`,
      [userId, emailOptOuts, version, now],
    );
  }
}
