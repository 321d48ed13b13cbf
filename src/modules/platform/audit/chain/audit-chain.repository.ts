import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditRowContent, CHAINED_COLUMNS } from './canonical';

/** A transaction's EntityManager or the DataSource: whatever can run a query. */
export type Queryable = Pick<EntityManager, 'query'>;

/** The select list giving a row's content as the chain hashes it (see AuditRowContent). */
export function contentColumns(alias: string, prefix = ''): string {
  const as = (name: string): string => `"${prefix}${name}"`;
  return [
    `${alias}.id::text AS ${as('id')}`,
    `${alias}.tx_id::text AS ${as('txId')}`,
    `to_char(${alias}.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ${as('occurredAt')}`,
    `${alias}.actor_type AS ${as('actorType')}`,
    `${alias}.actor_id::text AS ${as('actorId')}`,
    `${alias}.actor_organization_id::text AS ${as('actorOrganizationId')}`,
    `${alias}.action AS ${as('action')}`,
    `${alias}.object_type AS ${as('objectType')}`,
    `${alias}.object_id AS ${as('objectId')}`,
    `${alias}.before::text AS ${as('before')}`,
    `${alias}.after::text AS ${as('after')}`,
    `${alias}.request_id AS ${as('requestId')}`,
  ].join(', ');
}

const CONTENT_KEYS = Object.keys(CHAINED_COLUMNS) as Array<keyof AuditRowContent>;

/** The content of `row` under `prefix`, or null when that copy is absent (a LEFT JOIN's nulls). */
export function pickContent(row: Record<string, string | null>, prefix: string): AuditRowContent | null {
  if (row[`${prefix}id`] === null || row[`${prefix}id`] === undefined) return null;
  const content = {} as Record<keyof AuditRowContent, string | null>;
  for (const key of CONTENT_KEYS) content[key] = row[`${prefix}${key}`] ?? null;
  return content as AuditRowContent;
}

export interface ChainHead {
  lastSeq: number;
  lastHash: string;
  lastSealedAt: Date | null;
  /** Every transaction below this id had ended at the sealer's last complete run; null: scan all. */
  horizon: string | null;
  archivedThroughSeq: number;
}

export interface NewSeal {
  seq: number;
  auditEventId: string;
  prevHash: string;
  hash: string;
  sealedAt: Date;
}

export interface Checkpoint {
  firstSeq: number;
  lastSeq: number;
  day: string;
  headHash: string;
  rowCount: number;
  createdAt: Date;
}

/** One seal with the content of its row in audit_events (`live`) and in the archive (`archived`). */
export interface SealedRow {
  seq: number;
  auditEventId: string;
  prevHash: string;
  hash: string;
  live: AuditRowContent | null;
  archived: AuditRowContent | null;
}

interface HeadRow {
  last_seq: string;
  last_hash: string;
  last_sealed_at: Date | null;
  horizon: string | null;
  archived_through_seq: string;
}

interface CheckpointRow {
  first_seq: string;
  last_seq: string;
  day: string;
  head_hash: string;
  row_count: number;
  created_at: Date;
}

const toCheckpoint = (row: CheckpointRow): Checkpoint => ({
  firstSeq: Number(row.first_seq),
  lastSeq: Number(row.last_seq),
  day: row.day,
  headHash: row.head_hash,
  rowCount: row.row_count,
  createdAt: row.created_at,
});

const CHECKPOINT_COLUMNS = `first_seq, last_seq, to_char(day, 'YYYY-MM-DD') AS day, head_hash, row_count, created_at`;

/**
 * The hash chain's tables (ADR 0046): audit_seals (append-only), audit_chain_head (one row, written
 * by the sealer and the archiver only, under its row lock), audit_checkpoints (append-only) and
 * audit_events_archive (append-only); and the reads of audit_events the chain needs.
 */
@Injectable()
export class AuditChainRepository {
  /** The head, locked for this transaction; null when another sealer or archiver holds it. */
  async lockHead(em: Queryable): Promise<ChainHead | null> {
    const rows = await em.query<HeadRow[]>(
      `SELECT last_seq, last_hash, last_sealed_at, horizon, archived_through_seq
         FROM audit_chain_head WHERE id = 1 FOR UPDATE SKIP LOCKED`,
    );
    return rows.length ? this.toHead(rows[0]) : null;
  }

