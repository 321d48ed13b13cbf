import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/infra/database/data-source.options';
import { migrateWithLock } from '../../src/infra/database/migrate';
import { createDatabase, databaseUrl, dropDatabase, templateName, withAdmin } from './databases';

/**
 * Migrates one template database per migration set; every e2e file clones it
 * (CREATE DATABASE … TEMPLATE …), so files run in parallel on databases of their own.
 */
export default async function globalSetup(): Promise<void> {
  const template = templateName();
  process.env.TEST_TEMPLATE_DATABASE = template;
  await withAdmin(async (client) => {
    const stale = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'jiebang\\_t\\_%' OR (datname LIKE 'jiebang\\_tpl\\_%' AND datname <> $1)`,
      [template],
    );
    for (const { datname } of stale.rows) await dropDatabase(client, datname);
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount) return;
    await createDatabase(client, `${template}_build`);
    const dataSource = await new DataSource(
      dataSourceOptions({
        DATABASE_URL: databaseUrl(`${template}_build`),
        DATABASE_POOL_MAX: 2,
        DATABASE_STATEMENT_TIMEOUT_MS: 60_000,
      }),
    ).initialize();
    try {
      await migrateWithLock(dataSource);
    } finally {
      await dataSource.destroy();
    }
    // Renamed only once complete, so a half-migrated template is never used.
    await client.query(`ALTER DATABASE "${template}_build" RENAME TO "${template}"`);
  });
}
