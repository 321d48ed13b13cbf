import { Client } from 'pg';
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
    // Several jest runs may start at once (developers, CI): one builds the template, the rest wait.
    await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
    try {
      await dropAbandonedDatabases(client);
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (!exists.rowCount) await buildTemplate(client, template);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]);
    }
  });
}

const TEMPLATE_LOCK_KEY = 7_340_215_002;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Test databases are named jiebang_t_<pid>_<random>; those whose jest worker is gone were left by a crash. */
async function dropAbandonedDatabases(client: Client): Promise<void> {
  const rows = await client.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE 'jiebang\\_t\\_%'`,
  );
  for (const { datname } of rows.rows) {
    const pid = Number(datname.split('_')[2]);
    if (Number.isInteger(pid) && !isAlive(pid)) await dropDatabase(client, datname);
  }
}

async function buildTemplate(client: Client, template: string): Promise<void> {
  {
    await dropDatabase(client, `${template}_build`);
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
  }
}
