import type { Job } from 'bullmq';
import { handlerDecorator } from './discover-handlers';
import { JobName, JobPayloads } from './queue.constants';

export const JOB_HANDLER = Symbol('job-handler');

/**
 * Marks the method that runs a job: `@JobHandler(JobName.RunDeadline) run(job, token)`. It must
 * be idempotent and re-check state; throw `UnrecoverableError` for a permanent failure and let every
 * other error escape so BullMQ retries with the job's backoff.
 */
export const JobHandler = (name: JobName): MethodDecorator => handlerDecorator(JOB_HANDLER, name);

export type JobHandlerFn<N extends JobName = JobName> = (
  job: Job<JobPayloads[N]>,
  token?: string,
) => Promise<unknown>;

/** Every JobName has exactly one handler, or the worker refuses to start. Returns the problems. */
export function checkJobHandlers(found: JobName[], all: JobName[] = Object.values(JobName)): string[] {
  const problems: string[] = [];
  for (const name of all) {
    const count = found.filter((n) => n === name).length;
    if (count === 0) problems.push(`job "${name}" has no @JobHandler`);
    if (count > 1) problems.push(`job "${name}" has ${count} @JobHandler methods`);
  }
  for (const name of new Set(found)) {
    if (!all.includes(name)) problems.push(`@JobHandler for unknown job "${name}"`);
  }
  return problems;
}
