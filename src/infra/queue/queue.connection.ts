import { AppConfig } from '../config/config';
import { connectRedis, RedisClient, RedisTarget, sentinelOptions } from '../redis/redis-client';

/** The longest wait between two reconnection attempts to Redis. */
export const RECONNECT_MAX_DELAY_MS = 2_000;

/**
 * Waits before the n-th reconnection attempt: 200 ms more each time, at most 2 s. (BullMQ's own
 * strategy grows to 20 s, which would leave the queues idle up to 20 s after Redis is back.)
 */
export function reconnectDelay(times: number): number {
  return Math.min(times * 200, RECONNECT_MAX_DELAY_MS);
}

/** BullMQ's connection options, or (cluster mode) a client of the cluster for it to share. */
export type BullConnection = RedisClient | (Record<string, unknown> & { maxRetriesPerRequest: null });

/**
 * BullMQ's own connection: no ioredis `keyPrefix` (BullMQ forbids it; it prefixes keys itself),
 * `maxRetriesPerRequest: null`, which its blocking worker connections require, and reconnection
 * attempts at most RECONNECT_MAX_DELAY_MS apart (docs/adr/0037). One server or a Sentinel-managed
 * master: options, each queue and worker connects with them. A Redis Cluster: a Cluster client
 * (BullMQ only builds single-node clients from options), which the queues and workers share and
 * duplicate for their blocking reads; its owner closes it (RedisModule, docs/adr/0066).
 */
export function bullConnection(config: RedisTarget): BullConnection {
  const options = { maxRetriesPerRequest: null, retryStrategy: reconnectDelay };
  switch (config.REDIS_MODE ?? 'single') {
    case 'single':
      return { url: config.REDIS_URL, ...options };
    case 'sentinel':
      return { ...sentinelOptions(config, options), maxRetriesPerRequest: null };
    case 'cluster': {
      const cluster = connectRedis(config, options);
      // The queues and workers report errors themselves (JobQueue, JobWorkers log them).
      cluster.on('error', () => undefined);
      return cluster;
    }
  }
}

/**
 * Every BullMQ key of this deployment starts with it, beside the REDIS_PREFIX keys of the app
 * client. BullMQ's scripts touch many keys of a queue at once, which a Redis Cluster allows only
 * in one slot: the prefix carries a hash tag, REDIS_PREFIX's own if it has one, else (cluster
 * mode) `{REDIS_PREFIX}`. Without a cluster an untagged prefix stays as it was, so an upgrade
 * finds its queues.
 */
export function bullPrefix(
  config: Pick<AppConfig, 'REDIS_PREFIX'> & Partial<Pick<AppConfig, 'REDIS_MODE'>>,
): string {
  const tagged = /\{[^{}]+\}/.test(config.REDIS_PREFIX);
  if (tagged || (config.REDIS_MODE ?? 'single') !== 'cluster') return `${config.REDIS_PREFIX}:bull`;
  return `{${config.REDIS_PREFIX}}:bull`;
}
