import { createServer, Server } from 'node:net';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseUrl } from '../support/databases';
import { DistProcess, freePort, startDist, stopDist, waitFor200 } from '../support/dist-process';
import { createTestEnvironment, TestEnvironment } from '../support/test-app';

/**
 * A wrong setting ends the start with one line naming the variable and the fix, and no stack
 * (docs/adr/0048): the API, the worker and the launcher (`npm start`) alike.
 */

/** A port nothing listens on: taken from the OS and released again. */
const closedPort = (): Promise<number> => freePort();

async function outcome(process: DistProcess, timeoutMs = 60_000) {
  const timer = setTimeout(() => process.child.kill('SIGKILL'), timeoutMs);
  const { code } = await process.exited;
  clearTimeout(timer);
  const lines = process.output().split('\n').filter(Boolean);
  return { code, lines, output: process.output() };
}

/** No line of a stack trace (`    at fn (file:line:col)`), no raw driver message. */
function expectNoStack(output: string): void {
  expect(output).not.toMatch(/^\s+at\s/m);
}

describe('start-up errors: one line naming the variable', () => {
  let environment: TestEnvironment;
  let dataDir: string;
  /** Another process listening on `takenPort`. */
  let holder: Server;
  let takenPort: number;

  beforeAll(async () => {
    environment = await createTestEnvironment({ env: { LOG_LEVEL: 'info', LOG_FORMAT: 'json' } });
    dataDir = mkdtempSync(join(tmpdir(), 'jiebang-startup-'));
    chmodSync(dataDir, 0o711);
    takenPort = await freePort();
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(takenPort, '0.0.0.0', resolve));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => holder.close(() => resolve()));
    await environment?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('API: DATABASE_URL refused, unknown role, missing database, not a URL', async () => {
    const base = { ...environment.env, STARTUP_WAIT_MS: '1000' };
    const cases: Array<[string, RegExp]> = [
      [
        `postgres://postgres@127.0.0.1:${await closedPort()}/jiebang`,
        /^\[api\] DATABASE_URL: no PostgreSQL answered at 127\.0\.0\.1:\d+ within [\d.]+ s \(connection refused\): start PostgreSQL there or correct DATABASE_URL/,
      ],
      [
        databaseUrl('postgres').replace('//postgres@', '//no_such_role_here@'),
        /^\[api\] DATABASE_URL: PostgreSQL at .* has no role "no_such_role_here": correct the user name in DATABASE_URL/,
      ],
      [
        databaseUrl('jiebang_no_such_database'),
        /^\[api\] DATABASE_URL: database "jiebang_no_such_database" does not exist at .*: create it/,
      ],
      [
        'mysql://somewhere/jiebang',
        /^\[api\] DATABASE_URL: must be a URL like postgres:\/\/user:password@host:5432/,
      ],
    ];
    for (const [url, line] of cases) {
      const result = await outcome(startDist('main', { ...base, DATABASE_URL: url }));
      expect({ url, code: result.code }).toEqual({ url, code: 1 });
      expect(result.lines.filter((l) => l.includes('DATABASE_URL'))).toEqual([expect.stringMatching(line)]);
      expectNoStack(result.output);
    }
  });

  it('worker: REDIS_URL unreachable exits after the bounded wait (STARTUP_WAIT_MS), not retrying for ever', async () => {
    const started = Date.now();
    const result = await outcome(
      startDist('worker', {
        ...environment.env,
        REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
        STARTUP_WAIT_MS: '1500',
      }),
    );
    const elapsed = Date.now() - started;
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([
      expect.stringMatching(
        /^\[worker\] REDIS_URL: no Redis answered at 127\.0\.0\.1:\d+ within [\d.]+ s \(connection refused\): start Redis there or correct REDIS_URL/,
      ),
    ]);
    expectNoStack(result.output);
    // It waited (more than one attempt), and it stopped: the 60 s guard of outcome() never fired.
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
  });

  it('API: a PORT in use is named', async () => {
    const result = await outcome(startDist('main', { ...environment.env, PORT: String(takenPort) }));
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([
      `[api] PORT: ${takenPort} is already in use on 0.0.0.0 (another process listens there): stop that process or choose another port, e.g. PORT=${takenPort + 1}`,
    ]);
  });

  it('API: the boot prints "N routes mapped" at the default level instead of a line per route and module', async () => {
    const port = await freePort();
    const api = startDist('main', { ...environment.env, PORT: String(port) });
    try {
      await waitFor200(`http://127.0.0.1:${port}/health/ready`, api);
    } finally {
      await stopDist(api);
    }
    const output = api.output();
    expect(output).not.toContain('Mapped {');
    expect(output).not.toContain('dependencies initialized');
    const summary = /"msg":"(\d+) routes mapped/.exec(output);
    expect(Number(summary?.[1])).toBeGreaterThan(50);
    expect(output).toContain('Nest application successfully started');
  });

  describe('launcher (npm start)', () => {
    const launcherEnv = (): Record<string, string> => ({
      DATA_DIR: dataDir,
      STARTUP_WAIT_MS: '1000',
      LOG_LEVEL: 'warn',
    });

    it('names DATABASE_URL, REDIS_URL and PORT before it starts anything', async () => {
      const port = await freePort();
      const cases: Array<[Record<string, string>, RegExp]> = [
        [
          { DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/jiebang`, PORT: String(port) },
          /^\[launcher\] DATABASE_URL: no PostgreSQL answered at 127\.0\.0\.1:\d+ .*\(connection refused\)/,
        ],
        [
          {
            REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
            DATABASE_URL: environment.env.DATABASE_URL,
            PORT: String(port),
          },
          /^\[launcher\] REDIS_URL: no Redis answered at 127\.0\.0\.1:\d+ .*\(connection refused\)/,
        ],
        [{ PORT: String(takenPort) }, /^\[launcher\] PORT: \d+ is already in use on 0\.0\.0\.0/],
      ];
      for (const [env, line] of cases) {
        const result = await outcome(startDist('launcher', { ...launcherEnv(), ...env }));
        expect({ env, code: result.code }).toEqual({ env, code: 1 });
        expect(result.lines.filter((l) => /^\[launcher\] [A-Z_]+: /.test(l))).toEqual([
          expect.stringMatching(line),
        ]);
        expect(result.output).not.toContain('Embedded PostgreSQL');
        expectNoStack(result.output);
      }
    });

    it('a second npm start on the same DATA_DIR says another instance holds it, not "set DATABASE_URL"', async () => {
      // The running instance: this test's own process stands in for the first launcher.
      writeFileSync(join(dataDir, 'launcher.pid'), `${process.pid}\n`);
      const result = await outcome(
        startDist('launcher', { ...launcherEnv(), PORT: String(await freePort()) }),
      );
      rmSync(join(dataDir, 'launcher.pid'), { force: true });
      expect(result.code).toBe(1);
      expect(result.lines).toEqual([
        `[launcher] DATA_DIR: ${dataDir} is in use by another npm start (pid ${process.pid}): stop that one first (Ctrl-C in its terminal), or run a second instance with its own DATA_DIR and PORT`,
      ]);
    });
  });
});
