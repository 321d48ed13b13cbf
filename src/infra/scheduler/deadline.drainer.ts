import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../clock/clock';
import { ShutdownState } from '../lifecycle/shutdown';
import { Metrics } from '../metrics/metrics';
import { deadlineJobId, DeadlineSpec } from './deadline-job';
import { DeadlineHandlers } from './deadline-handlers';

/** Rows claimed per transaction (one UPDATE … SKIP LOCKED … RETURNING, then their handlers). */
export const DEADLINE_BATCH_SIZE = 200;
/** A failed row is tried again after 5 s, doubling each time, at most an hour apart (for ever). */
export const DEADLINE_RETRY_BASE_S = 5;
export const DEADLINE_RETRY_MAX_S = 3_600;
const SINCE_EVER = new Date(0);

interface ClaimedRow {
  id: string;
  entity_type: string;
  entity_id: string;
  kind: string;
  due_at: Date;
}

export interface DrainOptions {
  /** Only rows due at or before this time (and by the clock): the sweep's overdue rows. */
  upTo?: Date;
  /** Only rows due at exactly this time (and by the clock): a job's cohort, the deadlines due with it. */
  dueAt?: Date;
  batchSize?: number;
  /** Checked between batches: a drain stops early (e.g. a sweep being stopped). */
  stop?: () => boolean;
}

export interface DrainResult {
  /** The deadline job ids (`deadlineJobId`) of the rows whose handler ran and committed. */
  ran: string[];
  /** Rows whose handler threw: left pending with a backoff (`retry_at`). */
  failed: string[];
  batches: number;
}

/** The due pending rows from $4 up to $1 not waiting for a retry, oldest first, that no one else holds. */
const CLAIM_SQL = `
  UPDATE deadlines SET status = 'done', version = version + 1, updated_at = $2
  WHERE id IN (
    SELECT id FROM deadlines
    WHERE status = 'pending' AND due_at <= $1 AND due_at >= $4 AND (retry_at IS NULL OR retry_at <= $2)
    ORDER BY due_at
    LIMIT $3
    FOR UPDATE SKIP LOCKED)
  RETURNING id, entity_type, entity_id, kind, due_at`;

/** One row of a batch being isolated, under the same conditions. */
const CLAIM_ONE_SQL = `
  UPDATE deadlines SET status = 'done', version = version + 1, updated_at = $3
  WHERE id = (
    SELECT id FROM deadlines
    WHERE id = $1 AND status = 'pending' AND due_at <= $2 AND (retry_at IS NULL OR retry_at <= $3)
    FOR UPDATE SKIP LOCKED)
  RETURNING id, entity_type, entity_id, kind, due_at`;

const FAIL_SQL = `
  UPDATE deadlines
  SET attempts = attempts + 1, last_error = left($2, 2000), updated_at = $3,
      retry_at = $3::timestamptz + make_interval(secs => least($4 * power(2, least(attempts, 30)), $5))
  WHERE id = $1 AND status = 'pending'
  RETURNING attempts, retry_at`;

/** Thrown inside a batch's transaction when one row's handler fails: the batch rolls back. */
class RowFailed extends Error {
  constructor(readonly row: ClaimedRow) {
    super(`Deadline ${row.id} failed`);
  }
}

function specOf(row: ClaimedRow): DeadlineSpec {
  return { entityType: row.entity_type, entityId: row.entity_id, kind: row.kind, dueAt: row.due_at };
}

