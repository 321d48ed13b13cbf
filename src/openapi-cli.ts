import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { ApiModule } from './api.module';
import { applyGlobalPrefix, buildOpenApiDocument } from './app.setup';
import { parseConfig } from './infra/config/config';
import { createHttpAdapter } from './infra/http/http-adapter';

/**
 * `npm run openapi`: writes docs/openapi.json. Nest's preview mode builds the module graph without
 * running any provider, so no database or Redis is needed; the values below only satisfy the schema.
 * The e2e test checks that the running API serves exactly this document.
 */
async function main(): Promise<void> {
  const config = parseConfig({
    DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
    REDIS_URL: 'redis://127.0.0.1:1',
    JWT_ACCESS_SECRET: 'unused-unused-unused-unused-unused',
    LOG_LEVEL: 'silent',
  });
  const app = await NestFactory.create(ApiModule.forRoot(config), createHttpAdapter(), {
    preview: true,
    logger: false,
    bodyParser: false,
  });
  applyGlobalPrefix(app);
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
