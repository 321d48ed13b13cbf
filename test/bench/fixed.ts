import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, Socket } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/infra/database/data-source.options';
import { migrateWithLock } from '../../src/infra/database/migrate';
import { RateLimitBudget } from '../../src/common/rate-limit/rate-limit-budget';
import { throttlerStorage } from '../../src/common/rate-limit/rate-limit.module';
import { Clock } from '../../src/infra/clock/clock';
import { freePort } from '../../src/infra/embedded/free-port';
import { createRedis } from '../../src/infra/redis/redis.module';
import { loadAverage, printGoals, recordGoal } from './goals';
import { freshBenchDatabase } from './resources';

/**
 * Bench part `fixed` (docs/adr/0056): the per-request fixed costs of the API (logging, rate
 * limiting, request context, the HTTP pipeline), as requests per second and server CPU per
 * request of `/health/live` and of an anonymous `GET /api/v1/challenges?limit=1`, against a bare
 * hello server (Fastify when it is installed, else node:http) in the same run, interleaved.
 * Each server is its own process (the built `dist/src/main.js`, production settings, LOG_LEVEL=info
 * into /dev/null); the load comes from this process through a minimal keep-alive client.
 *
 * BENCH_FIXED_BEFORE=<checkout> also runs `<checkout>/dist/src/main.js` (e.g. the commit before),
 * interleaved with ours, for a before/after on the same machine at the same load.
 * BENCH_FIXED_SECONDS (default 5) per run, BENCH_FIXED_ROUNDS (3), BENCH_FIXED_CONNECTIONS (64).
 * `node dist/test/bench/fixed.js alone` runs this part by itself, on a database of its own.
 * The challenges table is as the parts before left it (empty with --only=fixed): the list then
 * measures the pipeline and one SQL query, which is what this part is about.
 */
const SECONDS = Number(process.env.BENCH_FIXED_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_FIXED_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_FIXED_CONNECTIONS ?? 64);
const BEFORE = process.env.BENCH_FIXED_BEFORE;
const ROOT = join(__dirname, '..', '..', '..');
const TICKS_PER_SECOND = 100;

interface Server {
  name: string;
  child: ChildProcess;
  port: number;
  output: () => string;
}

/** One server process, waited for until `path` answers 200. */
async function start(
  name: string,
  args: string[],
  env: Record<string, string>,
  path: string,
): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TZ: 'UTC',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${output}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}${path}`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${name} did not answer ${path}: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { name, child, port, output: () => output };
}

async function stop(server: Server | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** The process's user + system CPU so far, in ms (Linux /proc). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/**
 * The server's CPU per second with no request (timers, queue connections, GC), over `seconds`:
 * subtracted from a run's CPU, so that CPU per request is the requests' own.
 */
async function idleCpuPerMs(server: Server, seconds: number): Promise<number> {
  const before = cpuMs(server.child.pid!);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  return (cpuMs(server.child.pid!) - before) / (performance.now() - started);
}

interface Run {
  perSecond: number;
  cpuPerRequestMs: number;
}

/**
 * `connections` keep-alive connections, each sending GET `path` again as soon as the previous
 * answer is complete (Content-Length framing), for `seconds`. Any status but 200 breaks the run.
 */
async function load(
  server: Server & { idle?: number },
  path: string,
  seconds: number,
  connections: number,
): Promise<Run> {
  const request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n`);
  let done = 0;
  let failure: Error | undefined;
  const cpuBefore = cpuMs(server.child.pid!);
  const started = performance.now();
  const until = started + seconds * 1000;
  const sockets: Socket[] = [];
  await Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise<void>((resolve) => {
          const socket = connect(server.port, '127.0.0.1');
          sockets.push(socket);
          socket.setNoDelay(true);
          let buffer: Buffer = Buffer.alloc(0);
          socket.on('connect', () => socket.write(request));
          socket.on('error', (error) => {
            failure ??= error;
            resolve();
          });
          socket.on('close', () => resolve());
          socket.on('data', (chunk: Buffer) => {
            buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
            for (;;) {
              const head = buffer.indexOf('\r\n\r\n');
              if (head < 0) return;
              const header = buffer.subarray(0, head).toString('latin1');
              const length = /\r\ncontent-length: *(\d+)/i.exec(header);
              if (!length) {
                failure ??= new Error(`${server.name} ${path}: no Content-Length: ${header}`);
                socket.destroy();
                return;
              }
              const end = head + 4 + Number(length[1]);
              if (buffer.length < end) return;
              if (!header.startsWith('HTTP/1.1 200')) {
                failure ??= new Error(`${server.name} ${path}: ${header.split('\r\n')[0]}`);
                socket.destroy();
                return;
              }
              buffer = buffer.subarray(end);
              done += 1;
              if (performance.now() >= until) {
                socket.end();
                return;
              }
              socket.write(request);
            }
          });
        }),
    ),
  );
  const elapsed = performance.now() - started;
  for (const socket of sockets) socket.destroy();
  if (failure) throw failure;
  return {
    perSecond: (done / elapsed) * 1000,
    cpuPerRequestMs: (cpuMs(server.child.pid!) - cpuBefore - (server.idle ?? 0) * elapsed) / done,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The hello baseline, when this file is run as `node fixed.js hello`: Fastify if installed, else node:http. */
async function hello(): Promise<void> {
  const port = Number(process.env.PORT);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fastify = require('fastify') as (options?: object) => {
      get(path: string, handler: () => unknown): void;
      listen(options: { port: number; host: string }): Promise<string>;
    };
    const app = fastify();
    app.get('/hello', () => ({ status: 'ok' }));
    await app.listen({ port, host: '127.0.0.1' });
    console.error('[hello] fastify');
  } catch {
    createServer((_req, res) => {
      const body = '{"status":"ok"}';
      res.writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': body.length,
      });
      res.end(body);
    }).listen(port, '127.0.0.1');
    console.error('[hello] node:http');
  }
}

