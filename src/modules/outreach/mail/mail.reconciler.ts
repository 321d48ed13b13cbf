import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../../../infra/clock/clock';
import { describeSmtp, smtpOptions } from './smtp-options';
import { InjectConfig } from '../../../infra/config/config';
import type { AppConfig } from '../../../infra/config/config';
import { MailJobs } from './mail-jobs';
import { MailRepository } from './mail.repository';
import { withTimeout } from '../../../common/timeout';
import { JobQueue } from '../../../infra/queue/job-queue.service';
import { PeriodicSweep } from '../../../infra/queue/periodic-sweep';
import { JobName } from '../../../infra/queue/queue.constants';
import { CLAIM_LEASE_MS } from './mail.sender';

/**
 * Keeps BullMQ in step with mail_messages, the truth (as DeadlineReconciler does for deadlines).
 * At worker start it re-enqueues every unsent row (queued, or sending with a lapsed claim); then,
 * every RECOVERY_SWEEP_INTERVAL_MS, those older than RECOVERY_GRACE_MS whose job is missing or
 * finished (docs/adr/0037); sweeps never overlap and skip while Redis is down. Without SMTP it does
 * nothing: rows are recorded as skipped and nothing is queued.
 */
@Injectable()
export class MailReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MailReconciler.name);
  private readonly smtp: string | null;
  private readonly sweeper = new PeriodicSweep('Mail sweep', () => this.sweep(), this.logger);

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly repository: MailRepository,
    private readonly jobs: MailJobs,
    private readonly queue: JobQueue,
    private readonly clock: Clock,
  ) {
    const options = smtpOptions(config);
    this.smtp = options ? describeSmtp(options) : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.smtp) {
      this.logger.warn(
        'SMTP is not configured (set SMTP_URL or SMTP_HOST): e-mail is recorded in mail_messages as skipped, not sent',
      );
      return;
    }
    this.logger.log(`Sending e-mail through ${this.smtp}`);
    const count = await this.reconcile();
    if (count) this.logger.log(`Re-enqueued ${count} unsent mails`);
    this.sweeper.start(this.config.RECOVERY_SWEEP_INTERVAL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sweeper.stop();
  }

  /** Re-enqueues the job of every unsent row; returns how many. */
  async reconcile(): Promise<number> {
    const now = this.clock.now();
    let count = 0;
    for await (const row of this.repository.unsent(now, this.staleBefore(now))) {
      await this.jobs.requeue(row.id);
      count++;
    }
    return count;
  }

  /** Re-adds the jobs of unsent rows older than the grace whose job is missing or finished. */
  async sweep(): Promise<number> {
    const timeout = this.config.RECOVERY_REDIS_TIMEOUT_MS;
    if (!(await this.queue.ready(JobName.SendMail, timeout))) return 0;
    const now = this.clock.now();
    const cutoff = new Date(now.getTime() - this.config.RECOVERY_GRACE_MS);
    let count = 0;
    for await (const row of this.repository.unsent(cutoff, this.staleBefore(now))) {
      if (await withTimeout(this.jobs.isPending(row.id), timeout, 'Mail job')) continue;
      await withTimeout(this.jobs.requeue(row.id), timeout, 'Re-enqueueing a mail job');
      count++;
    }
    if (count) this.logger.warn(`Re-enqueued ${count} unsent mails whose jobs were missing`);
    return count;
  }

  private staleBefore(now: Date): Date {
    return new Date(now.getTime() - CLAIM_LEASE_MS);
  }
}
