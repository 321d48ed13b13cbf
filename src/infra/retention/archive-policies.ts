import type { AppConfig } from '../config/config';

/**
 * One growing table the retention job archives (docs/adr/0068): rows for which `due` holds move to
 * `archive.<table>`, with the rows of `children` that reference them.
 */
export interface ArchivePolicy {
  table: string;
  /**
   * SQL over the live row (alias `t`): settled, so nothing reads or changes it any more, and older
   * than the cutoff `$1` (now less the retention). Undelivered events, pending deliveries, unsent
   * mail and live idempotency keys never match.
   */
  due: string;
  retentionDays(config: AppConfig): number;
  /** Tables whose rows reference this one (ON DELETE CASCADE): moved first, in the same transaction. */
  children?: Array<{ table: string; foreignKey: string }>;
}

export const ARCHIVE_POLICIES: ArchivePolicy[] = [
  {
    table: 'outbox_events',
    due: `t.delivered_at IS NOT NULL AND t.delivered_at < $1`,
    retentionDays: (config) => config.RETENTION_OUTBOX_DAYS,
  },
  {
    // The at-most-once guard of an event's handlers: kept while its event may still be dispatched.
    table: 'processed_events',
    due: `t.processed_at < $1 AND NOT EXISTS (
            SELECT 1 FROM outbox_events o WHERE o.id = t.event_id AND o.delivered_at IS NULL)`,
    retentionDays: (config) => config.RETENTION_OUTBOX_DAYS,
  },
  {
    table: 'webhook_deliveries',
    due: `t.status <> 'pending' AND t.updated_at < $1`,
    retentionDays: (config) => config.RETENTION_WEBHOOK_DELIVERIES_DAYS,
    children: [{ table: 'webhook_delivery_attempts', foreignKey: 'delivery_id' }],
  },
  {
    table: 'mail_messages',
    due: `t.status NOT IN ('queued', 'sending') AND t.updated_at < $1`,
    retentionDays: (config) => config.RETENTION_MAIL_DAYS,
  },
  {
    // Expired keys are answered as new requests; an expired one is archived the retention later.
    table: 'idempotency_keys',
    due: `t.expires_at < $1`,
    retentionDays: (config) => config.RETENTION_IDEMPOTENCY_DAYS,
  },
];

/** Every table with an `archive.<table>` twin (the policies' tables and their children). */
export function archivedTables(policies: ArchivePolicy[] = ARCHIVE_POLICIES): string[] {
  return policies.flatMap((p) => [p.table, ...(p.children ?? []).map((c) => c.table)]);
}
