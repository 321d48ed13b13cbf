import { DataSource } from 'typeorm';
import { loadConfigFromEnv } from '../config/config';
import { dataSourceOptions } from './data-source.options';
import {
  MIGRATIONS_PENDING_EXIT_CODE,
  migrateWithLock,
  pendingMigrations,
  revertLastWithLock,
} from './migrate';

const USAGE =
  'usage: migrate-cli.js [--check | --revert-last]\n' +
  '  (none)         apply pending migrations\n' +
  '  --check        exit 0 when no migration is pending, 3 (naming them) otherwise; changes nothing\n' +
  '  --revert-last  revert the most recently applied migration (its down), run from the image that applied it';

async function main(args: string[]): Promise<number> {
  const mode = args[0];
  if (args.length > 1 || (mode !== undefined && mode !== '--check' && mode !== '--revert-last')) {
    console.error(USAGE);
    return 2;
  }
  const dataSource = await new DataSource(dataSourceOptions(loadConfigFromEnv())).initialize();
  try {
    if (mode === '--check') {
      const pending = await pendingMigrations(dataSource);
      console.log(pending.length ? `Pending: ${pending.join(', ')}` : 'Schema is up to date.');
      return pending.length ? MIGRATIONS_PENDING_EXIT_CODE : 0;
    }
    if (mode === '--revert-last') {
      const reverted = await revertLastWithLock(dataSource);
      console.log(reverted ? `Reverted: ${reverted}` : 'No migration is applied: nothing to revert.');
      return 0;
    }
    const applied = await migrateWithLock(dataSource);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Schema is up to date.');
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
