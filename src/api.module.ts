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
import { ApiKeysModule } from './modules/api-keys/api-keys.module';
import { ApplicationsModule } from './modules/applications/applications.module';
import { AttachmentsModule } from './modules/attachments/attachments.module';
import { AuditModule } from './modules/audit/audit.module';
import { CalendarModule } from './modules/calendar/calendar.module';
import { ChallengesModule } from './modules/challenges/challenges.module';
import { ExpertsModule } from './modules/experts/experts.module';
import { AuthModule } from './modules/auth/auth.module';
import { HealthModule } from './modules/health/health.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { OrganizationsModule } from './modules/organizations/organizations.module';
import { ProgramsModule } from './modules/programs/programs.module';
import { QueueDashboardModule } from './modules/queue-dashboard/queue-dashboard.module';
import { ReviewsModule } from './modules/reviews/reviews.module';
import { SelectionModule } from './modules/selection/selection.module';
import { ProjectsModule } from './modules/projects/projects.module';
import { PaymentsModule } from './modules/payments/payments.module';
import { AcceptanceModule } from './modules/acceptance/acceptance.module';
import { StatsModule } from './modules/stats/stats.module';
import { OpenDataModule } from './modules/open-data/open-data.module';
import { SessionsModule } from './modules/sessions/sessions.module';
import { TaxonomyModule } from './modules/taxonomy/taxonomy.module';
import { TeamsModule } from './modules/teams/teams.module';
import { UsersModule } from './modules/users/users.module';
import { MailModule } from './modules/mail/mail.module';
import { WebhooksModule } from './modules/webhooks/webhooks.module';

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
