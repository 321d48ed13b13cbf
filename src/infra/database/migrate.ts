import { DataSource } from 'typeorm';

/** Any constant will do; it names the lock "jiebang schema migrations" across every process. */
export const MIGRATION_LOCK_KEY = 7_340_215_001;

/**
 * Runs pending migrations while holding a session-level PostgreSQL advisory lock, so that
 * processes starting at once migrate one after the other: the first applies, the rest find nothing
 * pending. Returns the names of the migrations this call applied.
 */
export async function migrateWithLock(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
