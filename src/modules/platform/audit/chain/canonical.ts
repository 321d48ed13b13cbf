import { createHash } from 'node:crypto';

/** The `prev_hash` of the chain's first seal: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Canonical JSON in the manner of RFC 8785 (JCS): no whitespace, object keys sorted by UTF-16 code
 * units, strings escaped as `JSON.stringify` does, arrays in order. Refuses what JSON cannot say
 * (undefined, functions, NaN, Infinity, bigint) rather than silently dropping it, so two different
 * values never share a text.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'object':
      if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
      return canonicalObject(value as Record<string, unknown>);
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
  }
}

function canonicalObject(value: Record<string, unknown>): string {
  const keys = Object.keys(value).sort();
  const members = keys.map((key) => {
    if (value[key] === undefined) throw new TypeError(`canonicalJson: "${key}" is undefined`);
    return `${JSON.stringify(key)}:${canonicalJson(value[key])}`;
  });
  return `{${members.join(',')}}`;
}

/**
 * Every column of an audit_events row as the chain hashes it: each value the exact text PostgreSQL
 * gives for it (uuids and ids as text, the time in UTC with microseconds, jsonb in its own canonical
 * output form), or null. Text rather than parsed values, so nothing is rounded (a jsonb number past
 * 2^53, a timestamp's microseconds) and a change of any of them changes the hash.
 */
export interface AuditRowContent {
  id: string;
  txId: string | null;
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  actorOrganizationId: string | null;
  action: string;
  objectType: string;
  objectId: string;
  before: string | null;
  after: string | null;
  requestId: string | null;
}

/** The audit_events columns the chain covers, by name: the verifier refuses a table with others. */
export const CHAINED_COLUMNS: Record<keyof AuditRowContent, string> = {
  id: 'id',
  txId: 'tx_id',
  occurredAt: 'occurred_at',
  actorType: 'actor_type',
  actorId: 'actor_id',
  actorOrganizationId: 'actor_organization_id',
  action: 'action',
  objectType: 'object_type',
  objectId: 'object_id',
  before: 'before',
  after: 'after',
  requestId: 'request_id',
};

/** A seal's hash: SHA-256 (hex) of the predecessor's hash followed by the row's canonical JSON. */
export function sealHash(prevHash: string, content: AuditRowContent): string {
  return createHash('sha256').update(prevHash, 'utf8').update(canonicalJson(content), 'utf8').digest('hex');
}

/** The UTC calendar day (`YYYY-MM-DD`) of a time: checkpoints are per day of sealing. */
export function utcDay(time: Date): string {
  return time.toISOString().slice(0, 10);
}
