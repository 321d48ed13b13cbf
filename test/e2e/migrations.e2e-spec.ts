import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/infra/database/data-source.options';
import { migrateWithLock } from '../../src/infra/database/migrate';
import { databaseUrl, dropDatabase, withAdmin } from '../support/databases';
import { DistProcess, freePort, startDist, stopDist, waitFor200 } from '../support/dist-process';
import { createTestEnvironment, TestEnvironment } from '../support/test-app';

describe('migrations', () => {
  describe('schema drift', () => {
    let environment: TestEnvironment;
    let dataSource: DataSource;

    beforeAll(async () => {
      environment = await createTestEnvironment();
      dataSource = await new DataSource(dataSourceOptions(environment.config)).initialize();
    });

    afterAll(async () => {
      await dataSource?.destroy();
      await environment?.drop();
    });

    it('the migrated schema matches the entities: generating a migration would produce nothing', async () => {
      expect(dataSource.entityMetadatas.length).toBeGreaterThan(0);
      const sql = await dataSource.driver.createSchemaBuilder().log();
      const pending = sql.upQueries.map((query) => `${query.query};`).join('\n');
      if (pending) {
        throw new Error(
          `The entities and the migrations disagree. Write a migration (npm run migration:generate -- ` +
            `migrations/<Name>, then read it). It would run:\n${pending}`,
        );
      }
      expect(sql.upQueries).toEqual([]);
    });
  });

  describe('two API processes starting at once on an empty database', () => {
    let environment: TestEnvironment;
    const processes: DistProcess[] = [];
    const ports: number[] = [];

    beforeAll(async () => {
      environment = await createTestEnvironment({ empty: true });
      ports.push(await freePort(), await freePort());
      for (const port of ports) {
        processes.push(
          startDist('main', { ...environment.env, MIGRATE_ON_START: 'true', PORT: String(port) }),
        );
      }
    });

    afterAll(async () => {
      await Promise.all(processes.map((process) => stopDist(process)));
      await environment?.drop();
    });

    it('both become ready and every migration is recorded exactly once', async () => {
      await Promise.all(
        ports.map((port, i) => waitFor200(`http://127.0.0.1:${port}/health/ready`, processes[i])),
      );

      const dataSource = await new DataSource({
        ...dataSourceOptions(environment.config),
        entities: [],
      }).initialize();
      try {
        const rows = await dataSource.query<Array<{ name: string; count: string }>>(
          'SELECT name, count(*)::text AS count FROM schema_migrations GROUP BY name ORDER BY name',
        );
        const expected = dataSource.migrations
          .map((migration) => migration.name ?? migration.constructor.name)
          .sort();
        expect(rows.map((row) => row.name)).toEqual(expected);
        expect(rows.filter((row) => row.count !== '1')).toEqual([]);
      } finally {
        await dataSource.destroy();
      }

      for (const port of ports) {
        const response = await fetch(`http://127.0.0.1:${port}/health/live`);
        expect(response.status).toBe(200);
      }
    });
  });

  describe('a database whose ctype is not UTF-8', () => {
    const name = `jiebang_t_${process.pid}_ctype_c`;

    afterAll(() => withAdmin((client) => dropDatabase(client, name)));

    it('is refused: Chinese search would silently find nothing there', async () => {
      await withAdmin((client) =>
        client.query(
          `CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`,
        ),
      );
      const dataSource = await new DataSource(
        dataSourceOptions({
          DATABASE_URL: databaseUrl(name),
          DATABASE_POOL_MAX: 2,
          DATABASE_STATEMENT_TIMEOUT_MS: 60_000,
        }),
      ).initialize();
      try {
        await expect(migrateWithLock(dataSource)).rejects.toThrow(/Chinese search needs a UTF-8 ctype/);
      } finally {
        await dataSource.destroy();
      }
    });
  });
});
