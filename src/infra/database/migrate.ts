import { DataSource } from 'typeorm';

/** Any constant will do; it names the lock "jiebang schema migrations" across every process. */
export const MIGRATION_LOCK_KEY = 7_340_215_001;

/** Exit code of `migrate-cli.js --check` while migrations are pending (deploy/'s init containers wait on it). */
export const MIGRATIONS_PENDING_EXIT_CODE = 3;

/** Runs `work` while holding the session-level advisory lock every migrating process takes. */
async function withMigrationLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

/**
 * Runs pending migrations while holding a session-level PostgreSQL advisory lock, so that
 * processes starting at once migrate one after the other: the first applies, the rest find nothing
 * pending. Returns the names of the migrations this call applied.
 */
export async function migrateWithLock(dataSource: DataSource): Promise<string[]> {
  return withMigrationLock(dataSource, async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  });
}

/** Names of the migrations recorded in schema_migrations, in the order they were applied ([] before the first). */
export async function appliedMigrations(dataSource: DataSource): Promise<string[]> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const [exists] = await dataSource.query<Array<{ found: string | null }>>(
    'SELECT to_regclass($1)::text AS found',
    [table],
  );
  if (!exists?.found) return [];
  const rows = await dataSource.query<Array<{ name: string }>>(`SELECT name FROM "${table}" ORDER BY id`);
  return rows.map((row) => row.name);
}

/** Migrations this build knows that the database has not applied (in the order they would run). */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = new Set(await appliedMigrations(dataSource));
  return dataSource.migrations
    .map((migration) => migration.name ?? migration.constructor.name)
    .filter((name) => !applied.has(name));
}

/**
 * The down path (docs/operations.md, "Upgrade and roll back"): reverts the most recently applied
 * migration, under the same lock, in its own transaction, and returns its name (null when none
 * was applied). The migration must be one this build knows: run it from the image that applied it.
 */
export async function revertLastWithLock(dataSource: DataSource): Promise<string | null> {
  return withMigrationLock(dataSource, async () => {
    const before = await appliedMigrations(dataSource);
    if (!before.length) return null;
    await dataSource.undoLastMigration({ transaction: 'each' });
    const after = await appliedMigrations(dataSource);
    return before.find((name) => !after.includes(name)) ?? null;
  });
}
