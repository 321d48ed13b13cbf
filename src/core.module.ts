import { DynamicModule, Global, Module } from '@nestjs/common';
import { AuditService } from './common/audit/audit.service';
import { PasswordHasher } from './common/auth/passwords';
import { ClockModule } from './infra/clock/clock';
import { AppConfig, ConfigModule } from './infra/config/config';
import { DatabaseModule } from './infra/database/database.module';
import { ReadReplicas } from './infra/database/read-replicas';
import { OutboxService } from './infra/events/outbox.service';
import { ShutdownState } from './infra/lifecycle/shutdown';
import { LoggingModule } from './infra/logging/logging.module';
import { MetricsModule } from './infra/metrics/metrics.module';
import { RedisModule } from './infra/redis/redis.module';

/**
 * What both processes (API and worker) stand on: config, clock, logs, database, Redis, audit,
 * outbox, password hashing, metrics, whether the process is shutting down, and the read replicas
 * public reads may use (ADR 0065; connected only once such a read asks).
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(config),
        ClockModule,
        LoggingModule,
        DatabaseModule,
        RedisModule,
        MetricsModule,
      ],
      providers: [AuditService, OutboxService, PasswordHasher, ShutdownState, ReadReplicas],
      exports: [AuditService, OutboxService, PasswordHasher, ShutdownState, ReadReplicas],
    };
  }
}
