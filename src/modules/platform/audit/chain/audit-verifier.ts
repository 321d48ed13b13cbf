import { Injectable } from '@nestjs/common';
import { AuditChainRepository, Checkpoint, Queryable, SealedRow } from './audit-chain.repository';
import { AuditRowContent, CHAINED_COLUMNS, GENESIS_HASH, sealHash } from './canonical';

/** Why a link of the chain does not hold. */
export type BreakReason =
  'content_changed' | 'row_missing' | 'seal_missing' | 'link_broken' | 'checkpoint_mismatch' | 'not_sealed';

/** The first link that does not hold, naming the audit row where there is one. */
export interface ChainBreak {
  reason: BreakReason;
  /** The seal's sequence number (null for a row that was never sealed). */
  seq: number | null;
  auditEventId: string | null;
  action: string | null;
  occurredAt: string | null;
  detail: string;
}

export interface VerificationResult {
  ok: boolean;
  fromSeq: number;
  /** The last sequence number the walk covered (fromSeq - 1 when nothing was there to check). */
  toSeq: number;
  /** Seals checked. */
  checked: number;
  /** The hash of the last seal checked (compare it with a checkpoint recorded elsewhere). */
  lastHash: string | null;
  /** Of those, rows found in audit_events and in audit_events_archive. */
  live: number;
  archived: number;
  checkpoints: number;
  head: { seq: number; hash: string; archivedThroughSeq: number };
  /** Rows not sealed yet (only counted by a full verification). */
  unsealed: number | null;
  firstBreak: ChainBreak | null;
}

export interface VerifyOptions {
  fromSeq?: number;
  /** At most this many seals (the endpoint's bound); all of them up to the head when unset. */
  limit?: number;
  /** Also look for rows the sealer should have sealed and did not, and count the unsealed (a scan). */
  full?: boolean;
}

const BATCH = 1_000;

function named(
  reason: BreakReason,
  seq: number | null,
  row: AuditRowContent | null,
  detail: string,
): ChainBreak {
  return {
    reason,
    seq,
    auditEventId: row?.id ?? null,
    action: row?.action ?? null,
    occurredAt: row?.occurredAt ?? null,
    detail,
  };
}

/**
 * What is wrong with one seal, given the hash the previous seal ended with; null when it holds.
 * A row may be live, archived or both (archival's copy was made before the delete); every copy
 * present must hash to the seal.
 */
export function checkSeal(seal: SealedRow, expectedSeq: number, prevHash: string): ChainBreak | null {
  const row = seal.live ?? seal.archived;
  if (seal.seq !== expectedSeq) {
    return named(
      'seal_missing',
      expectedSeq,
      null,
      `seal #${expectedSeq} is missing: the chain goes from #${expectedSeq - 1} to #${seal.seq}`,
    );
  }
  if (seal.prevHash !== prevHash) {
    return named(
      'link_broken',
      seal.seq,
      row,
      `seal #${seal.seq} names ${seal.prevHash.slice(0, 12)}… as its predecessor, but #${seal.seq - 1} ends with ${prevHash.slice(0, 12)}…`,
    );
  }
  if (!row) {
    return {
      ...named(
        'row_missing',
        seal.seq,
        null,
        `audit event ${seal.auditEventId} is in neither audit_events nor the archive`,
      ),
      auditEventId: seal.auditEventId,
    };
  }
  for (const [where, copy] of [
    ['audit_events', seal.live],
    ['audit_events_archive', seal.archived],
  ] as const) {
    if (copy && sealHash(seal.prevHash, copy) !== seal.hash) {
      return named('content_changed', seal.seq, copy, `the row in ${where} no longer hashes to its seal`);
    }
  }
  return null;
}

function checkCheckpoint(checkpoint: Checkpoint, hash: string): ChainBreak | null {
  if (checkpoint.headHash === hash && checkpoint.rowCount === checkpoint.lastSeq - checkpoint.firstSeq + 1) {
    return null;
  }
  return named(
    'checkpoint_mismatch',
    checkpoint.lastSeq,
    null,
    `the checkpoint of ${checkpoint.day} (seals #${checkpoint.firstSeq}–#${checkpoint.lastSeq}) does not match the chain`,
  );
}

