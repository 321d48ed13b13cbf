import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuthGuard } from './common/auth/auth.guard';
import { ProblemFilter } from './common/errors/problem.filter';
import { IdempotencyInterceptor } from './common/idempotency/idempotency.interceptor';
import { IdempotencyModule } from './common/idempotency/idempotency.module';
import { RateLimitGuard } from './common/rate-limit/rate-limit.guard';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import { CoreModule } from './core.module';
import { AppConfig } from './infra/config/config';
import { QueueModule } from './infra/queue/queue.module';
import { SchedulerModule } from './infra/scheduler/scheduler.module';
import { ApiKeysModule } from './modules/platform/api-keys/api-keys.module';
import { ApplicationsModule } from './modules/call/applications/applications.module';
import { AttachmentsModule } from './modules/platform/attachments/attachments.module';
import { AuditModule } from './modules/platform/audit/audit.module';
import { CalendarModule } from './modules/platform/calendar/calendar.module';
import { ChallengesModule } from './modules/call/challenges/challenges.module';
import { ExpertsModule } from './modules/evaluation/experts/experts.module';
import { AuthModule } from './modules/platform/auth/auth.module';
import { HealthModule } from './modules/platform/health/health.module';
import { NotificationsModule } from './modules/outreach/notifications/notifications.module';
import { OrganizationsModule } from './modules/platform/organizations/organizations.module';
import { ProgramsModule } from './modules/call/programs/programs.module';
import { QueueDashboardModule } from './modules/platform/queue-dashboard/queue-dashboard.module';
import { ReviewsModule } from './modules/evaluation/reviews/reviews.module';
import { SelectionModule } from './modules/delivery/selection/selection.module';
import { ProjectsModule } from './modules/delivery/projects/projects.module';
import { PaymentsModule } from './modules/delivery/payments/payments.module';
import { AcceptanceModule } from './modules/delivery/acceptance/acceptance.module';
import { NetworkModule } from './modules/transfer/network/network.module';
import { NeedsModule } from './modules/transfer/needs/needs.module';
import { ContractsModule } from './modules/transfer/contracts/contracts.module';
import { ResultsModule } from './modules/transfer/results/results.module';
import { MatchingModule } from './modules/transfer/matching/matching.module';
import { StatsModule } from './modules/outreach/stats/stats.module';
import { OpenDataModule } from './modules/outreach/open-data/open-data.module';
import { SessionsModule } from './modules/evaluation/sessions/sessions.module';
import { TaxonomyModule } from './modules/platform/taxonomy/taxonomy.module';
import { TeamsModule } from './modules/call/teams/teams.module';
import { TermsModule } from './modules/platform/terms/terms.module';
import { UsersModule } from './modules/platform/users/users.module';
import { MailModule } from './modules/outreach/mail/mail.module';
import { WebhooksModule } from './modules/outreach/webhooks/webhooks.module';

/**
 * The HTTP API process: every controller module, the global filter, guards and rate limits.
 * It enqueues jobs and schedules deadlines but processes none (that is WorkerModule's).
 */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.forRoot(config),
        RateLimitModule,
        IdempotencyModule,
        QueueModule,
        SchedulerModule,
        HealthModule,
        AuthModule,
        OrganizationsModule,
        UsersModule,
        ApiKeysModule,
        NotificationsModule,
        AuditModule,
        QueueDashboardModule,
        TaxonomyModule,
        CalendarModule,
        TermsModule,
        ProgramsModule,
        AttachmentsModule,
        ChallengesModule,
        TeamsModule,
        ApplicationsModule,
        ExpertsModule,
        ReviewsModule,
        SessionsModule,
        SelectionModule,
        ProjectsModule,
        PaymentsModule,
        AcceptanceModule,
        NetworkModule,
        NeedsModule,
        ContractsModule,
        ResultsModule,
        MatchingModule,
        StatsModule,
        OpenDataModule,
        MailModule,
        WebhooksModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        // Guards run in this order: per-IP rate limits first, then authentication and roles.
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        // Interceptors run after every guard: the caller that scopes an Idempotency-Key is known.
        { provide: APP_INTERCEPTOR, useExisting: IdempotencyInterceptor },
      ],
    };
  }
}
