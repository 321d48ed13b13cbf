import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { createTransport, Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { Clock } from '../../../infra/clock/clock';
import { InjectConfig } from '../../../infra/config/config';
import type { AppConfig } from '../../../infra/config/config';
import { Metrics } from '../../../infra/metrics/metrics';
import { JobHandler } from '../../../infra/queue/job-handler';
import { JobName, JobPayloads } from '../../../infra/queue/queue.constants';
import { MailRepository } from './mail.repository';
import { ACCOUNT_MAIL_KINDS, REDACTED_TOKEN } from './templates/account-mails';
import { smtpOptions } from './smtp-options';

/**
 * How long a `sending` claim holds before another run may take the row over (its run died between
 * claim and result). Far longer than one SMTP conversation may last (SMTP_TIMEOUTS).
 */
export const CLAIM_LEASE_MS = 5 * 60_000;

export type SendOutcome = 'sent' | 'already-done';

/** The row is held by a live run of another job; thrown so BullMQ retries after the lease. */
export class MailClaimedElsewhere extends Error {
  constructor(mailId: string) {
    super(`Mail ${mailId} is being sent by another run; retrying after its claim lapses`);
    this.name = 'MailClaimedElsewhere';
  }
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  message?: string;
}

/**
 * A refusal that no retry changes: the server answered 5xx to the message or its recipient.
 * A 5xx to the login (EAUTH) is a configuration fault an operator can fix, so it is retried.
 */
export function isPermanentSmtpError(error: unknown): boolean {
  const e = (error ?? {}) as SmtpError;
  return typeof e.responseCode === 'number' && e.responseCode >= 500 && e.code !== 'EAUTH';
}

/** The domain of MAIL_FROM, for Message-IDs: `Name <noreply@jiebang.local>` → `jiebang.local`. */
export function senderDomain(from: string): string {
  return /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'jiebang.local';
}

/**
 * Sends a mail_messages row over SMTP (worker). The row is claimed by a conditional UPDATE before
 * the SMTP conversation, so two runs of the job (a redelivery, a re-enqueue, two workers) send it
 * once; the result is written after. At least once, not exactly once: a run that dies after the
 * server accepted the message and before the row says `sent` leaves a `sending` claim, which is
 * taken over after CLAIM_LEASE_MS and sent again (with the same Message-ID). See ADR 0031.
 */
@Injectable()
export class MailSender implements BeforeApplicationShutdown {
  private readonly logger = new Logger(MailSender.name);
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo> | null;
  private readonly from: string;
  private readonly domain: string;

  constructor(
    @InjectConfig() config: AppConfig,
    private readonly repository: MailRepository,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {
    const options = smtpOptions(config);
    this.transport = options ? createTransport(options) : null;
    this.from = config.MAIL_FROM;
    this.domain = senderDomain(config.MAIL_FROM);
  }

  get configured(): boolean {
    return this.transport !== null;
  }

  beforeApplicationShutdown(): void {
    this.transport?.close();
  }

  @JobHandler(JobName.SendMail)
  async run(job: Job<JobPayloads[JobName.SendMail]>): Promise<SendOutcome> {
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return this.deliver(job.data.mailId, { finalAttempt });
  }

  /**
   * One attempt at a row. Returns `already-done` when there is nothing to send (sent, failed or
   * skipped already). Throws to have BullMQ retry (transient SMTP failure, row claimed by a live
   * run), or UnrecoverableError (permanent refusal, no such row, no SMTP in this worker).
   */
  async deliver(mailId: string, { finalAttempt = false } = {}): Promise<SendOutcome> {
    if (!this.transport) {
      // The row stays queued: a worker with SMTP re-enqueues it when it starts (MailReconciler).
      throw new UnrecoverableError(`Mail ${mailId} not sent: this worker has no SMTP configured`);
    }
    const now = this.clock.now();
    const claimed = await this.repository.claim(mailId, now, new Date(now.getTime() - CLAIM_LEASE_MS));
    if (!claimed) {
      const row = await this.repository.statusOf(mailId);
      if (!row) throw new UnrecoverableError(`Mail ${mailId} does not exist`);
      if (row.status === 'sending') throw new MailClaimedElsewhere(mailId);
      this.metrics.mailAttempts.inc({ outcome: 'already-done' });
      return 'already-done';
    }
    try {
      await this.transport.sendMail({
        from: this.from,
        to: claimed.to_address,
        subject: claimed.subject,
        text: claimed.body_text,
        // The same for every attempt, so a duplicate from the at-least-once window can be recognised.
        messageId: `<${mailId}@${this.domain}>`,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Jiebang-Mail-Id': mailId },
      });
    } catch (error) {
      const permanent = isPermanentSmtpError(error);
      const message = ((error as SmtpError).message ?? String(error)).slice(0, 1000);
      const action = permanent || finalAttempt ? 'fail' : 'requeue';
      await this.repository.finish(mailId, claimed.attempts, action, this.clock.now(), message);
      if (action === 'fail') await this.repository.redactLinks(mailId, ACCOUNT_MAIL_KINDS, REDACTED_TOKEN);
      this.metrics.mailAttempts.inc({ outcome: action === 'fail' ? 'failed' : 'retrying' });
      this.logger.warn(
        { err: error, mailId, attempt: claimed.attempts },
        `Mail ${mailId} attempt ${claimed.attempts} failed${action === 'fail' ? ' for good' : ''}: ${message}`,
      );
      if (permanent) throw new UnrecoverableError(`Mail ${mailId} refused: ${message}`);
      throw error;
    }
    await this.repository.finish(mailId, claimed.attempts, 'send', this.clock.now(), null);
    await this.repository.redactLinks(mailId, ACCOUNT_MAIL_KINDS, REDACTED_TOKEN);
    this.metrics.mailAttempts.inc({ outcome: 'sent' });
    return 'sent';
  }
}
