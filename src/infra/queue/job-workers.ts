import { Injectable, Logger, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner } from '@nestjs/core';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { InjectConfig } from '../config/config';
import type { AppConfig } from '../config/config';
import { discoverHandlers } from './discover-handlers';
import { checkJobHandlers, JOB_HANDLER, JobHandlerFn } from './job-handler';
import { bullConnection, bullPrefix } from './queue.connection';
import { JOB_QUEUE, JobName, JobPayloads, QueueName } from './queue.constants';

/**
 * The worker process's consumers: one BullMQ Worker per queue, dispatching by job name to the one
 * `@JobHandler` of that name. Started after every module is initialised; closed first on shutdown.
 */
@Injectable()
export class JobWorkers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(JobWorkers.name);
  private readonly workers: Worker[] = [];
  private readonly handlers = new Map<JobName, JobHandlerFn>();

  constructor(
    @InjectConfig() private readonly config: AppConfig,
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
          connection: bullConnection(this.config),
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
    return handler(job as Job<JobPayloads[JobName]>, token);
  }

  /**
   * Shutdown step 1 (before the relay, the queues and the database): stop taking jobs and let the
   * in-flight ones finish for up to SHUTDOWN_GRACE_MS; after that close by force, so that their
   * locks lapse and another worker retries them as stalled jobs.
   */
  async onModuleDestroy(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(
      workers.map(async (worker) => {
        let timer: NodeJS.Timeout | undefined;
        const graceful = worker.close().then(() => true);
        const expired = new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), this.config.SHUTDOWN_GRACE_MS);
        });
        const finished = await Promise.race([graceful, expired]);
        clearTimeout(timer);
        if (!finished) {
          this.logger.warn(
            `Worker ${worker.name}: jobs still running after the grace period; closing by force`,
          );
          await worker.close(true);
        }
      }),
    );
  }
}

/** Imported by the worker process only. */
@Module({ imports: [DiscoveryModule], providers: [JobWorkers] })
export class JobWorkersModule {}
