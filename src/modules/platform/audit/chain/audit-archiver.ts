import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../../../infra/clock/clock';
import { InjectConfig } from '../../../../infra/config/config';
import type { AppConfig } from '../../../../infra/config/config';
import { PeriodicSweep } from '../../../../infra/queue/periodic-sweep';
import { AuditChainRepository } from './audit-chain.repository';
import { AuditVerifier } from './audit-verifier';
import { utcDay } from './canonical';

/** How often the worker looks for checkpointed days past the retention. */
export const ARCHIVE_INTERVAL_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export type ArchiveStep =
  | { archived: number; fromSeq: number; toSeq: number }
  | { archived: 0; stopped: 'busy' | 'nothing_due' | 'not_old_enough' | 'chain_broken' };

/**
 * Moves the audit rows of whole checkpointed days older than AUDIT_RETENTION_DAYS from audit_events
 * to audit_events_archive (ADR 0046), one day per transaction: copy, then delete under the session
 * setting the table's trigger requires, then record how far the archive reaches. The seals and
 * checkpoints stay, so the chain is verified across the boundary. Never deletes what it did not
 * copy, and never archives a range whose chain does not verify (it logs an error and stops).
 */
@Injectable()
export class AuditArchiver implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditArchiver.name);
  private readonly sweeper = new PeriodicSweep('Audit archival', () => this.archiveDue(), this.logger);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: AuditChainRepository,
    private readonly verifier: AuditVerifier,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeper.start(ARCHIVE_INTERVAL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sweeper.stop();
  }

  /** The oldest time a live row may have: now less the retention. */
  cutoff(): Date {
    return new Date(this.clock.now().getTime() - this.config.AUDIT_RETENTION_DAYS * DAY_MS);
  }

  /** Archives every due day; returns how many rows moved. */
  async archiveDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const step = await this.archiveNextDay();
      total += step.archived;
      if (!('toSeq' in step)) return total;
    }
  }

  /** One transaction: the next due checkpointed day, if any, moved to the archive. */
  archiveNextDay(): Promise<ArchiveStep> {
    return this.dataSource.transaction(async (em) => {
      const head = await this.repository.lockHead(em);
      if (!head) return { archived: 0, stopped: 'busy' } as const;
      const cutoff = this.cutoff();
      const checkpoint = await this.repository.archivableCheckpoint(
        em,
        head.archivedThroughSeq,
        utcDay(cutoff),
      );
      if (!checkpoint) return { archived: 0, stopped: 'nothing_due' } as const;
      const fromSeq = head.archivedThroughSeq + 1;
      const toSeq = checkpoint.lastSeq;
      const latest = await this.repository.latestOccurredAt(em, fromSeq, toSeq);
      if (latest && latest >= cutoff) return { archived: 0, stopped: 'not_old_enough' } as const;
      const check = await this.verifier.verify(em, { fromSeq, limit: toSeq - fromSeq + 1 });
      if (!check.ok) {
        this.logger.error(
          { break: check.firstBreak },
          `Audit archival stopped: the chain does not verify at seal #${check.firstBreak?.seq} (${check.firstBreak?.reason}); run npm run audit:verify`,
        );
        return { archived: 0, stopped: 'chain_broken' } as const;
      }
      const moved = await this.repository.moveToArchive(em, fromSeq, toSeq, this.clock.now());
      const expected = toSeq - fromSeq + 1 - check.archived;
      if (moved.copied !== expected || moved.deleted !== expected) {
        throw new Error(
          `Audit archival of seals #${fromSeq}–#${toSeq} copied ${moved.copied} and deleted ${moved.deleted} rows, expected ${expected}: rolled back`,
        );
      }
      await this.repository.saveHead(em, { ...head, archivedThroughSeq: toSeq });
      this.logger.log(
        `Archived ${moved.copied} audit rows (seals #${fromSeq}–#${toSeq}, up to ${checkpoint.day})`,
      );
      return { archived: moved.copied, fromSeq, toSeq };
    });
  }
}
