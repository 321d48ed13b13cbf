import { createServer } from 'node:net';
import { Client } from 'pg';
import { connectRedis, describeRedis } from '../redis/redis-client';
import type { RedisTarget } from '../redis/redis-client';
import {
  databaseErrorLine,
  isUnreachable,
  listenErrorLine,
  redisErrorLine,
  StartupError,
} from './startup-errors';

/** How often a dependency that does not answer yet is asked again during the start-up wait. */
const RETRY_EVERY_MS = 250;
/** One attempt gives up after this long (or the rest of the wait, when shorter). */
const ATTEMPT_TIMEOUT_MS = 3_000;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Retries `attempt` while the dependency is unreachable and the wait lasts; returns the last error
 * (undefined on success) and how long was waited.
 */
async function within(
  waitMs: number,
  attempt: (timeoutMs: number) => Promise<void>,
  retryable: (error: unknown) => boolean,
): Promise<{ error: Error | undefined; waitedMs: number }> {
  const started = Date.now();
  const deadline = started + waitMs;
  for (;;) {
    const left = Math.max(200, Math.min(ATTEMPT_TIMEOUT_MS, deadline - Date.now()));
    try {
      await attempt(left);
      return { error: undefined, waitedMs: Date.now() - started };
    } catch (error) {
      if (!retryable(error) || Date.now() + RETRY_EVERY_MS >= deadline) {
        return {
          error: error instanceof Error ? error : new Error(String(error)),
          waitedMs: Date.now() - started,
        };
      }
      await pause(RETRY_EVERY_MS);
    }
  }
}

/**
 * Connects to PostgreSQL once, before anything else does: while it does not answer, for at most
 * `waitMs`; a refusal that waiting cannot mend (unknown role, wrong password, missing database,
 * bad URL) ends the start at once. Throws a StartupError naming DATABASE_URL for a known cause.
 */
export async function checkDatabase(url: string, waitMs: number): Promise<void> {
  const { error, waitedMs } = await within(
    waitMs,
    async (timeoutMs) => {
      const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    isUnreachable,
  );
  if (error === undefined) return;
  const line = databaseErrorLine(error, url, waitedMs);
  if (line) throw new StartupError('DATABASE_URL', line);
  throw error;
}

/** Redis refusing the credentials: waiting cannot mend it, so the start-up wait ends at once. */
const refusedCredentials = (failure: unknown): boolean =>
  /NOAUTH|WRONGPASS|invalid password|invalid username/i.test(String(failure));

/**
 * One attempt: a client of its own connects to Redis, PINGs and disconnects, giving up after
 * `timeoutMs` and never reconnecting on its own.
 */
async function pingRedis(target: RedisTarget, timeoutMs: number): Promise<void> {
  const client = connectRedis(target, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // ioredis rejects connect() with "Connection is closed."; the socket's own error says why.
  let cause: unknown;
  client.on('error', (error: unknown) => {
    cause ??= error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw cause ?? error;
  } finally {
    client.disconnect();
  }
}

/** Pings Redis until it answers, for at most `waitMs`; refused credentials end the wait at once. */
function waitForRedis(
  target: RedisTarget,
  waitMs: number,
): Promise<{ error: Error | undefined; waitedMs: number }> {
  return within(
    waitMs,
    (timeoutMs) => pingRedis(target, timeoutMs),
    (failure) => !refusedCredentials(failure),
  );
}

/**
 * Waits at most `waitMs` for Redis to answer PING, then throws a StartupError naming REDIS_URL: the
 * API and the worker would otherwise retry for ever at start-up (BullMQ, the rate limiter).
 */
export async function checkRedis(url: string, waitMs: number): Promise<void> {
  const { error, waitedMs } = await waitForRedis({ REDIS_URL: url }, waitMs);
  if (error !== undefined) throw new StartupError('REDIS_URL', redisErrorLine(error, url, waitedMs));
}

/**
 * checkRedis for any REDIS_MODE: in sentinel and cluster modes, waits at most `waitMs` for the
 * master (asked of the sentinels) or the cluster (its slots read from a seed node) to answer PING,
 * then throws a StartupError naming REDIS_SENTINELS or REDIS_CLUSTER_NODES.
 */
export async function checkRedisTarget(target: RedisTarget, waitMs: number): Promise<void> {
  const mode = target.REDIS_MODE ?? 'single';
  if (mode === 'single') return checkRedis(target.REDIS_URL ?? '', waitMs);
  const variable = mode === 'sentinel' ? 'REDIS_SENTINELS' : 'REDIS_CLUSTER_NODES';
  const { error, waitedMs } = await waitForRedis(target, waitMs);
  if (error === undefined) return;
  const message = error.message.split('\n')[0];
  throw new StartupError(
    variable,
    `${variable}: no Redis answered as ${describeRedis(target)} within ${Math.round(waitedMs / 100) / 10} s ` +
      `(${message}): start it or correct ${variable} (REDIS_USERNAME, REDIS_PASSWORD, REDIS_TLS for the credentials); ` +
      'STARTUP_WAIT_MS sets the wait',
  );
}

/** Throws a StartupError naming PORT when nothing may listen on host:port now (the launcher asks first). */
export async function checkPortFree(port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error) => {
      const line = listenErrorLine(error, port, host);
      reject(line ? new StartupError(line.startsWith('HOST') ? 'HOST' : 'PORT', line) : error);
    });
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

/** A failed `listen` of the HTTP server, as the StartupError naming PORT (or HOST) when the cause is known. */
export function asListenError(error: unknown, port: number, host: string): unknown {
  const line = listenErrorLine(error, port, host);
  return line ? new StartupError(line.startsWith('HOST') ? 'HOST' : 'PORT', line) : error;
}
