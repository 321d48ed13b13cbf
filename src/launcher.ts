import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig, parseConfig, processEnv } from './infra/config/config';
import { loadLauncherConfigFromEnv } from './infra/config/launcher.config';
import { dataSourceOptions } from './infra/database/data-source.options';
import { migrateWithLock } from './infra/database/migrate';
import { allowPostgresToTraverse, startEmbeddedPostgres } from './infra/embedded/embedded-postgres';
import { freePort } from './infra/embedded/free-port';
import { claimDataDir } from './infra/embedded/instance-lock';
import { startPrivateRedis } from './infra/embedded/private-redis';
import { loadOrCreateSecrets } from './infra/embedded/secrets';
import { checkDatabase, checkPortFree, checkRedis } from './infra/startup/preflight';
import { reportStartupFailure } from './infra/startup/startup-errors';
import { demoAccountsFile } from './seed/demo-accounts-file';

/**
 * `npm start`: the zero-configuration way to run the whole service on one machine.
 *
 * Fills in what is not configured (an embedded PostgreSQL for DATABASE_URL, a private
 * redis-server for REDIS_URL, a persisted JWT secret), migrates once, loads the demo data into an
 * empty database (SEED_DEMO), then runs the API and the worker as child processes and supervises
 * them: a signal is forwarded to both, a child that dies unexpectedly stops everything with a
 * non-zero exit, and PostgreSQL/Redis are always stopped last.
 */

const log = (message: string): void => console.log(`[launcher] ${message}`);

class StopRequested extends Error {}

let stopSignal: NodeJS.Signals | undefined;
const children: ChildProcess[] = [];

