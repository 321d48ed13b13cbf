import { DataSource } from 'typeorm';
import { loadConfigFromEnv } from '../config/config';
import { dataSourceOptions } from './data-source.options';
import { migrateWithLock } from './migrate';

async function main(): Promise<void> {
  const dataSource = await new DataSource(dataSourceOptions(loadConfigFromEnv())).initialize();
  try {
    const applied = await migrateWithLock(dataSource);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Schema is up to date.');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
