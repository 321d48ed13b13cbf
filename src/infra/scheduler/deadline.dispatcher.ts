import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { Clock } from '../clock/clock';
import { Metrics } from '../metrics/metrics';
import { JobHandler } from '../queue/job-handler';
import { JobName, JobPayloads } from '../queue/queue.constants';
import { deadlineDelay, deadlineJobId } from './deadline-job';
import { DueDeadline } from './deadline-handler';
import { DeadlineHandlers } from './deadline-handlers';
import { DeadlineDrainer } from './deadline.drainer';

export type DeadlineOutcome = 'ran' | 'skipped' | 'not-due';

/** How many deadlines this process remembers having run (their jobs are then skipped without a query). */
const REMEMBERED = 200_000;

interface OwnRow {
  status: string;
  due_at: Date;
  retry_at: Date | null;
  attempts: number;
  last_error: string | null;
}

/**
 * Runs due deadlines (worker process). A deadline's job is its alarm clock: when it fires, the
 * drainer runs, in batches, every pending deadline due at that same time (by the clock), this one
 * included (docs/adr/0053), so 100,000 deadlines due at once take a few hundred transactions, not
 * 100,000; deadlines due at other times wait for their own job (or the sweep, once overdue). The
 * jobs of the deadlines a batch ran then find them done: this process remembers the deadlines it
 * ran, so their jobs complete without a query; another process's, with one. Late, duplicate, stale
 * (rescheduled or cancelled) and concurrent runs do nothing.
 */
@Injectable()
export class DeadlineDispatcher {
  /** Deadline job id → Date.now() when its batch committed here (insertion order: oldest first). */
  private readonly ranHere = new Map<string, number>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly handlers: DeadlineHandlers,
    private readonly drainer: DeadlineDrainer,
    private readonly metrics: Metrics,
  ) {}

  kinds(): string[] {
    return this.handlers.kinds();
  }

  @JobHandler(JobName.RunDeadline)
  async handle(job: Job<JobPayloads[JobName.RunDeadline]>, token?: string): Promise<DeadlineOutcome> {
    const deadline: DueDeadline = { ...job.data, dueAt: new Date(job.data.dueAt) };
    if (Number.isNaN(deadline.dueAt.getTime())) throw new UnrecoverableError(`Bad dueAt "${job.data.dueAt}"`);
    const early = deadlineDelay(deadline.dueAt, this.clock.now());
    if (early > 0 && token) {
      // Fired before its time by this process's clock: sleep again instead of spending an attempt.
      await job.moveToDelayed(Date.now() + early, token);
      throw new DelayedError();
    }
    const key = deadlineJobId(deadline);
    // Run here after this job was made: this job was its alarm (a job made later may be the alarm of
    // the same deadline moved away and back, so it asks the database).
    const ranAt = this.ranHere.get(key);
    if (ranAt !== undefined && job.timestamp <= ranAt) return 'skipped';

    const drained = await this.drainer.drain({ dueAt: deadline.dueAt });
    this.remember(drained.ran);
    if (drained.ran.includes(key)) return 'ran';

    const own = await this.ownRow(deadline);
    const now = this.clock.now();
    if (!own) return deadline.dueAt > now ? 'not-due' : 'skipped';
    if (own.retry_at && own.retry_at > now) {
      // Its handler failed (in this batch or another): the job fails too, and BullMQ tries it again
      // with the same backoff as the row's (docs/adr/0008, 0037).
      throw new Error(
        `Deadline failed (attempt ${own.attempts}): ${own.last_error}; tried again at ${own.retry_at.toISOString()}`,
      );
    }
    // Still pending and due, yet not claimed: another transaction holds it (another drainer, or a
    // change to the deadline being written). Wait for that one, then run it if it is still due.
    const outcome = await this.run(deadline);
    if (outcome === 'ran') this.remember([key]);
    return outcome;
  }

  /**
   * Runs this one deadline now if it is still pending at exactly that due time and due by the clock,
   * in one transaction with the conditional UPDATE to `done` (a direct call: tests, operators).
   */
  async run(deadline: DueDeadline): Promise<DeadlineOutcome> {
    const handler = this.handlers.find(deadline.kind);
    if (!handler) throw new UnrecoverableError(`No @OnDeadline handler for kind "${deadline.kind}"`);
    const outcome = await this.dataSource.transaction(async (em): Promise<DeadlineOutcome> => {
      const now = this.clock.now();
      const [rows] = await em.query<[unknown[], number]>(
        `UPDATE deadlines SET status = 'done', version = version + 1, updated_at = $6
         WHERE entity_type = $1 AND entity_id = $2 AND kind = $3
           AND status = 'pending' AND due_at = $4 AND due_at <= $5
         RETURNING id`,
        [deadline.entityType, deadline.entityId, deadline.kind, deadline.dueAt, now, now],
      );
      if (!rows.length) return deadline.dueAt > now ? 'not-due' : 'skipped';
      await handler(deadline, em);
      return 'ran';
    });
    if (outcome === 'ran') this.metrics.deadlineRan(deadline.kind, deadline.dueAt, this.clock.now());
    return outcome;
  }

  private async ownRow(deadline: DueDeadline): Promise<OwnRow | undefined> {
    const [row] = await this.dataSource.query<OwnRow[]>(
      `SELECT status, due_at, retry_at, attempts, last_error FROM deadlines
       WHERE entity_type = $1 AND entity_id = $2 AND kind = $3 AND status = 'pending' AND due_at = $4`,
      [deadline.entityType, deadline.entityId, deadline.kind, deadline.dueAt],
    );
    return row;
  }

  private remember(keys: string[]): void {
    if (!keys.length) return;
    const at = Date.now();
    for (const key of keys) {
      this.ranHere.delete(key);
      this.ranHere.set(key, at);
    }
    for (const oldest of this.ranHere.keys()) {
      if (this.ranHere.size <= REMEMBERED) break;
      this.ranHere.delete(oldest);
    }
  }
}