function onSignal(signal: NodeJS.Signals): void {
  if (stopSignal) {
    log(`${signal} again: still stopping, please wait`);
    return;
  }
  stopSignal = signal;
  log(`${signal} received: stopping`);
  for (const child of children) if (isRunning(child)) child.kill(signal);
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function checkStop(): void {
  if (stopSignal) throw new StopRequested();
}

async function main(): Promise<number> {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  const launcher = loadLauncherConfigFromEnv();
  const env: Record<string, string | undefined> = { ...processEnv(), DATA_DIR: launcher.dataDir };
  // The user's own settings are checked before anything starts (docs/adr/0048): each known
  // problem ends the start with one line naming the variable.
  const early = parseConfig({
    JWT_ACCESS_SECRET: 'x'.repeat(32),
    DATABASE_URL: 'postgres://embedded/jiebang',
    REDIS_URL: 'redis://embedded',
    ...Object.fromEntries(Object.entries(env).filter(([, v]) => v)),
  });
  mkdirSync(launcher.dataDir, { recursive: true, mode: 0o700 });
  const release = claimDataDir(launcher.dataDir, { embeddedPostgres: !env.DATABASE_URL });
  const cleanups: Array<{ name: string; run: () => Promise<void> }> = [
    { name: 'the DATA_DIR claim', run: async () => release() },
  ];

  try {
    await checkPortFree(early.PORT, early.HOST);
    if (env.DATABASE_URL) await checkDatabase(env.DATABASE_URL, early.STARTUP_WAIT_MS);
    if (env.REDIS_URL) await checkRedis(env.REDIS_URL, early.STARTUP_WAIT_MS);
    const secrets = loadOrCreateSecrets(launcher.dataDir);
    if (!env.DATABASE_URL) {
      allowPostgresToTraverse(launcher.dataDir);
      const port = launcher.EMBEDDED_PG_PORT ?? (await freePort());
      const postgres = await startEmbeddedPostgres({
        dir: join(launcher.dataDir, 'postgres'),
        port,
        password: secrets.postgresPassword,
        database: launcher.EMBEDDED_PG_DATABASE,
        log,
      });
      cleanups.push({ name: 'embedded PostgreSQL', run: postgres.stop });
      env.DATABASE_URL = postgres.url;
      log(
        `Embedded PostgreSQL on 127.0.0.1:${port} (pid ${postgres.pid}), data in ${launcher.dataDir}/postgres`,
      );
    }
    checkStop();

    // REDIS_MODE=sentinel or cluster names its own servers (docs/adr/0066): nothing to start.
    if (!env.REDIS_URL && (!env.REDIS_MODE || env.REDIS_MODE === 'single')) {
      const port = launcher.EMBEDDED_REDIS_PORT ?? (await freePort());
      const redis = await startPrivateRedis({
        bin: launcher.REDIS_SERVER_BIN,
        port,
        dir: join(launcher.dataDir, 'redis'),
        log,
      });
      cleanups.push({ name: 'private Redis', run: redis.stop });
      env.REDIS_URL = redis.url;
      log(`Private redis-server on 127.0.0.1:${port} (pid ${redis.pid}), no persistence`);
    }
    checkStop();

    if (!env.JWT_ACCESS_SECRET) env.JWT_ACCESS_SECRET = secrets.jwtAccessSecret;
    // Attachments live beside the embedded database, so DATA_DIR holds everything to back up.
    if (!env.STORAGE_DIR) env.STORAGE_DIR = join(launcher.dataDir, 'files');
    const config = parseConfig(env);

    const dataSource = await new DataSource(
      dataSourceOptions({ ...config, DATABASE_POOL_MAX: 2 }),
    ).initialize();
    let seed = false;
    let adminExists = false;
    try {
      const applied = await migrateWithLock(dataSource);
      log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Schema is up to date');
      seed = launcher.SEED_DEMO && (await hasNoProgramsOrChallenges(dataSource));
      adminExists = await hasAdministrator(dataSource);
    } finally {
      await dataSource.destroy();
    }
    checkStop();

    // Migrated once above; the children need not take the lock again.
    env.MIGRATE_ON_START = 'false';
    // A demo seed that was interrupted (DATA_DIR/seed-incomplete) completes on the next start,
    // with the same password (kept in secrets.json) for the accounts it made before.
    const incomplete = join(launcher.dataDir, 'seed-incomplete');
    seed = seed || (launcher.SEED_DEMO && existsSync(incomplete));
    const seeded =
      seed &&
      (await seedDemoData(
        { ...env, SEED_DEMO_PASSWORD: env.SEED_DEMO_PASSWORD || secrets.demoPassword },
        incomplete,
      ));
    checkStop();
    const exited = new Promise<{ name: string; code: number | null; signal: NodeJS.Signals | null }>(
      (resolve) => {
        const start = (name: string, script: string, own: Record<string, string> = {}): void => {
          const child = spawn(process.execPath, [join(__dirname, script)], {
            env: { ...env, ...own },
            stdio: 'inherit',
            // Own process group: a terminal Ctrl-C reaches only the launcher, which forwards it once.
            detached: true,
          });
          child.once('exit', (code, signal) => resolve({ name, code, signal }));
          children.push(child);
        };
        start('api', 'main.js');
        // Both on one host: the worker's metrics and probes on the port after the API's (ADR 0063).
        const metricsPort = config.METRICS_PORT
          ? { METRICS_PORT: String(config.METRICS_PORT + 1) }
          : undefined;
        if (launcher.LAUNCHER_START_WORKER) start('worker', 'worker.js', metricsPort);
      },
    );

    printBanner(config, {
      seeded,
      adminExists: adminExists || seeded,
      accountsFile: demoAccountsFile(launcher.dataDir),
    });
    const first = await exited;
    let status = 0;
    if (!stopSignal) {
      log(
        `The ${first.name} process exited unexpectedly (code ${first.code}, signal ${first.signal}): stopping`,
      );
      status = 1;
      for (const child of children) if (isRunning(child)) child.kill('SIGTERM');
    } else if (first.code !== 0 && first.signal === null) {
      status = first.code ?? 1;
    }
    status = Math.max(status, await waitForChildren(config.SHUTDOWN_GRACE_MS + 5_000));
    return status;
  } catch (error) {
    if (error instanceof StopRequested) return 0;
    throw error;
  } finally {
    for (const child of children) if (isRunning(child)) child.kill('SIGKILL');
    for (const cleanup of cleanups.reverse()) {
      await cleanup.run().catch((error: unknown) => log(`Could not stop ${cleanup.name}: ${String(error)}`));
    }
    log('Stopped');
  }
}

/** Whether an administrator can sign in already (the demo's, or one made from ADMIN_EMAIL earlier). */
async function hasAdministrator(dataSource: DataSource): Promise<boolean> {
  const [row] = await dataSource.query<Array<{ admin: boolean }>>(
    `SELECT EXISTS (SELECT 1 FROM users WHERE roles && ARRAY['admin', 'security_admin']::text[]) AS admin`,
  );
  return row.admin;
}

async function hasNoProgramsOrChallenges(dataSource: DataSource): Promise<boolean> {
  const [row] = await dataSource.query<Array<{ used: boolean }>>(
    'SELECT EXISTS (SELECT 1 FROM programs) OR EXISTS (SELECT 1 FROM challenges) AS used',
  );
  return !row.used;
}

/**
 * Runs the demo seed (dist/src/seed/seed-cli.js) to completion before the API starts, so the first
 * page anyone opens already lists challenges. A failure is reported and the service starts anyway.
 */
async function seedDemoData(env: Record<string, string | undefined>, incomplete: string): Promise<boolean> {
  log(
    existsSync(incomplete)
      ? 'The demo data was not loaded completely: completing it'
      : 'Empty database: loading the demo data (set SEED_DEMO=false to start empty)',
  );
  writeFileSync(incomplete, `${new Date().toISOString()}\n`);
  const started = Date.now();
  const child = spawn(process.execPath, [join(__dirname, 'seed', 'seed-cli.js')], {
    env,
    stdio: 'inherit',
    detached: true,
  });
  children.push(child);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve) =>
      child.once('exit', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal })),
  );
  children.splice(children.indexOf(child), 1);
  if (code === 0) {
    rmSync(incomplete, { force: true });
    log(`Demo data loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return true;
  }
  if (!stopSignal) log(`Loading the demo data failed (code ${code}, signal ${signal}): starting without it`);
  return false;
}

/** Waits for every child to exit, killing the ones that outlive the grace period; 1 if any failed. */
async function waitForChildren(graceMs: number): Promise<number> {
  const results = await Promise.all(
    children.map(
      (child) =>
        new Promise<number>((resolve) => {
          if (!isRunning(child)) return resolve(child.exitCode && child.exitCode > 0 ? 1 : 0);
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', (code) => {
            clearTimeout(timer);
            resolve(code && code > 0 ? 1 : 0);
          });
        }),
    ),
  );
  return Math.max(0, ...results);
}

function printBanner(
  config: Pick<AppConfig, 'PORT' | 'HOST' | 'ADMIN_EMAIL'>,
  state: { seeded: boolean; adminExists: boolean; accountsFile: string },
): void {
  const shown = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  const base = `http://${shown}:${config.PORT}`;
  const login = config.ADMIN_EMAIL
    ? `Log in as ${config.ADMIN_EMAIL} with ADMIN_PASSWORD, then enrol a TOTP authenticator: POST ${base}/api/v1/auth/login`
    : existsSync(state.accountsFile)
      ? `Demo accounts and their password: ${state.accountsFile}   (npm run demo:accounts shows them, with the admin's current TOTP code)`
      : state.adminExists
        ? `Log in with an existing account: POST ${base}/api/v1/auth/login`
        : `No admin configured: set ADMIN_EMAIL and ADMIN_PASSWORD (12+ characters) and restart to create the first admin,\n` +
          `           or register an organization: POST ${base}/api/v1/auth/register`;
  log(
    [
      'Starting the API and the worker:',
      `  API        ${base}/api/v1`,
      `  API docs   ${base}/docs   (OpenAPI JSON: ${base}/docs-json)`,
      `  Readiness  ${base}/health/ready`,
      ...(state.seeded ? [`  Demo challenges ${base}/api/v1/challenges`] : []),
      `  ${login}`,
      '  Stop with Ctrl-C.',
    ].join('\n'),
  );
}

main()
  .then((status) => {
    process.exitCode = status;
  })
  .catch((error: unknown) => reportStartupFailure(error, '[launcher] '));
