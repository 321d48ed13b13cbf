import multipart from '@fastify/multipart';
import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { ProblemDto } from './common/errors/problem';
import { createValidationPipe } from './common/errors/validation';
import { documentIdempotencyKey } from './common/idempotency/idempotency.openapi';
import { applyOpenApiConventions, collectOperationFacts } from './common/openapi/openapi-conventions';
import { AppConfig } from './infra/config/config';
import { API_PREFIX } from './infra/http/api-prefix';
import { BootLogger } from './infra/logging/boot-logger';
import { installSecurityHeaders } from './infra/http/content-security';
import { installHttpMetrics } from './infra/metrics/http-metrics';
import { DASHBOARD_ROUTE } from './modules/platform/queue-dashboard/queue-dashboard.controller';
import { fastifyOf, installRequestId, installRequestPipeline } from './infra/http/request-pipeline';
import { installTraceRouteNames } from './infra/tracing/http-route';

export { API_PREFIX };

/**
 * Everything HTTP-wide, applied once, for main.ts and for the e2e tests alike. Signals are not
 * handled here: main.ts installs the graceful shutdown (docs/adr/0036), and the tests close their
 * in-process app themselves (Nest's enableShutdownHooks would close the app before the HTTP server
 * drains, and then wait for ever on keep-alive sockets).
 */
export function configureApp(app: INestApplication, config: AppConfig): INestApplication {
  // Nest's ~240 "Mapped {…}" lines go to debug; the boot prints "N routes mapped" instead.
  app.useLogger(new BootLogger(app.get(Logger)));
  // Fastify (ADR 0050) sends no X-Powered-By and makes no ETags: ETags are ours alone, a resource's
  // version (`"3"`) for If-Match. TRUST_PROXY, the request id, the query parser and the answers to
  // requests Node refuses are options of the platform itself (createHttpAdapter).
  const http = fastifyOf(app);
  // Request durations by route template and status (docs/adr/0063), observed after each answer.
  installHttpMetrics(app);
  installRequestId(app);
  // With tracing on, each request's span is named after its route (docs/adr/0064).
  installTraceRouteNames(app);
  installSecurityHeaders(http, BROWSER_PAGES);
  app.enableCors({
    origin: config.CORS_ORIGINS.length ? config.CORS_ORIGINS : false,
    // As the Express platform's `cors` answered: these methods, and a 204 to any OPTIONS request
    // (@fastify/cors would refuse one without Origin and Access-Control-Request-Method with a 400).
    methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'],
    strictPreflight: false,
    exposedHeaders: [
      'X-Request-Id',
      'ETag',
      'Retry-After',
      'Idempotency-Replayed',
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-RateLimit-Reset',
    ],
    allowedHeaders: [
      'Authorization',
      'Content-Type',
      'X-Api-Key',
      'If-Match',
      'Idempotency-Key',
      'X-Request-Id',
    ],
  });
  // After helmet and CORS, so that its refusals (bad input, bodies too large or deep) carry their headers.
  installRequestPipeline(app, { bodyLimit: config.BODY_LIMIT, jsonMaxDepth: config.JSON_MAX_DEPTH });
  // Multipart bodies are read by the route that takes them (attachments), with its own limits.
  void http.register(multipart);
  applyGlobalPrefix(app);
  app.useGlobalPipes(createValidationPipe());
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    useGlobalPrefix: false,
    // The Authorize token survives a reload (kept in the browser's localStorage by Swagger UI).
    swaggerOptions: { persistAuthorization: true },
  });
  return app;
}

/** The pages a person opens in a browser; they get a CSP that works over plain HTTP (content-security.ts). */
export const BROWSER_PAGES = ['/docs', '/docs-json', '/docs-yaml', `/${API_PREFIX}/${DASHBOARD_ROUTE}`];

/** `/api/v1` for every route but health and the API docs. */
export function applyGlobalPrefix(app: INestApplication): void {
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'docs', 'docs-json'] });
}

