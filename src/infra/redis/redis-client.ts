import Redis, { Cluster } from 'ioredis';
import type { ClusterOptions, RedisOptions } from 'ioredis';
import type { AppConfig } from '../config/config';

/** A connection to the deployment's Redis: one server or a Sentinel-managed master (Redis), or a Cluster. */
export type RedisClient = Redis | Cluster;

/** What says where Redis is (docs/adr/0066); the mode's variables are checked by parseConfig. */
export type RedisTarget = Pick<AppConfig, 'REDIS_URL'> &
  Partial<
    Pick<
      AppConfig,
      | 'REDIS_MODE'
      | 'REDIS_SENTINELS'
      | 'REDIS_SENTINEL_NAME'
      | 'REDIS_SENTINEL_PASSWORD'
      | 'REDIS_CLUSTER_NODES'
      | 'REDIS_USERNAME'
      | 'REDIS_PASSWORD'
      | 'REDIS_TLS'
    >
  >;

/** The nodes' credentials and TLS in sentinel and cluster modes (in single mode REDIS_URL has them). */
function nodeOptions(target: RedisTarget): RedisOptions {
  return {
    ...(target.REDIS_USERNAME ? { username: target.REDIS_USERNAME } : {}),
    ...(target.REDIS_PASSWORD ? { password: target.REDIS_PASSWORD } : {}),
    ...(target.REDIS_TLS ? { tls: {} } : {}),
  };
}

/**
 * ioredis options for a Sentinel-managed master: ioredis asks the sentinels for the master, and
 * asks again after a failover.
 */
export function sentinelOptions(target: RedisTarget, options: RedisOptions = {}): RedisOptions {
  return {
    ...nodeOptions(target),
    ...options,
    sentinels: requireSet(target.REDIS_SENTINELS, 'REDIS_SENTINELS'),
    name: requireSet(target.REDIS_SENTINEL_NAME, 'REDIS_SENTINEL_NAME'),
    ...(target.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: target.REDIS_SENTINEL_PASSWORD } : {}),
    ...(target.REDIS_TLS ? { enableTLSForSentinelMode: true } : {}),
    // The sentinels are retried as the master is: soon, and for ever.
    sentinelRetryStrategy: options.retryStrategy ?? defaultRetry,
  };
}

/**
 * A new client of the deployment's Redis with the given options: a `Redis` for one server or a
 * Sentinel-managed master, a `Cluster` for a Redis Cluster (its nodes found from
 * REDIS_CLUSTER_NODES; `keyPrefix`, the offline queue and the reconnection strategy apply to
 * the cluster, the other options to each node's connection).
 */
export function connectRedis(target: RedisTarget, options: RedisOptions = {}): RedisClient {
  const mode = target.REDIS_MODE ?? 'single';
  if (mode === 'single') return new Redis(requireSet(target.REDIS_URL, 'REDIS_URL'), options);
  if (mode === 'sentinel') return new Redis(sentinelOptions(target, options));
  const { keyPrefix, enableOfflineQueue, retryStrategy, lazyConnect, ...perNode } = options;
  const cluster: ClusterOptions = {
    ...(keyPrefix === undefined ? {} : { keyPrefix }),
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
    clusterRetryStrategy: retryStrategy ?? defaultRetry,
    // Commands go to the masters: reads from replicas could miss a job or a counter just written.
    scaleReads: 'master',
    redisOptions: { ...nodeOptions(target), ...perNode },
  };
  return new Cluster(requireSet(target.REDIS_CLUSTER_NODES, 'REDIS_CLUSTER_NODES'), cluster);
}

/** Where Redis is, for messages: the URL without its password, or the mode's nodes. */
export function describeRedis(target: RedisTarget): string {
  const nodes = (list: Array<{ host: string; port: number }> | undefined) =>
    (list ?? []).map(({ host, port }) => `${host.includes(':') ? `[${host}]` : host}:${port}`).join(',');
  switch (target.REDIS_MODE ?? 'single') {
    case 'single': {
      const url = new URL(requireSet(target.REDIS_URL, 'REDIS_URL'));
      return `${url.hostname}:${url.port || 6379}`;
    }
    case 'sentinel':
      return `master "${target.REDIS_SENTINEL_NAME}" of the sentinels ${nodes(target.REDIS_SENTINELS)}`;
    case 'cluster':
      return `the Redis Cluster ${nodes(target.REDIS_CLUSTER_NODES)}`;
  }
}

const defaultRetry = (attempt: number): number => Math.min(attempt * 100, 1_000);

function requireSet<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
}
