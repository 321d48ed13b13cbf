import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { ApiModule } from './api.module';
import { buildOpenApiDocument, configureApp } from './app.setup';
import { loadConfigFromEnv } from './infra/config/config';

/** Writes docs/openapi.json from the running module graph (needs a reachable database and Redis). */
async function main(): Promise<void> {
  const config = loadConfigFromEnv();
  const app = await NestFactory.create(ApiModule.forRoot(config), { logger: false, bodyParser: false });
  configureApp(app, config);
  await app.init();
  const document = buildOpenApiDocument(app);
  writeFileSync(
    join(__dirname, '..', '..', 'docs', 'openapi.json'),
    `${JSON.stringify(document, null, 2)}\n`,
  );
  await app.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
