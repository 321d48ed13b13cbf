import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './common/auth/auth.guard';
import { RateLimitGuard } from './common/rate-limit/rate-limit.guard';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import { ApiKeysModule } from './modules/api-keys/api-keys.module';
import { AuthModule } from './modules/auth/auth.module';
import { OrganizationsModule } from './modules/organizations/organizations.module';
import { UsersModule } from './modules/users/users.module';
import { ProblemFilter } from './common/errors/problem.filter';
import { IdempotencyModule } from './common/idempotency/idempotency.module';
import { CoreModule } from './core.module';
import { AuditModule } from './modules/audit/audit.module';
import { AppConfig } from './infra/config/config';
import { HealthModule } from './modules/health/health.module';
import { QueueModule } from './infra/queue/queue.module';
import { SchedulerModule } from './infra/scheduler/scheduler.module';
import { NotificationsModule } from './modules/notifications/notifications.module';

/** The HTTP API process: every controller module, the global filter, guards and rate limits. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.forRoot(config),
        RateLimitModule,
        OrganizationsModule,
        UsersModule,
        AuthModule,
        ApiKeysModule,
        HealthModule,
        IdempotencyModule,
        AuditModule,
        QueueModule,
        SchedulerModule,
        NotificationsModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        // Guards run in this order: per-IP rate limits first, then authentication and roles.
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }
}
