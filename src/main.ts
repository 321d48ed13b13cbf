import { NestFactory } from '@nestjs/core';
import { ApiModule } from './api.module';
import { configureApp } from './app.setup';
import { loadConfigFromEnv } from './infra/config/config';
import { installGracefulShutdown } from './infra/http/graceful-shutdown';

async function bootstrap(): Promise<void> {
  const config = loadConfigFromEnv();
  const app = await NestFactory.create(ApiModule.forRoot(config), { bufferLogs: true, bodyParser: false });
  configureApp(app, config);
  // SIGTERM/SIGINT: drain HTTP, close Nest, exit, all within SHUTDOWN_GRACE_MS (docs/adr/0036).
  installGracefulShutdown(app, config);
  await app.listen(config.PORT, config.HOST);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
