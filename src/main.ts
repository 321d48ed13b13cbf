import { NestFactory } from '@nestjs/core';
import { ApiModule } from './api.module';
import { configureApp } from './app.setup';
import { loadConfigFromEnv } from './infra/config/config';

async function bootstrap(): Promise<void> {
  const config = loadConfigFromEnv();
  const app = await NestFactory.create(ApiModule.forRoot(config), { bufferLogs: true, bodyParser: false });
  configureApp(app, config);
  await app.listen(config.PORT, config.HOST);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
