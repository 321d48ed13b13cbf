import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { IdempotencyModule } from '../common/idempotency/idempotency.module';
import { CoreModule } from '../core.module';
import { AppConfig, ConfigError, parseConfig, processEnv } from '../infra/config/config';
import { QueueModule } from '../infra/queue/queue.module';
import { SchedulerModule } from '../infra/scheduler/scheduler.module';
import { ApplicationsModule } from '../modules/call/applications/applications.module';
import { AuthModule } from '../modules/platform/auth/auth.module';
import { ChallengesModule } from '../modules/call/challenges/challenges.module';
import { OrganizationsModule } from '../modules/platform/organizations/organizations.module';
import { ProgramsModule } from '../modules/call/programs/programs.module';
import { TeamsModule } from '../modules/call/teams/teams.module';
import { UsersModule } from '../modules/platform/users/users.module';
import { ContractsModule } from '../modules/transfer/contracts/contracts.module';
import { NeedsModule } from '../modules/transfer/needs/needs.module';
import { NetworkModule } from '../modules/transfer/network/network.module';
import { ResultsModule } from '../modules/transfer/results/results.module';
import { parseLauncherConfig } from '../infra/config/launcher.config';
import { checkDatabase, checkRedisTarget } from '../infra/startup/preflight';
import { reportStartupFailure } from '../infra/startup/startup-errors';
import { demoAccountsFile } from './demo-accounts-file';
import { isTotpSecret } from '../modules/platform/auth/mfa/totp';
import { seedDemo } from './seed-demo';

/**
 * What the seed needs of the API: the services that create organizations, users, programs, challenges,
 * teams and applications, service centres, brokers, needs, results and contracts, with the queue and the deadline scheduler they enqueue into. No HTTP, no workers.
 */
@Module({})
class SeedModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: SeedModule,
      imports: [
        CoreModule.forRoot(config),
        // The applications module's controllers are registered (never served): their interceptor needs it.
        IdempotencyModule,
        QueueModule,
        SchedulerModule,
        OrganizationsModule,
        UsersModule,
        // The demo admin is enrolled in TOTP (MfaEnrolmentService, ADR 0044).
        AuthModule,
        ProgramsModule,
        ChallengesModule,
        TeamsModule,
        ApplicationsModule,
        // The transfer loop (src/seed/seed-transfer.ts): centres, brokers, needs, results, contracts.
        NetworkModule,
        NeedsModule,
        ResultsModule,
        ContractsModule,
      ],
    };
  }
}

/**
 * `npm run seed:demo`: loads the demo data (src/seed/demo-data.ts) into the database of
 * DATABASE_URL, migrating first unless MIGRATE_ON_START=false. Running it again changes nothing.
 * `npm start` runs it by itself on an empty database (SEED_DEMO).
 */
async function main(): Promise<void> {
  const env = processEnv();
  const parsed = parseConfig(env);
  // Errors only: the boot-time warnings of the API (e.g. "no admin user exists") do not apply here.
  const quiet = parsed.LOG_LEVEL === 'fatal' || parsed.LOG_LEVEL === 'silent';
  const config: AppConfig = { ...parsed, LOG_LEVEL: quiet ? parsed.LOG_LEVEL : 'error' };
  const password = env.SEED_DEMO_PASSWORD || undefined;
  const totpSecret = env.SEED_DEMO_TOTP_SECRET || undefined;
  if (totpSecret !== undefined && !isTotpSecret(totpSecret)) {
    throw new ConfigError(['SEED_DEMO_TOTP_SECRET: must be base32 (A-Z, 2-7) of at least 26 characters']);
  }
  if (password !== undefined && password.length < 12) {
    throw new ConfigError(['SEED_DEMO_PASSWORD: must be at least 12 characters']);
  }
  await checkDatabase(config.DATABASE_URL, config.STARTUP_WAIT_MS);
  await checkRedisTarget(config, config.STARTUP_WAIT_MS);
  const app = await NestFactory.createApplicationContext(SeedModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  try {
    // DATA_DIR/demo-accounts.txt (mode 0600): the password does not scroll away with the logs.
    await seedDemo(app, {
      password,
      totpSecret,
      accountsFile: demoAccountsFile(parseLauncherConfig(env).dataDir),
    });
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  reportStartupFailure(error, '[seed] Loading the demo data failed: ');
});
