import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataDirInUseLine, StartupError } from '../startup/startup-errors';

/** Whether a process with this pid exists (EPERM: it does, under another user, e.g. `postgres`). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid a pid file names, when it names a live process; on Linux also checks its command line. */
function livePid(file: string, command?: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0].trim());
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isAlive(pid)) return undefined;
  const cmdline = `/proc/${pid}/cmdline`;
  if (command && existsSync(cmdline)) {
    try {
      if (!readFileSync(cmdline, 'utf8').includes(command)) return undefined; // a reused pid
    } catch {
      return pid;
    }
  }
  return pid;
}

/**
 * Claims DATA_DIR for this `npm start` (DATA_DIR/launcher.pid): a second launcher on the same folder
 * stops with a line saying another instance holds it, and so does one that finds the embedded
 * PostgreSQL of a killed launcher still running. A pid file left by a process that is gone is taken over.
 * Returns the release, for the launcher's last clean-up.
 */
export function claimDataDir(dataDir: string, options: { embeddedPostgres: boolean }): () => void {
  const file = join(dataDir, 'launcher.pid');
  const launcher = livePid(file, 'node');
  if (launcher)
    throw new StartupError('DATA_DIR', dataDirInUseLine(dataDir, { pid: launcher, what: 'launcher' }));
  if (options.embeddedPostgres) {
    const postgres = livePid(join(dataDir, 'postgres', 'postmaster.pid'), 'postgres');
    if (postgres) {
      throw new StartupError('DATA_DIR', dataDirInUseLine(dataDir, { pid: postgres, what: 'postgres' }));
    }
  }
  writeFileSync(file, `${process.pid}\n`, { mode: 0o600 });
  return () => {
    if (existsSync(file) && readFileSync(file, 'utf8').trim() === String(process.pid)) {
      rmSync(file, { force: true });
    }
  };
}