/**
 * The default limit alone, in this process: one anonymous read's hit taken BENCH_FIXED_TAKES times
 * (20,000) in a row, from the throttler's Redis storage (one EVAL each, as before ADR 0056) and
 * from RateLimitBudget (a lease of 50 per Redis call); wall time and this process's CPU per hit.
 */
async function rateLimitCases(redisUrl: string): Promise<void> {
  const takes = Number(process.env.BENCH_FIXED_TAKES ?? 20_000);
  const redis = createRedis({
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `bench_rl_${randomBytes(4).toString('hex')}`,
  });
  try {
    const storage = throttlerStorage(redis);
    const budget = new RateLimitBudget(redis, new Clock());
    const cases: Array<[string, (i: number) => Promise<unknown>]> = [
      [
        'throttler storage (EVAL per hit)',
        () => storage.increment('rate-limit:default:bench', 60_000, 1e9, 60_000, 'default'),
      ],
      ['RateLimitBudget, anonymous read', () => budget.take('rate-limit:default:bench', 1e9, 60_000, true)],
      [
        'RateLimitBudget, exact (signed in)',
        () => budget.take('rate-limit:default:bench2', 1e9, 60_000, false),
      ],
    ];
    const rows = [];
    for (const [name, take] of cases) {
      for (let i = 0; i < 200; i++) await take(i); // warm-up
      const cpu = process.cpuUsage();
      const started = performance.now();
      for (let i = 0; i < takes; i++) await take(i);
      const wall = performance.now() - started;
      const used = process.cpuUsage(cpu);
      rows.push({
        case: name,
        hits: takes,
        'wall µs/hit': ((wall * 1000) / takes).toFixed(1),
        'client CPU µs/hit': ((used.user + used.system) / takes).toFixed(1),
      });
    }
    console.log(`\n## The default rate limit, one hit at a time (${loadAverage()})`);
    console.table(rows);
  } finally {
    redis.disconnect();
  }
}

