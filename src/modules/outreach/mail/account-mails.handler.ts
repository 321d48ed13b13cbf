import { Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { EntityManager } from 'typeorm';
import { openSecret } from '../../../common/auth/sealed-secrets';
import { Clock } from '../../../infra/clock/clock';
import { InjectConfig } from '../../../infra/config/config';
import type { AppConfig } from '../../../infra/config/config';
import { OnDomainEvent } from '../../../infra/events/domain-event-handler';
import type { DeliveredEvent } from '../../../infra/events/domain-event-handler';
import { afterCommit } from '../../../infra/scheduler/transaction-hooks';
import { MailJobs } from './mail-jobs';
import { MailContent, MailLocale, mailLocaleOf, MailTemplateError } from './mail-data';
import { MAIL_MESSAGE_MACHINE } from './mail-message-status';
import { SMTP_NOT_CONFIGURED } from './mail.events';
import { MailRepository } from './mail.repository';
import { smtpOptions } from './smtp-options';
import { ACCOUNT_MAIL_KINDS, redactLinks, renderAccountMail } from './templates/account-mails';

/** A plausible address: something@something, no spaces. */
const ADDRESS = /^[^\s@]+@[^\s@]+$/;

/**
 * Account mails (ADR 0045): the password-reset and invitation events of the platform become one
 * mail_messages row each, to the address the event names (an invitee is no user yet), sent by the
 * same job, retries and reconciler as every mail. No opt-out: they are what signing in needs.
 */
@Injectable()
export class AccountMailsHandler {
  private readonly logger = new Logger(AccountMailsHandler.name);
  private readonly sending: boolean;
  private readonly webUrl: string;
  private readonly appSecret: string;

  constructor(
    @InjectConfig() config: AppConfig,
    private readonly repository: MailRepository,
    private readonly jobs: MailJobs,
    private readonly clock: Clock,
  ) {
    this.sending = smtpOptions(config) !== null;
    this.webUrl = config.PUBLIC_WEB_URL;
    this.appSecret = config.JWT_ACCESS_SECRET;
  }

  @OnDomainEvent(...ACCOUNT_MAIL_KINDS)
  async onEvent(event: DeliveredEvent, em: EntityManager): Promise<void> {
    const address = typeof event.data.email === 'string' ? event.data.email.trim() : '';
    if (!ADDRESS.test(address)) throw new UnrecoverableError(`${event.type} ${event.id}: no usable address`);
    const locale = mailLocaleOf(typeof event.data.locale === 'string' ? event.data.locale : null);
    const content = this.render(event, locale);
    const row = await this.repository.insertAccountMail(em, {
      eventId: event.id,
      userId: typeof event.data.userId === 'string' ? event.data.userId : null,
      kind: event.type,
      toAddress: address,
      locale,
      subject: content.subject,
      // Not to be sent (no SMTP): the row keeps no usable link.
      bodyText: this.sending ? content.text : redactLinks(content.text),
      status: MAIL_MESSAGE_MACHINE.initial(this.sending ? 'queue' : 'skip'),
      lastError: this.sending ? null : SMTP_NOT_CONFIGURED,
      createdAt: this.clock.now(),
    });
    if (!row || !this.sending) return;
    afterCommit(em, async () => {
      await this.jobs
        .enqueue(row.id)
        .catch((error: unknown) =>
          this.logger.warn(
            { err: error, mailId: row.id },
            `Mail job not enqueued: ${(error as Error).message}`,
          ),
        );
    });
  }

  /** The mail, with the link's token unsealed (sealed-secrets.ts); a bad event is not retried. */
  private render(event: DeliveredEvent, locale: MailLocale): MailContent {
    const sealed = event.data.sealedToken;
    let token: string;
    try {
      token = openSecret(this.appSecret, typeof sealed === 'string' ? sealed : '');
    } catch {
      throw new UnrecoverableError(`${event.type} ${event.id}: the link token cannot be unsealed`);
    }
    try {
      return renderAccountMail(event.type, { ...event.data, token }, locale, this.webUrl);
    } catch (error) {
      if (error instanceof MailTemplateError) throw new UnrecoverableError(error.message);
      throw error;
    }
  }
}