  async head(db: Queryable): Promise<ChainHead> {
    const rows = await db.query<HeadRow[]>(
      `SELECT last_seq, last_hash, last_sealed_at, horizon, archived_through_seq FROM audit_chain_head WHERE id = 1`,
    );
    if (!rows.length) throw new Error('audit_chain_head has no row: is the AuditChain migration applied?');
    return this.toHead(rows[0]);
  }

  async saveHead(em: Queryable, head: ChainHead): Promise<void> {
    await em.query(
      `UPDATE audit_chain_head
          SET last_seq = $1, last_hash = $2, last_sealed_at = $3, horizon = $4, archived_through_seq = $5
        WHERE id = 1`,
      [head.lastSeq, head.lastHash, head.lastSealedAt, head.horizon, head.archivedThroughSeq],
    );
  }

  /** The oldest transaction id still running anywhere in the cluster (pg_current_snapshot's xmin). */
  async snapshotXmin(em: Queryable): Promise<string> {
    const [row] = await em.query<Array<{ xmin: string }>>(
      `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin`,
    );
    return row.xmin;
  }

  /**
   * Committed rows without a seal, in the chain's order (transaction, time, id): those of
   * transactions from `horizon` on, or all of them when the horizon is null.
   */
  async unsealed(em: Queryable, horizon: string | null, limit: number): Promise<AuditRowContent[]> {
    const scope = horizon === null ? 'TRUE' : 'e.tx_id >= $2';
    return em.query<AuditRowContent[]>(
      `SELECT ${contentColumns('e')} FROM audit_events e
        WHERE ${scope} AND NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.audit_event_id = e.id)
        ORDER BY e.tx_id NULLS FIRST, e.occurred_at, e.id
        LIMIT $1`,
      horizon === null ? [limit] : [limit, horizon],
    );
  }

  async insertSeals(em: Queryable, seals: NewSeal[]): Promise<void> {
    if (!seals.length) return;
    await em.query(
      `INSERT INTO audit_seals (seq, audit_event_id, prev_hash, hash, sealed_at)
       SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[])`,
      [
        seals.map((s) => s.seq),
        seals.map((s) => s.auditEventId),
        seals.map((s) => s.prevHash),
        seals.map((s) => s.hash),
        seals.map((s) => s.sealedAt.toISOString()),
      ],
    );
  }

