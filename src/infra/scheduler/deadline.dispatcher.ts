import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { Clock } from '../clock/clock';
import { discoverHandlers } from '../queue/discover-handlers';
import { JobHandler } from '../queue/job-handler';
import { JobName, JobPayloads } from '../queue/queue.constants';
import { deadlineDelay } from './deadline-job';
import { DEADLINE_HANDLER, DeadlineHandlerFn, DueDeadline } from './deadline-handler';
import { kindFamily } from './reminders';

export type DeadlineOutcome = 'ran' | 'skipped' | 'not-due';

/**
 * Runs due deadlines (worker process). The conditional UPDATE to `done` and the kind's handler are
 * one transaction, and the UPDATE only matches a row still pending at exactly the job's due time
 * that has come: late, duplicate, stale (rescheduled or cancelled) and concurrent runs do nothing.
 */
@Injectable()
export class DeadlineDispatcher implements OnModuleInit {
  private readonly handlers = new Map<string, { name: string; run: DeadlineHandlerFn }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    for (const found of discoverHandlers<string>(this.discovery, this.scanner, DEADLINE_HANDLER)) {
      const other = this.handlers.get(found.metadata);
      if (other) {
        throw new Error(
          `Deadline kind "${found.metadata}" has two handlers: ${other.name} and ${found.name}`,
        );
      }
      this.handlers.set(found.metadata, { name: found.name, run: found.invoke });
    }
  }

  kinds(): string[] {
    return [...this.handlers.keys()];
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
    return this.run(deadline);
  }

  async run(deadline: DueDeadline): Promise<DeadlineOutcome> {
    const handler = this.handlers.get(deadline.kind) ?? this.handlers.get(kindFamily(deadline.kind));
    if (!handler) throw new UnrecoverableError(`No @OnDeadline handler for kind "${deadline.kind}"`);
    return this.dataSource.transaction(async (em) => {
      const now = this.clock.now();
      const [rows] = await em.query<[unknown[], number]>(
        `UPDATE deadlines SET status = 'done', version = version + 1, updated_at = $6
         WHERE entity_type = $1 AND entity_id = $2 AND kind = $3
           AND status = 'pending' AND due_at = $4 AND due_at <= $5
         RETURNING id`,
        [deadline.entityType, deadline.entityId, deadline.kind, deadline.dueAt, now, now],
      );
      if (!rows.length) return deadline.dueAt > now ? 'not-due' : 'skipped';
      await handler.run(deadline, em);
      return 'ran';
    });
  }
}
