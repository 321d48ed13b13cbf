// First, before anything it instruments is required: OpenTelemetry when configured (docs/adr/0064).
import './infra/tracing/tracing';
import { NestFactory } from '@nestjs/core';
import { ApiModule } from './api.module';
import { configureApp } from './app.setup';
import { loadConfigFromEnv } from './infra/config/config';
import { createHttpAdapter } from './infra/http/http-adapter';
import { installGracefulShutdown } from './infra/http/graceful-shutdown';
import { asListenError, checkDatabase, checkRedisTarget } from './infra/startup/preflight';
import { reportStartupFailure } from './infra/startup/startup-errors';

async function bootstrap(): Promise<void> {
  const config = loadConfigFromEnv();
  // A wrong DATABASE_URL or an absent Redis ends the start with one line naming it (docs/adr/0048).
  await checkDatabase(config.DATABASE_URL, config.STARTUP_WAIT_MS);
  await checkRedisTarget(config, config.STARTUP_WAIT_MS);
  const app = await NestFactory.create(ApiModule.forRoot(config), createHttpAdapter(config), {
    bufferLogs: true,
    // Flushed below once listening: Fastify's listen callback would flush them on a failed listen too.
    autoFlushLogs: false,
    bodyParser: false,
  });
  configureApp(app, config);
  // SIGTERM/SIGINT: drain HTTP, close Nest, exit, all within SHUTDOWN_GRACE_MS (docs/adr/0036).
  installGracefulShutdown(app, config);
  // Nest holds the boot's log lines until it listens: a failed listen prints only its one line.
  await app.listen(config.PORT, config.HOST).catch((error: unknown) => {
    throw asListenError(error, config.PORT, config.HOST);
  });
  app.flushLogs();
}

bootstrap().catch((error: unknown) => {
  reportStartupFailure(error, '[api] ');
  process.exit(1);
});
