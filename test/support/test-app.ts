import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { INestApplication, Type } from '@nestjs/common';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiModule } from '../../src/api.module';
import { configureApp } from '../../src/app.setup';
import { Clock } from '../../src/infra/clock/clock';
import { AppConfig, parseConfig } from '../../src/infra/config/config';
import { createDatabase, databaseUrl, dropDatabase, REDIS_URL, withAdmin } from './databases';
import { assertAnswersDocumented, ObservedAnswer, recordAnswers } from './observed-answers';
import { TestClock } from './test-clock';
import { createHttpAdapter } from '../../src/infra/http/http-adapter';
import { deleteRedisPrefix as deleteRedisPrefixAt } from '../bench/resources';

export interface TestEnvironment {
  databaseName: string;
  redisPrefix: string;
  /** The environment a child process (API, worker) of this test needs. */
  env: Record<string, string>;
  config: AppConfig;
  drop(): Promise<void>;
}

/**
 * A database cloned from the migrated template and a Redis key prefix, both this test file's
 * own. Pass `{ empty: true }` for a database with no schema (migration tests), or `databaseUrl`
 * for a migrated database the test made itself (on a PostgreSQL server of its own): that one is
 * used as it is, neither cloned nor dropped.
 */
export async function createTestEnvironment(
  options: {
    empty?: boolean;
    env?: Record<string, string>;
    via?: DependencyPorts;
    databaseUrl?: string;
  } = {},
): Promise<TestEnvironment> {
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const ownDatabase = options.databaseUrl === undefined;
  const databaseName =
    options.databaseUrl === undefined
      ? `jiebang_t_${suffix}`
      : new URL(options.databaseUrl).pathname.slice(1);
  const redisPrefix = `test_${suffix}`;
  if (ownDatabase) {
    const template = process.env.TEST_TEMPLATE_DATABASE;
    if (!template)
      throw new Error('TEST_TEMPLATE_DATABASE is unset: run e2e tests through jest (global setup)');
    await withAdmin((client) => createDatabase(client, databaseName, options.empty ? 'template0' : template));
  }
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: options.databaseUrl ?? databaseUrl(databaseName),
    DATABASE_POOL_MAX: '5',
    REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    JWT_ACCESS_SECRET: randomBytes(32).toString('hex'),
    MIGRATE_ON_START: options.empty ? 'true' : 'false',
    OUTBOX_POLL_INTERVAL_MS: '100',
    SHUTDOWN_GRACE_MS: '2000',
    // A cheap argon2 cost (ADR 0005): every sign-in of the suite would otherwise hash at production cost.
    PASSWORD_HASH_MEMORY_KIB: '1024',
    PASSWORD_HASH_PASSES: '1',
    // Tests call the recovery sweeps themselves (docs/adr/0037); the timers stay out of their way.
    RECOVERY_SWEEP_INTERVAL_MS: '300000',
    // Likewise the audit sealer (docs/adr/0046): audit-chain.e2e-spec.ts runs it itself.
    AUDIT_SEAL_INTERVAL_MS: '300000',
    STORAGE_DIR: `${tmpdir()}/jiebang-files-${suffix}`,
    ...options.env,
  };
  if (options.via?.databasePort) env.DATABASE_URL = withPort(env.DATABASE_URL, options.via.databasePort);
  if (options.via?.redisPort) env.REDIS_URL = withPort(env.REDIS_URL, options.via.redisPort);
  return {
    databaseName,
    redisPrefix,
    env,
    config: parseConfig(env),
    drop: async () => {
      if (ownDatabase) await withAdmin((client) => dropDatabase(client, databaseName));
      await deleteRedisPrefix(redisPrefix);
    },
  };
}

/**
 * Ports on 127.0.0.1 (a test's TcpProxy) through which the app reaches PostgreSQL or Redis,
 * instead of reaching them directly. The database is still created and dropped directly.
 */
export interface DependencyPorts {
  databasePort?: number;
  redisPort?: number;
}

function withPort(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(port);
  return parsed.toString();
}

/** Deletes every key under `prefix:` on the test Redis (one implementation, the bench's). */
export function deleteRedisPrefix(prefix: string): Promise<void> {
  return deleteRedisPrefixAt(REDIS_URL, prefix);
}

export interface TestApp {
  app: INestApplication;
  http: ReturnType<typeof request>;
  clock: TestClock;
  dataSource: DataSource;
  environment: TestEnvironment;
  get<T>(token: Type<T> | string | symbol): T;
  /** Every answer so far: method, route, status, problem code (checked against the contract on close). */
  answers: ObservedAnswer[];
  /** Closes the app, drops its database, then fails if an answer was not in docs/openapi.json. */
  close(): Promise<void>;
}

/** The API in-process (supertest), on this file's own database and Redis prefix, with a TestClock. */
export async function createTestApp(
  options: {
    env?: Record<string, string>;
    /** Extra modules, e.g. a test-only controller exercising a cross-cutting mechanism. */
    imports?: Type<unknown>[];
    override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
    /** Reach PostgreSQL or Redis through these ports (a TcpProxy), to simulate their outages. */
    via?: DependencyPorts;
    /** A migrated database of the test's own PostgreSQL server, instead of a clone of the template. */
    databaseUrl?: string;
  } = {},
): Promise<TestApp> {
  const environment = await createTestEnvironment({
    env: options.env,
    via: options.via,
    databaseUrl: options.databaseUrl,
  });
  const clock = new TestClock();
  let builder = Test.createTestingModule({
    imports: [ApiModule.forRoot(environment.config), ...(options.imports ?? [])],
  })
    .overrideProvider(Clock)
    .useValue(clock);
  if (options.override) builder = options.override(builder);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication(createHttpAdapter(environment.config), {
    bodyParser: false,
    logger: false,
  });
  // Before everything else: the request pipeline's answers are answers too.
  const answers = recordAnswers(app);
  configureApp(app, environment.config);
  await app.init();
  // Fastify loads its plugins and routes when ready; supertest calls the server directly.
  await (app.getHttpAdapter().getInstance() as FastifyInstance).ready();
  return {
    app,
    http: request(app.getHttpServer()),
    clock,
    dataSource: app.get(DataSource),
    environment,
    get: <T>(token: Type<T> | string | symbol) => app.get<T>(token),
    answers,
    close: async () => {
      await app.close();
      await environment.drop();
      // The contract check (ADR 0038): every (operation, status, code) this file saw is documented.
      assertAnswersDocumented(answers);
    },
  };
}
