import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../infra/clock/clock';
import { DomainError } from '../errors/domain-error';
import { JsonObject, JsonValue } from '../json';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

/** How long an answer is replayed. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a request may hold its key before it counts as abandoned (its process died). */
export const IDEMPOTENCY_LOCK_MS = 60 * 1000;

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; status: number; body: JsonValue | null; headers: Record<string, string> | null };

/** Stable across key order: `{"a":1,"b":2}` and `{"b":2,"a":1}` are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function requestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${url}\n${canonicalJson(body)}`)
    .digest('hex');
}

@Injectable()
export class IdempotencyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Claims the key for this request, or says what to answer instead: the stored answer (same
   * request), 422 IDEMPOTENCY_KEY_REUSED (another request), 409 IDEMPOTENCY_KEY_IN_USE (the same
   * request still running). The claim is committed before the handler runs, so a concurrent
   * duplicate sees it.
   */
  async claim(scope: string, key: string, hash: string): Promise<Claim> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.clock.now();
      const claimed: unknown[] = await this.dataSource.query(
        `INSERT INTO idempotency_keys (scope, key, request_hash, status, locked_until, created_at, expires_at)
         VALUES ($1, $2, $3, 'in_progress', $4, $5, $6)
         ON CONFLICT (scope, key) DO UPDATE SET
           request_hash = EXCLUDED.request_hash, status = 'in_progress', locked_until = EXCLUDED.locked_until,
           created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at,
           response_status = NULL, response_body = NULL, response_headers = NULL
         WHERE idempotency_keys.expires_at <= $5
            OR (idempotency_keys.status = 'in_progress' AND idempotency_keys.locked_until <= $5
                AND idempotency_keys.request_hash = EXCLUDED.request_hash)
         RETURNING 1`,
        [
          scope,
          key,
          hash,
          new Date(now.getTime() + IDEMPOTENCY_LOCK_MS),
          now,
          new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
        ],
      );
      if (claimed.length) return { kind: 'claimed' };
      type Stored = Pick<
        IdempotencyKeyEntity,
        'requestHash' | 'status' | 'responseStatus' | 'responseBody'
      > & {
        responseHeaders: Record<string, string> | null;
      };
      const [existing] = await this.dataSource.query<Stored[]>(
        `SELECT request_hash AS "requestHash", status, response_status AS "responseStatus",
                response_body AS "responseBody", response_headers AS "responseHeaders"
         FROM idempotency_keys WHERE scope = $1 AND key = $2`,
        [scope, key],
      );
      if (!existing) continue; // released between our insert and read: try again
      if (existing.requestHash !== hash) {
        throw new DomainError(
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was already used with a different request; use a new key for a new request',
        );
      }
      if (existing.status === 'in_progress') {
        throw new DomainError(
          'IDEMPOTENCY_KEY_IN_USE',
          'The first request with this Idempotency-Key is still running',
          {
            headers: { 'Retry-After': '1' },
          },
        );
      }
      return {
        kind: 'replay',
        status: existing.responseStatus ?? 200,
        body: existing.responseBody,
        headers: existing.responseHeaders,
      };
    }
    throw new DomainError('IDEMPOTENCY_KEY_IN_USE', 'The Idempotency-Key is contended; retry', {
      headers: { 'Retry-After': '1' },
    });
  }

  async complete(
    scope: string,
    key: string,
    status: number,
    body: JsonValue | null,
    headers: JsonObject,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET status = 'completed', response_status = $3, response_body = $4, response_headers = $5
       WHERE scope = $1 AND key = $2 AND status = 'in_progress'`,
      [scope, key, status, JSON.stringify(body), JSON.stringify(headers)],
    );
  }

  /** The request failed: forget the key, so that the caller may retry with it. */
  async release(scope: string, key: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status = 'in_progress'`,
      [scope, key],
    );
  }
}