/** Handlers run in due order: a challenge's open before its close when both are in a batch. */
function byDueTime(a: ClaimedRow, b: ClaimedRow): number {
  return a.due_at.getTime() - b.due_at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Runs due deadlines in batches (docs/adr/0053). Each batch is one transaction: the UPDATE that
 * claims up to DEADLINE_BATCH_SIZE due pending rows (`FOR UPDATE SKIP LOCKED`, so concurrent
 * drainers take disjoint rows) and marks them done, then the handler of each row through the same
 * EntityManager; the commit makes the effects and the `done` marks durable together, a rollback
 * (a killed worker, the database gone) leaves every row pending to be claimed again. A handler that
 * throws rolls the batch back; the batch is then run again row by row, each under a savepoint, so the
 * others still have their effect once and the bad row alone stays pending, tried again after a
 * backoff (`retry_at`, 5 s doubling up to an hour; `attempts`, `last_error` for an operator).
 */
@Injectable()
export class DeadlineDrainer {
  private readonly logger = new Logger(DeadlineDrainer.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly handlers: DeadlineHandlers,
    private readonly clock: Clock,
    private readonly shutdown: ShutdownState,
    private readonly metrics: Metrics,
  ) {}

  /** Claims and runs batches until nothing due is left to claim (or the process is stopping). */
  async drain(options: DrainOptions = {}): Promise<DrainResult> {
    const size = options.batchSize ?? DEADLINE_BATCH_SIZE;
    const result: DrainResult = { ran: [], failed: [], batches: 0 };
    for (;;) {
      if (this.shutdown.draining || options.stop?.()) return result;
      const now = this.clock.now();
      const bound = options.dueAt ?? options.upTo;
      const upTo = bound && bound < now ? bound : now;
      if (options.dueAt && options.dueAt > now) return result;
      const batch = await this.batch(options.dueAt ?? SINCE_EVER, upTo, size);
      if (!batch.claimed) return result;
      result.batches++;
      // Committed: how late each ran, by the clock (docs/adr/0063).
      const committedAt = this.clock.now();
      for (const row of batch.ran) this.metrics.deadlineRan(row.kind, row.due_at, committedAt);
      for (const row of batch.ran) result.ran.push(deadlineJobId(specOf(row)));
      for (const row of batch.failed) result.failed.push(deadlineJobId(specOf(row)));
      if (batch.claimed < size) return result;
    }
  }

  private async batch(
    from: Date,
    upTo: Date,
    size: number,
  ): Promise<{ claimed: number; ran: ClaimedRow[]; failed: ClaimedRow[] }> {
    let claimed: ClaimedRow[] = [];
    try {
      await this.dataSource.transaction(async (em) => {
        const [rows] = await em.query<[ClaimedRow[], number]>(CLAIM_SQL, [
          upTo,
          this.clock.now(),
          size,
          from,
        ]);
        claimed = rows.sort(byDueTime);
        for (const row of claimed) {
          try {
            await this.runHandler(row, em);
          } catch {
            throw new RowFailed(row);
          }
        }
      });
      return { claimed: claimed.length, ran: claimed, failed: [] };
    } catch (error) {
      if (!(error instanceof RowFailed)) throw error;
      return { claimed: claimed.length, ...(await this.isolate(claimed, upTo)) };
    }
  }

  /**
   * The rows of a batch that failed, again, one savepoint each, in one transaction: the failing row
   * is rolled back to its savepoint and marked for a retry; a row someone else took meanwhile is skipped.
   */
  private async isolate(
    rows: ClaimedRow[],
    upTo: Date,
  ): Promise<{ ran: ClaimedRow[]; failed: ClaimedRow[] }> {
    const ran: ClaimedRow[] = [];
    const failed: ClaimedRow[] = [];
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
      for (const candidate of rows) {
        const now = this.clock.now();
        await runner.startTransaction(); // SAVEPOINT
        const [claimed] = await runner.manager.query<[ClaimedRow[], number]>(CLAIM_ONE_SQL, [
          candidate.id,
          upTo,
          now,
        ]);
        if (!claimed.length) {
          await runner.commitTransaction(); // RELEASE SAVEPOINT
          continue;
        }
        try {
          await this.runHandler(claimed[0], runner.manager);
          await runner.commitTransaction();
          ran.push(claimed[0]);
        } catch (error) {
          await runner.rollbackTransaction(); // ROLLBACK TO SAVEPOINT
          await this.recordFailure(runner.manager, claimed[0], error, now);
          failed.push(claimed[0]);
        }
      }
      await runner.commitTransaction();
      return { ran, failed };
    } catch (error) {
      // The whole transaction, whatever savepoint it is in (the runner is discarded after).
      if (runner.isTransactionActive) await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async runHandler(row: ClaimedRow, em: EntityManager): Promise<void> {
    const handler = this.handlers.find(row.kind);
    if (!handler) throw new Error(`No @OnDeadline handler for kind "${row.kind}"`);
    await handler(specOf(row), em);
  }

  private async recordFailure(em: EntityManager, row: ClaimedRow, error: unknown, now: Date): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const [[marked]] = await em.query<[Array<{ attempts: number; retry_at: Date }>, number]>(FAIL_SQL, [
      row.id,
      message,
      now,
      DEADLINE_RETRY_BASE_S,
      DEADLINE_RETRY_MAX_S,
    ]);
    this.logger.warn(
      { err: error, deadlineId: row.id, kind: row.kind, entityId: row.entity_id, attempt: marked?.attempts },
      `Deadline ${row.kind} of ${row.entity_type} ${row.entity_id} failed (attempt ${marked?.attempts}): ` +
        `${message}; tried again at ${marked?.retry_at?.toISOString()}`,
    );
  }
}
