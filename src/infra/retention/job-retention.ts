import type { JobsOptions } from 'bullmq';
import type { AppConfig } from '../config/config';

const HOUR_S = 3600;

/**
 * How long BullMQ keeps a job's history in Redis once it is done (docs/adr/0068), the same for every
 * queue: completed jobs RETENTION_COMPLETED_JOBS_HOURS and at most RETENTION_COMPLETED_JOBS_COUNT a
 * queue, failed ones RETENTION_FAILED_JOBS_DAYS. Losing a job's history loses nothing: the row it
 * worked on (event, deadline, delivery, mail) records the outcome.
 */
export function jobRetention(
  config: Pick<
    AppConfig,
    'RETENTION_COMPLETED_JOBS_HOURS' | 'RETENTION_COMPLETED_JOBS_COUNT' | 'RETENTION_FAILED_JOBS_DAYS'
  >,
): Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> {
  return {
    removeOnComplete: {
      age: config.RETENTION_COMPLETED_JOBS_HOURS * HOUR_S,
      count: config.RETENTION_COMPLETED_JOBS_COUNT,
    },
    removeOnFail: { age: config.RETENTION_FAILED_JOBS_DAYS * 24 * HOUR_S },
  };
}
