import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Job, JobsOptions, Queue } from 'bullmq';
import { withTimeout } from '../../common/timeout';
import { InjectConfig } from '../config/config';
import type { AppConfig } from '../config/config';
import { jobRetention } from '../retention/job-retention';
import { JOB_OPTIONS, JOB_QUEUE, JobName, JobPayloads, QueueName } from './queue.constants';

export type JobLiveness = 'live' | 'missing' | 'finished' | 'held';

export interface EnqueueOptions {
  /** Deterministic: adding a job whose id exists in any state is a no-op (BullMQ deduplicates). */
  jobId: string;
  /** Milliseconds from now; BullMQ delays use real time. */
  delay?: number;
}

/**
 * The typed way to enqueue: the payload must match the job name, and the queue and the job's named
 * options come from the tables in queue.constants.ts. Used by both processes; only the worker consumes.
 */
@Injectable()
export class JobQueue {
  private readonly queues: Record<QueueName, Queue>;
  private readonly logger = new Logger(JobQueue.name);
  private lastErrorLoggedAt = 0;

  constructor(
    @InjectQueue(QueueName.Events) events: Queue,
    @InjectQueue(QueueName.Deadlines) deadlines: Queue,
    @InjectQueue(QueueName.Outbound) outbound: Queue,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.queues = {
      [QueueName.Events]: events,
      [QueueName.Deadlines]: deadlines,
      [QueueName.Outbound]: outbound,
    };
    // Without a listener BullMQ prints connection errors to stderr; log them, at most one a minute.
    for (const queue of Object.values(this.queues)) {
      queue.on('error', (error) => {
        if (Date.now() - this.lastErrorLoggedAt < 60_000) return;
        this.lastErrorLoggedAt = Date.now();
        this.logger.warn({ err: error }, `Queue ${queue.name}: Redis error: ${error.message}`);
      });
    }
  }

  queue(name: QueueName): Queue {
    return this.queues[name];
  }

  queueOf(job: JobName): Queue {
    return this.queues[JOB_QUEUE[job]];
  }

  async add<N extends JobName>(name: N, data: JobPayloads[N], options: EnqueueOptions): Promise<Job> {
    return this.queueOf(name).add(name, data, this.jobOptions(name, options));
  }

  /**
   * Adds jobs of one name in one Redis round trip (BullMQ's `addBulk`: its add script once per job,
   * in order, in one pipeline), each with the options `add` gives it and deduplicated by its id the
   * same way. Not atomic: when it fails, some of the jobs may have been added; adding them again is
   * a no-op for those.
   */
  async addBulk<N extends JobName>(
    name: N,
    jobs: ReadonlyArray<{ data: JobPayloads[N]; options: EnqueueOptions }>,
  ): Promise<Job[]> {
    if (!jobs.length) return [];
    return this.queueOf(name).addBulk(
      jobs.map((job) => ({ name, data: job.data, opts: this.jobOptions(name, job.options) })),
    );
  }

  /** A job's BullMQ options: its name's named options, the configured history, its id and delay. */
  private jobOptions(name: JobName, options: EnqueueOptions): JobsOptions {
    return {
      ...JOB_OPTIONS[name],
      // The configured history (docs/adr/0068) over the tables' defaults.
      ...jobRetention(this.config),
      jobId: options.jobId,
      delay: options.delay ?? 0,
    };
  }

  async getJob(name: JobName, jobId: string): Promise<Job | undefined> {
    return this.queueOf(name).getJob(jobId);
  }

  /**
   * What the job of a still-pending row is doing, for the recovery sweeps (docs/adr/0037):
   * - `live`: waiting, delayed, running or prioritized: it will run, leave it;
   * - `missing`: no such job (Redis lost it, or the enqueue after commit never happened);
   * - `finished`: completed, or failed after using up its retries (or stalling too often), while
   *   the row still waits: the run could not have its effect (e.g. the database was down): revive it;
   * - `held`: failed permanently (an `UnrecoverableError`): left for an operator.
   */
  async liveness(name: JobName, jobId: string): Promise<JobLiveness> {
    const job = await this.getJob(name, jobId);
    if (!job) return 'missing';
    const state = await job.getState();
    if (state === 'unknown') return 'missing';
    if (state === 'completed') return 'finished';
    if (state !== 'failed') return 'live';
    const exhausted = job.attemptsMade >= (job.opts.attempts ?? 1);
    return exhausted || /stalled/i.test(job.failedReason ?? '') ? 'finished' : 'held';
  }

  /** Whether the queue's Redis connection is up; false (never hanging) while Redis is down. */
  async ready(name: JobName, timeoutMs: number): Promise<boolean> {
    try {
      const client = await withTimeout(this.queueOf(name).backend.client, timeoutMs, 'Connecting to Redis');
      return client.status === 'ready';
    } catch {
      return false;
    }
  }

  /**
   * Drops the queues' Redis connections at once (shutdown, when closing them did not finish: Redis
   * unreachable). A QUIT waiting in an offline queue then fails, and the queues' close completes.
   */
  disconnect(): void {
    for (const queue of Object.values(this.queues)) {
      queue.disconnect().catch(() => undefined);
    }
  }

  /** Removes a waiting, delayed, completed or failed job; an active (locked) one is left to finish. */
  async remove(name: JobName, jobId: string): Promise<boolean> {
    return (await this.queueOf(name).remove(jobId)) === 1;
  }
}
