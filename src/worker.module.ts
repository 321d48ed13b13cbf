import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule } from './core.module';
import { AppConfig } from './infra/config/config';
import { EventsWorkerModule } from './infra/events/events-worker.module';
import { WorkerMetricsModule } from './infra/metrics/metrics.module';
import { JobWorkersModule } from './infra/queue/job-workers';
import { QueueModule } from './infra/queue/queue.module';
import { RetentionWorkerModule } from './infra/retention/retention.module';
import { SchedulerModule, SchedulerWorkerModule } from './infra/scheduler/scheduler.module';
import { ChallengesModule } from './modules/call/challenges/challenges.module';
import { NotificationsModule } from './modules/outreach/notifications/notifications.module';
import { ReviewsModule } from './modules/evaluation/reviews/reviews.module';
import { SelectionModule } from './modules/delivery/selection/selection.module';
import { ProjectsModule } from './modules/delivery/projects/projects.module';
import { PaymentsModule } from './modules/delivery/payments/payments.module';
import { AcceptanceModule } from './modules/delivery/acceptance/acceptance.module';
import { NeedsModule } from './modules/transfer/needs/needs.module';
import { ResultsModule } from './modules/transfer/results/results.module';
import { MatchingWorkerModule } from './modules/transfer/matching/matching.module';
import { MailWorkerModule } from './modules/outreach/mail/mail.module';
import { PasswordResetWorkerModule } from './modules/platform/auth/password-reset-worker.module';
import { WebhooksWorkerModule } from './modules/outreach/webhooks/webhooks.module';
import { AuditWorkerModule } from './modules/platform/audit/audit.module';
import { StatsWorkerModule } from './modules/outreach/stats/stats.module';

/** The worker process: BullMQ processors, the outbox relay and the deadline handlers; no HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot(config),
        QueueModule,
        SchedulerModule,
        EventsWorkerModule,
        SchedulerWorkerModule,
        NotificationsModule,
        PasswordResetWorkerModule,
        ChallengesModule,
        ReviewsModule,
        SelectionModule,
        ProjectsModule,
        PaymentsModule,
        AcceptanceModule,
        NeedsModule,
        ResultsModule,
        MatchingWorkerModule,
        MailWorkerModule,
        WebhooksWorkerModule,
        AuditWorkerModule,
        StatsWorkerModule,
        RetentionWorkerModule,
        JobWorkersModule,
        WorkerMetricsModule,
      ],
    };
  }
}
