import { Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { keepConnectionLossCause } from './connection-loss';
import { dataSourceOptions } from './data-source.options';
import { migrateWithLock } from './migrate';

const logger = new Logger('Database');

/**
 * Creates the pool and, when asked (`migrationsRun`, from MIGRATE_ON_START), applies pending
 * migrations under the advisory lock before any other provider can touch the database. Its query
 * runners keep the error of a lost connection as the cause of what fails next (ADR 0035).
 */
export async function openDataSource(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = await new DataSource({ ...options, migrationsRun: false }).initialize();
  keepConnectionLossCause(dataSource);
  if (options.migrationsRun) {
    const applied = await migrateWithLock(dataSource);
    if (applied.length) logger.log(`Applied migrations: ${applied.join(', ')}`);
  }
  return dataSource;
}

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config),
        migrationsRun: config.MIGRATE_ON_START,
      }),
      dataSourceFactory: (options) => openDataSource(options!),
    }),
  ],
})
export class DatabaseModule {}
