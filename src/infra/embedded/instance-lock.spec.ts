import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StartupError } from '../startup/startup-errors';
import { claimDataDir } from './instance-lock';

describe('claimDataDir', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'claim-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The pid of a process that has exited. */
  const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid ?? 0;
  const running: ChildProcess[] = [];
  /** A live process whose command line starts with `name` (once bash has exec'd sleep under that name). */
  const live = async (name: string): Promise<number> => {
    const child = spawn('bash', ['-c', `exec -a ${name} sleep 120`], { stdio: 'ignore' });
    running.push(child);
    const cmdline = `/proc/${child.pid}/cmdline`;
    for (let i = 0; i < 3000 && !readFileSync(cmdline, 'utf8').startsWith(`${name}\0`); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return child.pid!;
  };
  afterEach(() => running.splice(0).forEach((child) => child.kill('SIGKILL')));

  it('claims a free folder, and gives it back', () => {
    const release = claimDataDir(dir, { embeddedPostgres: true });
    expect(readFileSync(join(dir, 'launcher.pid'), 'utf8')).toBe(`${process.pid}\n`);
    release();
    expect(existsSync(join(dir, 'launcher.pid'))).toBe(false);
  });

  it('takes over the pid file of a launcher that is gone', () => {
    writeFileSync(join(dir, 'launcher.pid'), `${deadPid()}\n`);
    claimDataDir(dir, { embeddedPostgres: true });
    expect(readFileSync(join(dir, 'launcher.pid'), 'utf8')).toBe(`${process.pid}\n`);
  });

  it('refuses a folder a live launcher holds, naming DATA_DIR and the pid', async () => {
    const pid = await live('node');
    writeFileSync(join(dir, 'launcher.pid'), `${pid}\n`);
    expect(() => claimDataDir(dir, { embeddedPostgres: true })).toThrow(
      new StartupError(
        'DATA_DIR',
        `DATA_DIR: ${dir} is in use by another npm start (pid ${pid}): stop that one first (Ctrl-C in its terminal), or run a second instance with its own DATA_DIR and PORT`,
      ),
    );
  });

  it('refuses a folder whose embedded PostgreSQL still runs, unless DATABASE_URL is the database', async () => {
    mkdirSync(join(dir, 'postgres'));
    // A live process standing in for the postmaster: its command line names postgres.
    const pid = await live('postgres');
    writeFileSync(join(dir, 'postgres', 'postmaster.pid'), `${pid}\n${dir}/postgres\n`);
    expect(() => claimDataDir(dir, { embeddedPostgres: true })).toThrow(`still running (pid ${pid})`);
    expect(() => claimDataDir(dir, { embeddedPostgres: false })).not.toThrow();
  });

  it('does not mistake a reused pid (another program) for a launcher', async () => {
    writeFileSync(join(dir, 'launcher.pid'), `${await live('unrelated')}\n`);
    expect(() => claimDataDir(dir, { embeddedPostgres: true })).not.toThrow();
  });
});
