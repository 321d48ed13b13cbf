import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UnrecoverableError } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../../infra/clock/clock';
import { InjectConfig } from '../../../infra/config/config';
import type { AppConfig } from '../../../infra/config/config';
import { OnDomainEvent } from '../../../infra/events/domain-event-handler';
import type { DeliveredEvent } from '../../../infra/events/domain-event-handler';
import { afterCommit, installAfterCommitHooks } from '../../../infra/scheduler/transaction-hooks';
import { MailJobs } from './mail-jobs';
import { mailRecipientsOf } from './mail-recipients';
import {
  MAIL_KINDS,
  MailContent,
  MailLocale,
  mailLocaleOf,
  MailTemplateError,
  renderMail,
} from './mail-templates';
import { MAIL_MESSAGE_MACHINE } from './mail-message-status';
import { MailRepository, NewMail } from './mail.repository';
import { smtpOptions } from './smtp-options';

/** What a skipped row says in last_error. */
export const SMTP_NOT_CONFIGURED = 'SMTP is not configured (SMTP_URL / SMTP_HOST unset): not sent';

/** A plausible address: something@something, no spaces (the users table holds what registration took). */
const ADDRESS = /^[^\s@]+@[^\s@]+$/;

/** The mail in the user's language; a template that cannot read the event is a bug, not retried. */
function render(event: DeliveredEvent, locale: MailLocale, displayName: string): MailContent {
  try {
    return renderMail(event.type, event.data, locale, { displayName });
  } catch (error) {
    if (error instanceof MailTemplateError) throw new UnrecoverableError(error.message);
    throw error;
  }
}

/**
 * Turns the events of the mail table into mail_messages rows, one per recipient, in the event
 * handler's transaction (so at most once per event, and unique per event and user besides); the
 * send jobs are enqueued after commit. Recipients are those of the event's in-app rule; a user who
 * is disabled, has no usable address or opted out of the kind gets no row.
 */
@Injectable()
export class MailEventsHandler implements OnModuleInit {
  private readonly logger = new Logger(MailEventsHandler.name);
  private readonly sending: boolean;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() config: AppConfig,
    private readonly repository: MailRepository,
    private readonly jobs: MailJobs,
    private readonly clock: Clock,
  ) {
    this.sending = smtpOptions(config) !== null;
  }

  onModuleInit(): void {
    installAfterCommitHooks(this.dataSource);
    const orphans = MAIL_KINDS.filter((kind) => !mailRecipientsOf(kind));
    if (orphans.length) {
      this.logger.warn(
        `Mail kinds without an in-app notification rule (no recipients, so no mail): ${orphans.join(', ')}`,
      );
    }
  }

  @OnDomainEvent(...MAIL_KINDS)
  async onEvent(event: DeliveredEvent, em: EntityManager): Promise<void> {
    const recipients = mailRecipientsOf(event.type);
    if (!recipients) return;
    const userIds = [...new Set(await recipients(event, em))];
    const now = this.clock.now();
    const mails: NewMail[] = [];
    for (const user of await this.repository.addressees(em, userIds)) {
      const address = user.email?.trim() ?? '';
      if (!user.enabled || !ADDRESS.test(address) || user.email_opt_outs.includes(event.type)) continue;
      const locale = mailLocaleOf(user.locale);
      const content = render(event, locale, user.display_name);
      mails.push({
        eventId: event.id,
        userId: user.id,
        kind: event.type,
        toAddress: address,
        locale,
        subject: content.subject,
        bodyText: content.text,
        status: MAIL_MESSAGE_MACHINE.initial(this.sending ? 'queue' : 'skip'),
        lastError: this.sending ? null : SMTP_NOT_CONFIGURED,
        createdAt: now,
      });
    }
    const inserted = await this.repository.insertNew(em, mails);
    if (!this.sending) {
      if (inserted.length)
        this.logger.log(
          `${inserted.length} mail(s) for ${event.type} ${event.id} recorded, not sent: no SMTP`,
        );
      return;
    }
    const queued = inserted
      .filter((row) => row.status === MAIL_MESSAGE_MACHINE.initial('queue'))
      .map((row) => row.id);
    afterCommit(em, async () => {
      // One failed enqueue does not stop the others; the reconciler re-adds what is missing.
      for (const id of queued) {
        await this.jobs
          .enqueue(id)
          .catch((error: unknown) =>
            this.logger.warn(
              { err: error, mailId: id },
              `Mail job not enqueued: ${(error as Error).message}`,
            ),
          );
      }
    });
  }
}
