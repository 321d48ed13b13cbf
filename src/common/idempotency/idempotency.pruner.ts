import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../infra/clock/clock';

export const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
const BATCH = 5_000;

/**
 * Worker process: deletes expired Idempotency-Key records every hour, in batches, so the table
 * stays the size of one day of keyed requests. Harmless when several workers do it at once.
 */
@Injectable()
export class IdempotencyPruner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(IdempotencyPruner.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.prune().catch((error: unknown) =>
        this.logger.warn({ err: error }, `Pruning idempotency keys failed: ${(error as Error).message}`),
      );
    }, PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Deletes every expired record; returns how many. */
  async prune(): Promise<number> {
    let total = 0;
    for (;;) {
      const [, deleted] = await this.dataSource.query<[unknown[], number]>(
        `DELETE FROM idempotency_keys WHERE ctid IN (
           SELECT ctid FROM idempotency_keys WHERE expires_at <= $1 LIMIT ${BATCH})`,
        [this.clock.now()],
      );
      total += deleted;
      if (deleted < BATCH) return total;
    }
  }
}
