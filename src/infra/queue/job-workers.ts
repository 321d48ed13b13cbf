import { Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner } from '@nestjs/core';
import { SpanKind } from '@opentelemetry/api';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { InjectConfig } from '../config/config';
import type { AppConfig } from '../config/config';
import { settleWithin, shutdownBudget, ShutdownState } from '../lifecycle/shutdown';
import { inSpan, parseTraceparent } from '../tracing/trace-context';
import { discoverHandlers } from './discover-handlers';
import { checkJobHandlers, JOB_HANDLER, JobHandlerFn } from './job-handler';
import { BULL_CONNECTION } from '../redis/redis.module';
import type { BullConnection } from './queue.connection';
import { bullPrefix } from './queue.connection';
import { JOB_QUEUE, JobName, JobPayloads, QueueName } from './queue.constants';

interface RunningJob {
  job: Job;
  token: string | undefined;
}

/**
 * The worker process's consumers: one BullMQ Worker per queue, dispatching by job name to the one
 * `@JobHandler` of that name. Started after every module is initialised; closed first on shutdown.
 */
@Injectable()
export class JobWorkers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(JobWorkers.name);
  private readonly workers: Worker[] = [];
  private readonly handlers = new Map<JobName, JobHandlerFn>();
  private readonly running = new Set<RunningJob>();

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    // Options each worker connects with, or the cluster client they share (docs/adr/0066).
    @Inject(BULL_CONNECTION) private readonly connection: BullConnection,
    private readonly shutdown: ShutdownState,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onApplicationBootstrap(): void {
    const found = discoverHandlers<JobName>(this.discovery, this.scanner, JOB_HANDLER);
    const problems = checkJobHandlers(found.map((h) => h.metadata));
    if (problems.length) throw new Error(`Job handlers are not complete:\n  - ${problems.join('\n  - ')}`);
    for (const handler of found) this.handlers.set(handler.metadata, handler.invoke as JobHandlerFn);

    for (const queueName of Object.values(QueueName)) {
      const worker = new Worker(
        queueName,
        (job: Job, token?: string) => this.process(queueName, job, token),
        {
          connection: this.connection,
          prefix: bullPrefix(this.config),
          concurrency: this.config.WORKER_CONCURRENCY,
          // A killed worker's running job is run again by another once its lock lapses (docs/adr/0037).
          lockDuration: this.config.WORKER_LOCK_DURATION_MS,
          stalledInterval: this.config.WORKER_STALLED_INTERVAL_MS,
        },
      );
      worker.on('failed', (job, error) =>
        this.logger.warn(
          { err: error, jobId: job?.id, job: job?.name, attempt: job?.attemptsMade },
          `Job ${job?.name} ${job?.id} failed: ${error.message}`,
        ),
      );
      worker.on('error', (error) =>
        this.logger.error({ err: error }, `Worker ${queueName}: ${error.message}`),
      );
      this.workers.push(worker);
    }
  }

  private async process(queueName: QueueName, job: Job, token?: string): Promise<unknown> {
    const name = job.name as JobName;
    const handler = this.handlers.get(name);
    if (!handler || JOB_QUEUE[name] !== queueName) {
      throw new UnrecoverableError(`No handler for job "${job.name}" on queue "${queueName}"`);
    }
    const running: RunningJob = { job, token };
    this.running.add(running);
    try {
      return await inSpan(`process ${job.name}`, jobSpanOptions(queueName, job), () =>
        handler(job as Job<JobPayloads[JobName]>, token),
      );
    } finally {
      this.running.delete(running);
    }
  }

  /**
   * Shutdown step 1 (before the relay, the queues and the database; docs/adr/0036): stop taking
   * jobs and let the running ones finish until the drain part of SHUTDOWN_GRACE_MS has passed since
   * the signal. Jobs still running then are released (moved back to waiting, their lock dropped),
   * so the next worker to start, or another one already running, runs them again at once; their
   * handlers are idempotent, and an attempt that was cut short records nothing. A job that cannot
   * be released (Redis unreachable) runs again when its lock expires, through BullMQ's stalled-job
   * check. Then the workers' connections are dropped, whatever Redis does.
   */
  async onModuleDestroy(): Promise<void> {
    const workers = this.workers.splice(0);
    if (!workers.length) return;
    const budget = shutdownBudget(this.config.SHUTDOWN_GRACE_MS);
    const deadline = (this.shutdown.since ?? Date.now()) + budget.drainMs;
    const closing = Promise.all(workers.map((worker) => worker.close()));
    if (await settleWithin(closing, deadline - Date.now())) return;

    const step = Math.max(250, budget.closeMs / 3);
    const unfinished = [...this.running];
    this.logger.warn(
      `${unfinished.length} job(s) still running at the end of the drain period: releasing them to run again`,
    );
    await settleWithin(Promise.all(unfinished.map((running) => this.release(running))), step);
    await settleWithin(Promise.all(workers.map((worker) => worker.disconnect())), step);
  }

  private async release({ job, token }: RunningJob): Promise<void> {
    try {
      await job.moveToWait(token);
      this.logger.warn({ jobId: job.id, job: job.name }, `Job ${job.name} ${job.id} released: it runs again`);
    } catch (error) {
      this.logger.warn(
        { err: error, jobId: job.id, job: job.name },
        `Job ${job.name} ${job.id} could not be released (${(error as Error).message}): ` +
          'it runs again when its lock expires',
      );
    }
  }
}

/**
 * With tracing on, each job runs in a consumer span; an event's job continues the trace stored with
 * the event (its `traceparent`), so the request and the worker's handling are one trace (docs/adr/0064).
 */
function jobSpanOptions(queueName: QueueName, job: Job): Parameters<typeof inSpan>[1] {
  const data = job.data as { traceparent?: unknown; type?: unknown } | undefined;
  return {
    kind: SpanKind.CONSUMER,
    parent: parseTraceparent(data?.traceparent),
    attributes: {
      'messaging.system': 'bullmq',
      'messaging.operation.type': 'process',
      'messaging.destination.name': queueName,
      'messaging.message.id': job.id,
      'jiebang.job.attempt': job.attemptsMade + 1,
      'jiebang.event.type': typeof data?.type === 'string' ? data.type : undefined,
    },
  };
}

/** Imported by the worker process only. */
@Module({ imports: [DiscoveryModule], providers: [JobWorkers] })
export class JobWorkersModule {}
