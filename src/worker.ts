// First, before anything it instruments is required: OpenTelemetry when configured (docs/adr/0064).
import './infra/tracing/tracing';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadConfigFromEnv } from './infra/config/config';
import { BootLogger } from './infra/logging/boot-logger';
import { closeApplication } from './infra/lifecycle/close-application';
import { exitOnShutdownSignal, ShutdownState } from './infra/lifecycle/shutdown';
import { checkDatabase, checkRedisTarget } from './infra/startup/preflight';
import { reportStartupFailure } from './infra/startup/startup-errors';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const config = loadConfigFromEnv();
  // A wrong DATABASE_URL or an absent Redis ends the start with one line naming it (docs/adr/0048).
  await checkDatabase(config.DATABASE_URL, config.STARTUP_WAIT_MS);
  await checkRedisTarget(config, config.STARTUP_WAIT_MS);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  // Nest's line per module at boot goes to debug (docs/adr/0048).
  app.useLogger(new BootLogger(app.get(Logger)));
  // SIGTERM/SIGINT (docs/adr/0036): running jobs get the drain part of SHUTDOWN_GRACE_MS, then are
  // released to run again; the relay, queues, Redis and PostgreSQL close; the process exits within
  // the grace whatever Redis does. Installed before init, so a signal during start-up waits for it.
  exitOnShutdownSignal(config.SHUTDOWN_GRACE_MS, async ({ startedAt, budget }) => {
    app.get(ShutdownState).beginDraining(startedAt);
    await closeApplication(app, startedAt + budget.drainMs + budget.closeMs, new NestLogger('Shutdown'));
  });
  await app.init();
}

bootstrap().catch((error: unknown) => {
  reportStartupFailure(error, '[worker] ');
  process.exit(1);
});