/** The tags of the document, in display order: every operation's tag must be one of these. */
const OPENAPI_TAGS: Array<[name: string, description: string]> = [
  ['api', 'The entry point: links to the docs, this document, the probes and the main collections'],
  ['auth', 'Registration, login, token refresh and logout'],
  ['organizations', 'Organizations (issuers and applicants) and their verification'],
  ['users', 'User accounts, roles and notification preferences'],
  ['invitations', 'Invitations by e-mail link into an organization (security administrators, user managers)'],
  ['api-keys', 'Integration API keys (shown once at creation, stored hashed)'],
  ['taxonomy', 'Industry chains and categories'],
  ['programs', 'Programs, their policy settings and scoring rubric'],
  ['calendar', 'The official working-day calendar: public holidays and make-up working days (调休) per year'],
  ['attachments', 'File uploads and downloads'],
  ['challenges', 'Challenges (榜单): drafts, vetting, publication, amendments, NDA'],
  ['teams', 'Applicant teams and consortia'],
  ['applications', 'Applications (揭榜申请) and their formal check'],
  ['experts', 'The expert pool'],
  ['review', 'Expert review: panel draw, declarations, scores, ranking'],
  ['sessions', 'Defence and site-visit sessions'],
  ['selection', 'Selection, publicity (公示), objections (异议) and the award'],
  ['projects', 'Projects: task book, signatures, milestones, change requests, stage gates'],
  ['payments', 'Tranches and the append-only money ledger'],
  ['acceptance', 'Acceptance (验收) and its panel'],
  [
    'service-network',
    'The technology-transfer network: broker profiles and the routing of needs to service centres',
  ],
  ['needs', 'The industry-demand library (需求库): needs, diagnosis, promotion to a list, interests'],
  [
    'contracts',
    'Technology contract records (技术合同登记): filing, registration, the public list and figures',
  ],
  ['results', 'The results library (成果库): results, vetting, confidential details, utilisation reports'],
  ['matching', 'Explained matches of needs, results, teams and experts; brokers’ labels (ADR 0060)'],
  ['integrity-records', 'Research integrity (科研诚信) records'],
  ['notifications', 'In-app notifications'],
  ['webhooks', 'Webhook subscriptions and deliveries, for integrations'],
  ['stats', 'Public statistics'],
  ['open-data', 'Open data: OCDS release packages'],
  ['audit', 'The audit trail'],
  ['operations', 'Operator tools'],
  ['health', 'Liveness and readiness probes (outside /api/v1, never rate limited)'],
];

/** `Challenges_list` for ChallengesController.list: stable names for generated clients. */
const operationId = (controllerKey: string, methodKey: string): string =>
  `${controllerKey.replace(/Controller$/, '')}_${methodKey}`;

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Jiebang Guashuai (揭榜挂帅) API')
    .setDescription(
      'Challenges, applications, expert review, projects and payments. Errors are RFC 9457 problem+json ' +
        'with a stable `code`; collections use keyset pagination (`limit`, `cursor`); money is integer fen.',
    )
    .setVersion('1')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'A short-lived access token from POST /auth/login or /auth/refresh. Validated as RFC8725 ' +
          'recommends: the algorithm is pinned (HS256, never `none`), issuer, audience and expiry are ' +
          'checked, and a token is refused at once when its user is disabled or their roles change.',
      },
      'bearer',
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-Api-Key',
        description: 'An integration key (POST /api-keys, shown once), for portals and other systems',
      },
      'apiKey',
    );
  for (const [name, description] of OPENAPI_TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build(), {
    operationIdFactory: operationId,
    // Error responses are generated from codes (applyOpenApiConventions) and refer to it.
    extraModels: [ProblemDto],
  });
  const facts = collectOperationFacts(app, operationId);
  const keyed = new Set([...facts].filter(([, fact]) => fact.idempotent).map(([id]) => id));
  return applyOpenApiConventions(documentIdempotencyKey(document, keyed), facts);
}
