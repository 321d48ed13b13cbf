import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { migrations } from '../../../migrations';
import { AppConfig } from '../config/config.schema';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/** Entities are found by file name so that a new module needs no registration here. */
export const ENTITY_GLOB = join(__dirname, '..', '..', '**', '*.entity.{ts,js}');

export function dataSourceOptions(
  config: Pick<AppConfig, 'DATABASE_URL' | 'DATABASE_POOL_MAX' | 'DATABASE_STATEMENT_TIMEOUT_MS'>,
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
    extra: {
      max: config.DATABASE_POOL_MAX,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS,
      application_name: 'jiebang',
    },
  };
}
