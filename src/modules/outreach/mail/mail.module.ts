import { Module } from '@nestjs/common';
import { UsersModule } from '../../platform/users/users.module';
import { AccountMailsHandler } from './account-mails.handler';
import { MailJobs } from './mail-jobs';
import { NotificationPreferencesController } from './mail-preferences.controller';
import { MailPreferencesService } from './mail-preferences.service';
import { MailEventsHandler } from './mail.events';
import { MailReconciler } from './mail.reconciler';
import { MailRepository } from './mail.repository';
import { MailSender } from './mail.sender';

/** E-mail, API side: the caller's notification preferences (language, opt-outs per kind). */
@Module({
  imports: [UsersModule],
  controllers: [NotificationPreferencesController],
  providers: [MailPreferencesService, MailRepository],
})
export class MailModule {}

/**
 * E-mail, worker side (docs/adr/0031): events of the mail table become mail_messages rows, a
 * BullMQ job sends each over SMTP, and the reconciler re-enqueues unsent rows whose job is gone.
 */
@Module({
  providers: [MailRepository, MailJobs, MailEventsHandler, AccountMailsHandler, MailSender, MailReconciler],
  exports: [MailSender, MailReconciler],
})
export class MailWorkerModule {}