/** The part: servers up, ROUNDS interleaved runs of each case, medians, the goal row. */
export async function fixedCases(databaseUrl: string, redisUrl: string): Promise<void> {
  const script = join(ROOT, 'dist', 'src', 'main.js');
  const beforeScript = BEFORE ? join(BEFORE, 'dist', 'src', 'main.js') : undefined;
  if (beforeScript && !existsSync(beforeScript))
    throw new Error(`${beforeScript} is missing (build that checkout)`);
  const env = (prefix: string): Record<string, string> => ({
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `${prefix}_${randomBytes(4).toString('hex')}`,
    JWT_ACCESS_SECRET: randomBytes(32).toString('hex'),
    MIGRATE_ON_START: 'false',
    // The limit is spent as in production, but the load comes from one address.
    RATE_LIMIT_PER_MINUTE: '100000000',
  });
  await rateLimitCases(redisUrl);
  const servers: Server[] = [];
  try {
    const helloServer = await start('hello', [join(__dirname, 'fixed.js'), 'hello'], {}, '/hello');
    servers.push(helloServer);
    const ours = await start('ours', [script], env('bench_fixed'), '/health/live');
    servers.push(ours);
    const before = beforeScript
      ? await start('before', [beforeScript], env('bench_before'), '/health/live')
      : undefined;
    if (before) servers.push(before);
    const baselineKind = /\[hello\] (\S+)/.exec(helloServer.output())?.[1] ?? 'hello';

    const cases: Array<{ name: string; server: Server; path: string }> = [
      { name: `bare ${baselineKind} hello`, server: helloServer, path: '/hello' },
      { name: 'ours /health/live', server: ours, path: '/health/live' },
      { name: 'ours GET /api/v1/challenges?limit=1', server: ours, path: '/api/v1/challenges?limit=1' },
    ];
    if (before) {
      cases.push(
        { name: 'before /health/live', server: before, path: '/health/live' },
        { name: 'before GET /api/v1/challenges?limit=1', server: before, path: '/api/v1/challenges?limit=1' },
      );
    }
    // Warm-up (JIT, pools), each server's idle CPU, then interleaved rounds.
    for (const c of cases) await load(c.server, c.path, 1, CONNECTIONS);
    for (const server of servers) (server as Server & { idle?: number }).idle = await idleCpuPerMs(server, 3);
    console.log(
      `idle CPU: ${servers.map((s) => `${s.name} ${((s as Server & { idle?: number }).idle! * 1000).toFixed(1)} ms/s`).join(', ')}`,
    );
    const runs = new Map<string, Run[]>(cases.map((c) => [c.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of cases) runs.get(c.name)!.push(await load(c.server, c.path, SECONDS, CONNECTIONS));
    }
    const summary = cases.map((c) => {
      const r = runs.get(c.name)!;
      return {
        case: c.name,
        'req/s (median)': median(r.map((x) => x.perSecond)),
        'CPU ms/request (median)': median(r.map((x) => x.cpuPerRequestMs)),
      };
    });
    console.log(
      `\n## Per-request fixed costs: ${CONNECTIONS} connections, ${ROUNDS} × ${SECONDS} s interleaved (${loadAverage()})`,
    );
    console.table(
      summary.map((s) => ({
        case: s.case,
        'req/s (median)': s['req/s (median)'].toFixed(0),
        'server CPU ms/request': s['CPU ms/request (median)'].toFixed(3),
      })),
    );
    const [base, live] = summary;
    const ratio = live['req/s (median)'] / base['req/s (median)'];
    recordGoal({
      goal: '/health/live vs a bare Fastify hello',
      ours: `${live['req/s (median)'].toFixed(0)} req/s`,
      baseline: `${base['req/s (median)'].toFixed(0)} req/s bare ${baselineKind} hello`,
      ratio,
      target: '≥ 0.5',
      met: ratio >= 0.5,
      note:
        `server CPU per request ${live['CPU ms/request (median)'].toFixed(3)} / ` +
        `${base['CPU ms/request (median)'].toFixed(3)} ms; one client process on the same 2 cores`,
    });
    if (before) {
      for (const [now, then] of [
        [summary[1], summary[3]],
        [summary[2], summary[4]],
      ]) {
        console.log(
          `${now.case} / ${then.case}: req/s ${(now['req/s (median)'] / then['req/s (median)']).toFixed(2)}, ` +
            `CPU per request ${(now['CPU ms/request (median)'] / then['CPU ms/request (median)']).toFixed(2)}`,
        );
      }
    }
  } finally {
    for (const server of servers.reverse()) await stop(server);
  }
}

/**
 * `node dist/test/bench/fixed.js alone`: this part on a database of its own (created, migrated and
 * dropped here), so it never meets another run of `npm run bench` on the shared `jiebang_bench`.
 */
async function alone(): Promise<void> {
  const adminUrl = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `jiebang_bench_fixed_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const url = await freshBenchDatabase(admin, adminUrl, name);
  try {
    const dataSource = await new DataSource(
      dataSourceOptions({
        DATABASE_URL: url,
        DATABASE_POOL_MAX: 2,
        DATABASE_STATEMENT_TIMEOUT_MS: 120_000,
      }),
    ).initialize();
    try {
      await migrateWithLock(dataSource);
    } finally {
      await dataSource.destroy();
    }
    console.log(`# bench part fixed, alone (${loadAverage()})`);
    await fixedCases(url, process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379');
    printGoals();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

if (require.main === module && process.argv[2] === 'hello') {
  void hello();
} else if (require.main === module && process.argv[2] === 'alone') {
  alone().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
