import { Injectable } from '@nestjs/common';
import { ReadReplicas } from '../../../infra/database/read-replicas';
import { EntityManager } from 'typeorm';
import { PUBLIC_NEED_STATUSES } from '../../transfer/needs/needs-status';

export type FeedKind = 'needs' | 'results' | 'contracts';

export interface FeedKey {
  id: string;
  /** updated_at to the microsecond, UTC (`2027-03-01T02:00:00.123456Z`): the cursor. */
  changedKey: string;
}

/** Which rows each feed publishes: public needs, published results, registered contracts. */
const FEEDS: Record<FeedKind, { table: string; condition: string; params: unknown[] }> = {
  needs: { table: 'needs', condition: 'status::text = ANY($2::text[])', params: [PUBLIC_NEED_STATUSES] },
  results: { table: 'results', condition: `status = 'published'`, params: [] },
  contracts: { table: 'technology_contracts', condition: `status = 'registered'`, params: [] },
};

/**
 * The pages of the open-data JSON feeds of the transfer loop (ADR 0062): a keyset over
 * (updated_at, id) of the published rows (ix_<table>_updated). The rows themselves are read by the
 * transfer modules' own repositories, in the same snapshot.
 */
@Injectable()
export class TransferFeedRepository {
  constructor(private readonly replicas: ReadReplicas) {}

  /**
   * Runs `fn` in one read-only REPEATABLE READ transaction: a page and its rows are one snapshot.
   * On a read replica within its staleness bound when there is one (ADR 0065).
   */
  snapshot<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.replicas.snapshot(fn);
  }

  /** Up to `limit` published rows of the feed changed at or after `since`, after the cursor, oldest change first. */
  async page(
    em: EntityManager,
    kind: FeedKind,
    options: { since?: Date; after?: FeedKey; limit: number },
  ): Promise<FeedKey[]> {
    const feed = FEEDS[kind];
    const params: unknown[] = [options.limit, ...feed.params];
    const conditions = [feed.condition];
    if (options.since) conditions.push(`updated_at >= $${params.push(options.since)}`);
    if (options.after) {
      const key = params.push(options.after.changedKey);
      const id = params.push(options.after.id);
      conditions.push(`(updated_at, id) > ($${key}::timestamptz, $${id}::uuid)`);
    }
    const rows = await em.query<Array<{ id: string; changed_key: string }>>(
      `SELECT id, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS changed_key
       FROM ${feed.table} WHERE ${conditions.join(' AND ')}
       ORDER BY updated_at, id LIMIT $1`,
      params,
    );
    return rows.map((r) => ({ id: r.id, changedKey: r.changed_key }));
  }
}
