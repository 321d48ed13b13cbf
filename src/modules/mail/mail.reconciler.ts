import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../../infra/clock/clock';
import { describeSmtp, smtpOptions } from './smtp-options';
import { InjectConfig } from '../../infra/config/config';
import type { AppConfig } from '../../infra/config/config';
import { MailJobs } from './mail-jobs';
import { MailRepository } from './mail.repository';
import { CLAIM_LEASE_MS } from './mail.sender';

/** How often the worker looks for unsent mail whose job is gone. */
export const MAIL_SWEEP_INTERVAL_MS = 60_000;
/** Mail younger than this is left alone by the sweep (its after-commit enqueue may be under way). */
export const MAIL_SWEEP_GRACE_MS = 60_000;

/**
 * Keeps BullMQ in step with mail_messages, the truth (as DeadlineReconciler does for deadlines).
 * At worker start it re-enqueues every unsent row (queued, or sending with a lapsed claim); then,
 * every minute, those older than a minute whose job is missing or finished. Without SMTP it does
 * nothing: rows are recorded as skipped and nothing is queued.
 */
@Injectable()
export class MailReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MailReconciler.name);
  private readonly smtp: string | null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectConfig() config: AppConfig,
    private readonly repository: MailRepository,
    private readonly jobs: MailJobs,
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
    this.timer = setInterval(() => {
      this.sweep().catch((error: unknown) =>
        this.logger.warn({ err: error }, `Mail sweep failed: ${(error as Error).message}`),
      );
    }, MAIL_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
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
    const now = this.clock.now();
    const cutoff = new Date(now.getTime() - MAIL_SWEEP_GRACE_MS);
    let count = 0;
    for await (const row of this.repository.unsent(cutoff, this.staleBefore(now))) {
      if (await this.jobs.isPending(row.id)) continue;
      await this.jobs.requeue(row.id);
      count++;
    }
    if (count) this.logger.warn(`Re-enqueued ${count} unsent mails whose jobs were missing`);
    return count;
  }

  private staleBefore(now: Date): Date {
    return new Date(now.getTime() - CLAIM_LEASE_MS);
  }
}
