import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../../../infra/clock/clock';
import { InjectConfig } from '../../../../infra/config/config';
import type { AppConfig } from '../../../../infra/config/config';
import { PeriodicSweep } from '../../../../infra/queue/periodic-sweep';
import { AuditChainRepository, ChainHead, NewSeal, Queryable } from './audit-chain.repository';
import { AuditRowContent, sealHash, utcDay } from './canonical';

/** Rows sealed per transaction: a burst is sealed in several short transactions, not one long one. */
export const SEAL_BATCH = 500;
/**
 * Rows per transaction while the sealer scans the whole table (the first runs over a trail older
 * than the chain): each such scan reads every unsealed row, so fewer, larger batches (ADR 0046).
 */
export const FULL_SCAN_BATCH = 10_000;

export interface SealRun {
  /** Rows sealed by this batch. */
  sealed: number;
  /** The batch was full: more rows may wait. */
  more: boolean;
  /** Another sealer held the chain's head: this one did nothing. */
  busy: boolean;
}

/** Appends rows to the chain after `head`; returns the seals and the new head (not yet saved). */
export function chainRows(
  head: ChainHead,
  rows: AuditRowContent[],
  sealedAt: Date,
): { seals: NewSeal[]; head: ChainHead } {
  let { lastSeq, lastHash } = head;
  const seals = rows.map((row) => {
    const seal = {
      seq: lastSeq + 1,
      auditEventId: row.id,
      prevHash: lastHash,
      hash: sealHash(lastHash, row),
      sealedAt,
    };
    lastSeq = seal.seq;
    lastHash = seal.hash;
    return seal;
  });
  return {
    seals,
    head: { ...head, lastSeq, lastHash, lastSealedAt: rows.length ? sealedAt : head.lastSealedAt },
  };
}

/**
 * The worker's audit sealer (ADR 0046): every AUDIT_SEAL_INTERVAL_MS it appends the committed,
 * unsealed audit_events rows to the hash chain, outside the transactions that wrote them (nothing
 * on the write path waits for it). One sealer at a time: each batch locks the chain's head row,
 * which only the sealer and the archiver touch, and a second worker finding it locked skips.
 * When the day (UTC) of the last seal has passed, it first writes that day's checkpoint.
 */
@Injectable()
export class AuditSealer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditSealer.name);
  private readonly sweeper = new PeriodicSweep('Audit sealing', () => this.sealPending(), this.logger);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: AuditChainRepository,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeper.start(this.config.AUDIT_SEAL_INTERVAL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sweeper.stop();
  }

  /** Seals every row committed so far, batch by batch; returns how many. */
  async sealPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const run = await this.sealBatch();
      total += run.sealed;
      if (!run.more) return total;
    }
  }

  /** One transaction: up to SEAL_BATCH rows appended to the chain. */
  sealBatch(): Promise<SealRun> {
    return this.dataSource.transaction(async (em) => {
      const head = await this.repository.lockHead(em);
      if (!head) return { sealed: 0, more: false, busy: true };
      // Seal times never go backwards along the chain, whatever the clocks do.
      const now = new Date(Math.max(this.clock.now().getTime(), head.lastSealedAt?.getTime() ?? 0));
      await this.checkpointPastDay(em, head, now);
      const xmin = await this.repository.snapshotXmin(em);
      const horizon = this.usableHorizon(head.horizon, xmin);
      const batch = horizon === null ? FULL_SCAN_BATCH : SEAL_BATCH;
      const rows = await this.repository.unsealed(em, horizon, batch);
      const { seals, head: next } = chainRows(head, rows, now);
      await this.repository.insertSeals(em, seals);
      const more = rows.length === batch;
      // Only a scan that found everything moves the horizon: every transaction below xmin had
      // ended before the scan began, so its rows were visible to it and are sealed now.
      await this.repository.saveHead(em, { ...next, horizon: more ? horizon : xmin });
      return { sealed: rows.length, more, busy: false };
    });
  }

  /** The horizon to scan from; null (scan all) when the database's transaction ids went backwards. */
  private usableHorizon(horizon: string | null, xmin: string): string | null {
    if (horizon === null || BigInt(horizon) <= BigInt(xmin)) return horizon;
    this.logger.warn(
      `Transaction ids restarted below the sealer's horizon (${horizon} > ${xmin}: a restored dump?); scanning every unsealed row`,
    );
    return null;
  }

  /** Writes the checkpoint of the day of the last seal once that day is over (and not yet written). */
  private async checkpointPastDay(em: Queryable, head: ChainHead, now: Date): Promise<void> {
    if (!head.lastSealedAt || utcDay(head.lastSealedAt) >= utcDay(now)) return;
    const last = await this.repository.lastCheckpoint(em);
    const firstSeq = (last?.lastSeq ?? 0) + 1;
    if (head.lastSeq < firstSeq) return;
    await this.repository.insertCheckpoint(em, {
      firstSeq,
      lastSeq: head.lastSeq,
      day: utcDay(head.lastSealedAt),
      headHash: head.lastHash,
      rowCount: head.lastSeq - firstSeq + 1,
      createdAt: now,
    });
    this.logger.log(
      `Audit checkpoint ${utcDay(head.lastSealedAt)}: seals #${firstSeq}–#${head.lastSeq}, head ${head.lastHash}`,
    );
  }
}
