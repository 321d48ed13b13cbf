import { Injectable } from '@nestjs/common';
import { Job } from 'bullmq';
import { Clock } from '../../../infra/clock/clock';
import { JobQueue } from '../../../infra/queue/job-queue.service';
import { JobName, JobPayloads } from '../../../infra/queue/queue.constants';

export type DeliverWebhookPayload = JobPayloads[JobName.DeliverWebhook];

/** Deterministic: one job per delivery, chain and attempt (`|`-separated: BullMQ refuses `:`). */
export function webhookJobId(payload: DeliverWebhookPayload): string {
  return ['webhook', payload.deliveryId, payload.chain, payload.attempt].join('|');
}

/**
 * Enqueues delivery attempts. The delay is the distance from the injected clock to the attempt's
 * due time (BullMQ delays are real time); the delivery row stays the truth (docs/adr/0030).
 */
@Injectable()
export class WebhookJobs {
  constructor(
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  /**
   * Adds the attempt's job. A finished job left under the same id (it ran, found nothing to do, and
   * the row still waits for that attempt) is removed first, or BullMQ would ignore the add.
   */
  async enqueue(payload: DeliverWebhookPayload, dueAt: Date): Promise<void> {
    const jobId = webhookJobId(payload);
    const existing = await this.jobs.getJob(JobName.DeliverWebhook, jobId);
    if (existing && ((await existing.isCompleted()) || (await existing.isFailed()))) await existing.remove();
    await this.jobs.add(JobName.DeliverWebhook, payload, {
      jobId,
      delay: Math.max(0, dueAt.getTime() - this.clock.now().getTime()),
    });
  }

  async getJob(payload: DeliverWebhookPayload): Promise<Job | undefined> {
    return this.jobs.getJob(JobName.DeliverWebhook, webhookJobId(payload));
  }
}
