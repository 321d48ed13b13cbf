import { execFile } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from '../../src/infra/embedded/free-port';
import { databaseUrl } from './databases';

const run = promisify(execFile);

/** The machine's PostgreSQL binaries (the same major version as the shared test cluster). */
export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A primary PostgreSQL cluster of the test's own (initdb into a temporary folder, its own port,
 * wal_level=replica, replication allowed from 127.0.0.1) with a copy of the migrated template, and one streaming
 * replica of it made by `pg_basebackup -R` into another folder and started on another port. The
 * machine's clusters are not touched. As root the binaries run as the `postgres` system user
 * (PostgreSQL refuses root). `stop()` stops both and deletes the folders.
 */
export class StreamingReplica {
  private constructor(
    private readonly dir: string,
    readonly primaryUrl: string,
    readonly replicaUrl: string,
    private readonly primaryData: string,
    private readonly replicaData: string,
  ) {}

  static async start(database: string): Promise<StreamingReplica> {
    const dir = mkdtempSync(join(tmpdir(), 'jiebang-replica-'));
    const primaryData = join(dir, 'primary');
    const replicaData = join(dir, 'replica');
    let cluster: StreamingReplica | undefined;
    try {
      const [primaryPort, replicaPort] = [await freePort(), await freePort()];
      if (isRoot()) {
        const { uid, gid } = await postgresUser();
        chownSync(dir, uid, gid);
      }
      chmodSync(dir, 0o700);
      const url = (port: number): string => `postgres://postgres@127.0.0.1:${port}/${database}`;
      cluster = new StreamingReplica(dir, url(primaryPort), url(replicaPort), primaryData, replicaData);

      await pg(
        'initdb',
        '-D',
        primaryData,
        '-U',
        'postgres',
        '--auth=trust',
        '--encoding=UTF8',
        '--locale=C.UTF-8',
      );
      appendFileSync(
        join(primaryData, 'postgresql.conf'),
        [
          "listen_addresses = '127.0.0.1'",
          `unix_socket_directories = '${dir}'`,
          'wal_level = replica',
          'max_wal_senders = 4',
          'hot_standby = on',
          'fsync = off',
          '',
        ].join('\n'),
      );
      appendFileSync(join(primaryData, 'pg_hba.conf'), 'host replication postgres 127.0.0.1/32 trust\n');
      await cluster.startCluster(primaryData, primaryPort);
      await withClient(url(primaryPort).replace(`/${database}`, '/postgres'), (client) =>
        client.query(
          `CREATE DATABASE "${database}" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`,
        ),
      );
      // The schema: the migrated template of this jest run, copied from the machine's test cluster
      // (pg_dump | psql, seconds; migrating from scratch takes minutes on a loaded CI machine).
      await copyTemplate(url(primaryPort), dir);

      // The replica: a base backup streamed from the primary, with standby.signal and primary_conninfo
      // (-R). --checkpoint=fast: the default spread checkpoint made it wait two minutes.
      await pg(
        'pg_basebackup',
        ...['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', replicaData],
        ...['-R', '-X', 'stream', '--checkpoint=fast'],
      );
      await cluster.startCluster(replicaData, replicaPort);
      return cluster;
    } catch (error) {
      if (cluster) await cluster.stop();
      else rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Runs `sql` on the replica (pg_wal_replay_pause(), pg_wal_replay_resume(), reads). */
  onReplica<T extends Record<string, unknown>>(sql: string): Promise<T[]> {
    return withClient(this.replicaUrl, async (client) => (await client.query<T>(sql)).rows);
  }

  /** Stops the replica only (immediate, as a crash would), keeping its folder until stop(). */
  async stopReplica(): Promise<void> {
    await pg('pg_ctl', '-D', this.replicaData, '-m', 'immediate', '-w', 'stop');
  }

  /** Stops both clusters (immediate: nothing of theirs is kept) and deletes their folders. */
  async stop(): Promise<void> {
    for (const data of [this.replicaData, this.primaryData]) {
      await pg('pg_ctl', '-D', data, '-m', 'immediate', '-w', 'stop').catch(() => undefined);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async startCluster(data: string, port: number): Promise<void> {
    // -w: returns once the server accepts connections (read-only ones, for the standby).
    await pg(
      'pg_ctl',
      '-D',
      data,
      '-l',
      join(this.dir, `${port}.log`),
      '-o',
      `-p ${port}`,
      '-w',
      '-t',
      '60',
      'start',
    );
  }
}

/** The jest run's migrated template (global setup), schema and rows, into `url`'s database. */
async function copyTemplate(url: string, dir: string): Promise<void> {
  const template = process.env.TEST_TEMPLATE_DATABASE;
  if (!template)
    throw new Error('TEST_TEMPLATE_DATABASE is unset: run e2e tests through jest (global setup)');
  const file = join(dir, 'template.sql');
  await run(join(PG_BIN, 'pg_dump'), [
    '--no-owner',
    '--no-privileges',
    '-f',
    file,
    '-d',
    databaseUrl(template),
  ]);
  await run(join(PG_BIN, 'psql'), ['-q', '-X', '-v', 'ON_ERROR_STOP=1', '-f', file, '-d', url]);
  rmSync(file);
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([
    run('id', ['-u', 'postgres']).then((r) => Number(r.stdout.trim())),
    run('id', ['-g', 'postgres']).then((r) => Number(r.stdout.trim())),
  ]);
  return { uid, gid };
}

/** A PostgreSQL binary, as the `postgres` user when the tests run as root. */
async function pg(binary: string, ...args: string[]): Promise<void> {
  const path = join(PG_BIN, binary);
  const [file, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
  try {
    await run(file, argv, { cwd: tmpdir(), env: { ...process.env, LC_ALL: 'C.UTF-8' } });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(
      `${binary} ${args.join(' ')} failed (as ${isRoot() ? 'postgres' : userInfo().username}):\n${stderr ?? ''}${stdout ?? ''}`,
    );
  }
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
