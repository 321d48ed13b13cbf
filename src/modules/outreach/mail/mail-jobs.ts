import { Injectable } from '@nestjs/common';
import { withTimeout } from '../../../common/timeout';
import { JobQueue } from '../../../infra/queue/job-queue.service';
import { JobName } from '../../../infra/queue/queue.constants';

/** An enqueue after commit gives up after this long (Redis down); the reconciler catches up later. */
const ENQUEUE_TIMEOUT_MS = 3_000;

/** `mail-<row id>`: one send job per mail_messages row (BullMQ refuses ":" in custom ids). */
export function mailJobId(mailId: string): string {
  return `mail-${mailId}`;
}

/** Enqueues send jobs; the row is the truth, the job only its trigger. */
@Injectable()
export class MailJobs {
  constructor(private readonly jobs: JobQueue) {}

  /** A no-op while a job of that id exists in any state (BullMQ deduplicates by id). */
  async enqueue(mailId: string): Promise<void> {
    await withTimeout(
      this.jobs.add(JobName.SendMail, { mailId }, { jobId: mailJobId(mailId) }),
      ENQUEUE_TIMEOUT_MS,
      'Enqueueing a mail job',
    );
  }

  /** Whether a job of the row is waiting, delayed or running (not missing, completed or failed). */
  async isPending(mailId: string): Promise<boolean> {
    const job = await this.jobs.getJob(JobName.SendMail, mailJobId(mailId));
    if (!job) return false;
    return !((await job.isCompleted()) || (await job.isFailed()));
  }

  /**
   * Re-adds the job of a row that must still be sent, removing a finished job left under the same
   * id (a run that found the row claimed elsewhere and ended), or BullMQ would ignore the add.
   */
  async requeue(mailId: string): Promise<void> {
    const existing = await this.jobs.getJob(JobName.SendMail, mailJobId(mailId));
    if (existing && ((await existing.isCompleted()) || (await existing.isFailed()))) await existing.remove();
    await this.enqueue(mailId);
  }
}