/**
 * Recomputes the chain (ADR 0046) from a sequence number on: every seal's link to its predecessor,
 * every row's hash (in audit_events or in the archive), every checkpoint ending in the range; with
 * `full`, also rows the sealer has passed over. Stops at the first link that does not hold.
 */
@Injectable()
export class AuditVerifier {
  constructor(private readonly repository: AuditChainRepository) {}

  async verify(db: Queryable, options: VerifyOptions = {}): Promise<VerificationResult> {
    await this.assertColumnsCovered(db);
    const head = await this.repository.head(db);
    const fromSeq = Math.max(1, options.fromSeq ?? 1);
    const lastSeq = Math.min(head.lastSeq, options.limit ? fromSeq + options.limit - 1 : head.lastSeq);
    const result: VerificationResult = {
      ok: true,
      fromSeq,
      toSeq: fromSeq - 1,
      checked: 0,
      lastHash: null,
      live: 0,
      archived: 0,
      checkpoints: 0,
      head: { seq: head.lastSeq, hash: head.lastHash, archivedThroughSeq: head.archivedThroughSeq },
      unsealed: null,
      firstBreak: null,
    };
    result.firstBreak = await this.walk(db, fromSeq, lastSeq, result);
    if (!result.firstBreak && lastSeq === head.lastSeq && result.toSeq >= fromSeq) {
      const end = await this.repository.sealHashAt(db, head.lastSeq);
      if (end !== head.lastHash) {
        result.firstBreak = named(
          'link_broken',
          head.lastSeq,
          null,
          `the chain's head does not match seal #${head.lastSeq}`,
        );
      }
    }
    if (options.full && !result.firstBreak) {
      result.unsealed = await this.repository.countUnsealed(db);
      const missed =
        head.horizon === null ? null : await this.repository.firstUnsealedBehind(db, head.horizon);
      if (missed) {
        result.firstBreak = named(
          'not_sealed',
          null,
          missed,
          'this row was committed before the sealer last ran, yet has no seal',
        );
      }
    }
    result.ok = result.firstBreak === null;
    return result;
  }

  /** Walks seals fromSeq..lastSeq in batches; returns the first break, filling the counts. */
  private async walk(db: Queryable, fromSeq: number, lastSeq: number, result: VerificationResult) {
    if (lastSeq < fromSeq) return null;
    const checkpoints = new Map(
      (await this.repository.checkpointsEndingIn(db, fromSeq, lastSeq)).map((c) => [c.lastSeq, c]),
    );
    let prevHash = fromSeq === 1 ? GENESIS_HASH : await this.repository.sealHashAt(db, fromSeq - 1);
    if (prevHash === null) {
      return named('seal_missing', fromSeq - 1, null, `seal #${fromSeq - 1} is missing`);
    }
    let expected = fromSeq;
    while (expected <= lastSeq) {
      const seals = await this.repository.sealedRows(db, expected, lastSeq, BATCH);
      if (!seals.length) break;
      for (const seal of seals) {
        const broken = checkSeal(seal, expected, prevHash);
        if (broken) return broken;
        const checkpoint = checkpoints.get(seal.seq);
        const badCheckpoint = checkpoint ? checkCheckpoint(checkpoint, seal.hash) : null;
        if (badCheckpoint) return badCheckpoint;
        result.checkpoints += checkpoint ? 1 : 0;
        result.checked++;
        result.live += seal.live ? 1 : 0;
        result.archived += seal.archived && !seal.live ? 1 : 0;
        result.toSeq = seal.seq;
        result.lastHash = seal.hash;
        prevHash = seal.hash;
        expected++;
      }
    }
    if (expected <= lastSeq) {
      return named('seal_missing', expected, null, `seals #${expected}–#${lastSeq} are missing`);
    }
    return null;
  }

  /** A column added to audit_events and not to the chain would go unprotected: refuse to say OK. */
  private async assertColumnsCovered(db: Queryable): Promise<void> {
    const covered = new Set(Object.values(CHAINED_COLUMNS));
    const uncovered = (await this.repository.auditEventColumns(db)).filter((name) => !covered.has(name));
    if (uncovered.length) {
      throw new Error(
        `audit_events has columns the hash chain does not cover (${uncovered.join(', ')}): add them to CHAINED_COLUMNS and contentColumns (ADR 0046)`,
      );
    }
  }
}
