import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import Redis from 'ioredis';
import { redisServerMissingLine, StartupError } from '../startup/startup-errors';

export interface PrivateRedisOptions {
  bin: string;
  port: number;
  /** Working directory (DATA_DIR/redis); nothing is persisted there: Redis holds nothing PostgreSQL cannot rebuild. */
  dir: string;
  log: (line: string) => void;
  /** More redis-server arguments, e.g. a node of a test's Redis Cluster (`--cluster-enabled yes`). */
  extraArgs?: string[];
  /** A configuration file, read before the arguments (a Sentinel's, which it rewrites). */
  configFile?: string;
}

export interface RunningRedis {
  url: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

/** REDIS_URL unset and no redis-server to run: the one line of src/infra/startup names the fix. */
export class RedisServerMissingError extends StartupError {
  constructor(bin: string) {
    super('REDIS_URL', redisServerMissingLine(bin));
    this.name = 'RedisServerMissingError';
  }
}

/** Starts a private `redis-server` on 127.0.0.1 without persistence, and waits until it answers PING. */
export async function startPrivateRedis(options: PrivateRedisOptions): Promise<RunningRedis> {
  mkdirSync(options.dir, { recursive: true });
  const child: ChildProcess = spawn(
    options.bin,
    [
      ...(options.configFile ? [options.configFile] : []),
      '--port',
      String(options.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--protected-mode',
      'yes',
      '--dir',
      options.dir,
      '--logfile',
      '',
      ...(options.extraArgs ?? []),
    ],
    // Its own process group: a Ctrl-C in the terminal reaches the launcher, which stops Redis last.
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const output: string[] = [];
  const collect = (chunk: Buffer): void => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    output.splice(0, Math.max(0, output.length - 30));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const exited = new Promise<Error>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'ENOENT' ? new RedisServerMissingError(options.bin) : error),
    );
    child.once('exit', (code, signal) =>
      resolve(
        new Error(
          `redis-server exited (code ${code ?? 'null'}, signal ${signal ?? 'null'}):\n${output.join('\n')}`,
        ),
      ),
    );
  });

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await gone;
    clearTimeout(timer);
  };

  const url = `redis://127.0.0.1:${options.port}`;
  const ready = waitForPing(url);
  const first = await Promise.race([
    ready.then(
      () => null,
      (error: Error) => error,
    ),
    exited,
  ]);
  if (first) {
    ready.cancel();
    await stop();
    throw first;
  }
  return { url, pid: child.pid, stop };
}

function waitForPing(url: string): Promise<void> & { cancel(): void } {
  let cancelled = false;
  const promise = (async () => {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!cancelled) {
      const client = new Redis(url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      client.on('error', () => undefined);
      try {
        await client.connect();
        if ((await client.ping()) === 'PONG') return;
      } catch {
        if (Date.now() > deadline)
          throw new Error(`redis-server did not answer on ${url} within ${READY_TIMEOUT_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      } finally {
        client.disconnect();
      }
    }
  })();
  return Object.assign(promise, {
    cancel: () => {
      cancelled = true;
    },
  });
}
