import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { migrations } from '../../../migrations';
import { AppConfig } from '../config/config.schema';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/** Entities are found by file name so that a new module needs no registration here. */
export const ENTITY_GLOB = join(__dirname, '..', '..', '**', '*.entity.{ts,js}');

/** pg-pool's connectionTimeoutMillis when DATABASE_POOL_WAIT_MS is not given (CLIs). */
export const POOL_CONNECT_TIMEOUT_MS = 5_000;

export function dataSourceOptions(
  config: Pick<AppConfig, 'DATABASE_URL' | 'DATABASE_POOL_MAX' | 'DATABASE_STATEMENT_TIMEOUT_MS'> &
    Partial<Pick<AppConfig, 'DATABASE_POOL_WAIT_MS'>>,
): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    entities: [ENTITY_GLOB],
    migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    migrationsRun: false,
    parseInt8: false,
    // The pg pool (ADR 0035). A client whose socket errors or closes (server restarted, backend
    // terminated) is dropped by the pool, idle or not, and a new connection is opened on the next
    // checkout, with no back-off: service is back with the first request after the database is.
    extra: {
      max: config.DATABASE_POOL_MAX,
      // How long a request waits for a connection (a new one, or a free one of a busy pool) before
      // it fails with 503: short, so an unreachable database does not hold requests for long.
      connectionTimeoutMillis: config.DATABASE_POOL_WAIT_MS ?? POOL_CONNECT_TIMEOUT_MS,
      idleTimeoutMillis: 30_000,
      // TCP keep-alive finds an idle connection whose peer vanished without closing it (failover).
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS,
      application_name: 'jiebang',
    },
  };
}
