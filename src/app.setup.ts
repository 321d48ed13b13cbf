import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { createValidationPipe } from './common/errors/validation';
import { AppConfig } from './infra/config/config';
import { installRequestPipeline } from './infra/http/request-pipeline';

export const API_PREFIX = 'api/v1';

/** Everything HTTP-wide, applied once, for main.ts and for the e2e tests alike. */
export function configureApp(app: INestApplication, config: AppConfig): INestApplication {
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  const http = app.getHttpAdapter().getInstance() as {
    set(key: string, value: unknown): void;
    disable(key: string): void;
  };
  http.disable('x-powered-by');
  // ETags are ours alone: a resource's version (`"3"`), for If-Match. Express's body hashes would mislead.
  http.set('etag', false);
  if (config.TRUST_PROXY) http.set('trust proxy', true);
  installRequestPipeline(app, config.BODY_LIMIT);
  app.use(
    helmet({
      // Swagger UI at /docs needs inline styles and scripts of its own.
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", "'unsafe-inline'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
        },
      },
    }),
  );
  app.enableCors({
    origin: config.CORS_ORIGINS.length ? config.CORS_ORIGINS : false,
    exposedHeaders: ['X-Request-Id', 'ETag', 'Retry-After', 'Idempotency-Replayed'],
    allowedHeaders: [
      'Authorization',
      'Content-Type',
      'X-Api-Key',
      'If-Match',
      'Idempotency-Key',
      'X-Request-Id',
    ],
  });
  applyGlobalPrefix(app);
  app.useGlobalPipes(createValidationPipe());
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    useGlobalPrefix: false,
  });
  return app;
}

/** `/api/v1` for every route but health and the API docs. */
export function applyGlobalPrefix(app: INestApplication): void {
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'docs', 'docs-json'] });
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Jiebang Guashuai (揭榜挂帅) API')
    .setDescription(
      'Challenge lists, bids, expert review, projects and payments. Errors are RFC 9457 problem+json ' +
        'with a stable `code`; collections use keyset pagination (`limit`, `cursor`); money is integer fen.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'apiKey')
    .build();
  return SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey: string, methodKey: string) =>
      `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
}