  async lastCheckpoint(db: Queryable): Promise<Checkpoint | null> {
    const rows = await db.query<CheckpointRow[]>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY last_seq DESC LIMIT 1`,
    );
    return rows.length ? toCheckpoint(rows[0]) : null;
  }

  async insertCheckpoint(em: Queryable, checkpoint: Checkpoint): Promise<void> {
    await em.query(
      `INSERT INTO audit_checkpoints (first_seq, last_seq, day, head_hash, row_count, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        checkpoint.firstSeq,
        checkpoint.lastSeq,
        checkpoint.day,
        checkpoint.headHash,
        checkpoint.rowCount,
        checkpoint.createdAt,
      ],
    );
  }

  /** Checkpoints ending within [fromSeq, toSeq], in order. */
  async checkpointsEndingIn(db: Queryable, fromSeq: number, toSeq: number): Promise<Checkpoint[]> {
    const rows = await db.query<CheckpointRow[]>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE last_seq BETWEEN $1 AND $2 ORDER BY last_seq`,
      [fromSeq, toSeq],
    );
    return rows.map(toCheckpoint);
  }

  /** The first checkpoint past `afterSeq` whose day is before `beforeDay`: the next to archive. */
  async archivableCheckpoint(em: Queryable, afterSeq: number, beforeDay: string): Promise<Checkpoint | null> {
    const rows = await em.query<CheckpointRow[]>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints
        WHERE last_seq > $1 AND day < $2 ORDER BY last_seq LIMIT 1`,
      [afterSeq, beforeDay],
    );
    return rows.length ? toCheckpoint(rows[0]) : null;
  }

  /** Seals from `fromSeq` to `toSeq` (at most `limit`), each with its row's live and archived copy. */
  async sealedRows(db: Queryable, fromSeq: number, toSeq: number, limit: number): Promise<SealedRow[]> {
    const rows = await db.query<Array<Record<string, string | null>>>(
      `SELECT s.seq::text AS seq, s.audit_event_id::text AS "auditEventId", s.prev_hash AS "prevHash",
              s.hash, ${contentColumns('e', 'l_')}, ${contentColumns('a', 'a_')}
         FROM audit_seals s
         LEFT JOIN audit_events e ON e.id = s.audit_event_id
         LEFT JOIN audit_events_archive a ON a.id = s.audit_event_id
        WHERE s.seq BETWEEN $1 AND $2
        ORDER BY s.seq LIMIT $3`,
      [fromSeq, toSeq, limit],
    );
    return rows.map((row) => ({
      seq: Number(row.seq),
      auditEventId: row.auditEventId!,
      prevHash: row.prevHash!,
      hash: row.hash!,
      live: pickContent(row, 'l_'),
      archived: pickContent(row, 'a_'),
    }));
  }

  /** The hash of seal `seq`, or null when there is no such seal. */
  async sealHashAt(db: Queryable, seq: number): Promise<string | null> {
    const rows = await db.query<Array<{ hash: string }>>(`SELECT hash FROM audit_seals WHERE seq = $1`, [
      seq,
    ]);
    return rows[0]?.hash ?? null;
  }

  /**
   * The first row that should have been sealed and was not: its transaction ended before the
   * horizon (or it predates the chain), yet no seal names it.
   */
  async firstUnsealedBehind(db: Queryable, horizon: string): Promise<AuditRowContent | null> {
    const rows = await db.query<AuditRowContent[]>(
      `SELECT ${contentColumns('e')} FROM audit_events e
        WHERE (e.tx_id IS NULL OR e.tx_id < $1)
          AND NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.audit_event_id = e.id)
        ORDER BY e.occurred_at, e.id LIMIT 1`,
      [horizon],
    );
    return rows[0] ?? null;
  }

  async countUnsealed(db: Queryable): Promise<number> {
    const [row] = await db.query<Array<{ n: string }>>(
      `SELECT count(*)::text AS n FROM audit_events e
        WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.audit_event_id = e.id)`,
    );
    return Number(row.n);
  }

  /** The column names of audit_events, to check that the chain covers every one of them. */
  async auditEventColumns(db: Queryable): Promise<string[]> {
    const rows = await db.query<Array<{ name: string }>>(
      `SELECT column_name AS name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'audit_events' ORDER BY ordinal_position`,
    );
    return rows.map((row) => row.name);
  }

  /** The latest occurred_at among the rows sealed from `fromSeq` to `toSeq` (null when none). */
  async latestOccurredAt(em: Queryable, fromSeq: number, toSeq: number): Promise<Date | null> {
    const [row] = await em.query<Array<{ latest: Date | null }>>(
      `SELECT max(e.occurred_at) AS latest FROM audit_seals s JOIN audit_events e ON e.id = s.audit_event_id
        WHERE s.seq BETWEEN $1 AND $2`,
      [fromSeq, toSeq],
    );
    return row.latest;
  }

  /**
   * Archival's one transaction (ADR 0046): copies the rows sealed from `fromSeq` to `toSeq` into
   * audit_events_archive, then deletes them from audit_events under the session setting the
   * table's trigger asks for (it lets a DELETE through only for a sealed row whose identical copy
   * is archived). Returns how many rows were copied and deleted.
   */
  async moveToArchive(
    em: Queryable,
    fromSeq: number,
    toSeq: number,
    archivedAt: Date,
  ): Promise<{ copied: number; deleted: number }> {
    const columns = `id, occurred_at, actor_type, actor_id, actor_organization_id, action, object_type,
      object_id, before, after, request_id, tx_id`;
    const [{ copied }] = await em.query<Array<{ copied: number }>>(
      `WITH copied AS (
         INSERT INTO audit_events_archive (${columns}, archived_at)
         SELECT ${columns.replace(/(\w+)/g, 'e.$1')}, $3
           FROM audit_seals s JOIN audit_events e ON e.id = s.audit_event_id
          WHERE s.seq BETWEEN $1 AND $2
         RETURNING 1)
       SELECT count(*)::int AS copied FROM copied`,
      [fromSeq, toSeq, archivedAt],
    );
    await em.query(`SELECT set_config('jiebang.audit_archival', 'on', true)`);
    const [, deleted] = await em.query<[unknown[], number]>(
      `DELETE FROM audit_events e USING audit_seals s
        WHERE s.audit_event_id = e.id AND s.seq BETWEEN $1 AND $2`,
      [fromSeq, toSeq],
    );
    await em.query(`SELECT set_config('jiebang.audit_archival', 'off', true)`);
    return { copied, deleted };
  }

  private toHead(row: HeadRow): ChainHead {
    return {
      lastSeq: Number(row.last_seq),
      lastHash: row.last_hash,
      lastSealedAt: row.last_sealed_at,
      horizon: row.horizon,
      archivedThroughSeq: Number(row.archived_through_seq),
    };
  }
}
