import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/infra/database/data-source.options';
import { MIGRATIONS_PENDING_EXIT_CODE } from '../../src/infra/database/migrate';
import { createTestEnvironment, TestEnvironment } from '../support/test-app';

/**
 * The down path of the last migration (docs/operations.md, "Upgrade and roll back"), run as an
 * operator runs it: the built `migrate-cli.js --revert-last` reverts the latest migration, `--check`
 * then names it as pending, and migrating again brings back exactly the schema it reverted.
 */
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'infra', 'database', 'migrate-cli.js');

interface CliRun {
  code: number | null;
  output: string;
}

function runCli(env: Record<string, string>, ...args: string[]): Promise<CliRun> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TZ: 'UTC', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** The schema as DDL sees it: columns, indexes, constraints, triggers, functions and enum types. */
async function schemaSnapshot(dataSource: DataSource): Promise<Record<string, string[]>> {
  const own = `NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`;
  const queries: Record<string, string> = {
    columns: `SELECT table_schema || '.' || table_name || '.' || column_name || ' ' || data_type || ' '
                || is_nullable || ' ' || coalesce(column_default, '') AS line
              FROM information_schema.columns WHERE table_schema ${own}`,
    indexes: `SELECT schemaname || ' ' || indexdef AS line FROM pg_indexes WHERE schemaname ${own}`,
    constraints: `SELECT n.nspname || ' ' || c.conrelid::regclass::text || ' ' || c.conname || ' '
                    || pg_get_constraintdef(c.oid) AS line
                  FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname ${own}`,
    triggers: `SELECT pg_get_triggerdef(oid) AS line FROM pg_trigger WHERE NOT tgisinternal`,
    functions: `SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') '
                  || md5(p.prosrc) AS line
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname ${own}`,
    enums: `SELECT t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS line
            FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
  };
  const snapshot: Record<string, string[]> = {};
  for (const [part, sql] of Object.entries(queries)) {
    const rows = await dataSource.query<Array<{ line: string }>>(sql);
    snapshot[part] = rows.map((row) => row.line).sort();
  }
  return snapshot;
}

describe('migrations: the down path of the last migration', () => {
  let environment: TestEnvironment;
  let dataSource: DataSource;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    dataSource = await new DataSource({
      ...dataSourceOptions(environment.config),
      entities: [],
    }).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await environment?.drop();
  });

  const lastApplied = async (): Promise<string> => {
    const [row] = await dataSource.query<Array<{ name: string }>>(
      'SELECT name FROM schema_migrations ORDER BY id DESC LIMIT 1',
    );
    return row.name;
  };

  it('reverts the latest migration with --revert-last and brings the same schema back when migrating again', async () => {
    // The latest migration of this build (highest timestamp) is the one a fresh database applied last.
    const latest = [...dataSource.migrations].sort(
      (a, b) => Number(/\d{13}$/.exec(a.name!)![0]) - Number(/\d{13}$/.exec(b.name!)![0]),
    )[dataSource.migrations.length - 1].name!;
    expect(await lastApplied()).toBe(latest);
    expect(await runCli(environment.env, '--check')).toEqual({ code: 0, output: 'Schema is up to date.\n' });
    const before = await schemaSnapshot(dataSource);

    const reverted = await runCli(environment.env, '--revert-last');
    expect(reverted).toEqual({ code: 0, output: `Reverted: ${latest}\n` });
    expect(await lastApplied()).not.toBe(latest);
    const afterDown = await schemaSnapshot(dataSource);
    // Its down undid something (an up with nothing to undo would be no test), and only what it owns.
    expect(afterDown).not.toEqual(before);

    const check = await runCli(environment.env, '--check');
    expect(check).toEqual({ code: MIGRATIONS_PENDING_EXIT_CODE, output: `Pending: ${latest}\n` });

    const up = await runCli(environment.env);
    expect(up).toEqual({ code: 0, output: `Applied: ${latest}\n` });
    expect(await lastApplied()).toBe(latest);
    expect(await schemaSnapshot(dataSource)).toEqual(before);
    expect((await runCli(environment.env, '--check')).code).toBe(0);
  });

  it('refuses an unknown option, naming the ones it has, and changes nothing', async () => {
    const before = await lastApplied();
    const run = await runCli(environment.env, '--down');
    expect(run.code).toBe(2);
    expect(run.output).toContain('--revert-last');
    expect(await lastApplied()).toBe(before);
  });
});
