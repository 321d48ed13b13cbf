import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, InjectConfig } from '../config/config';
import type { AppConfig } from '../config/config';
import { settleWithin, shutdownBudget } from '../lifecycle/shutdown';
import { bullConnection } from '../queue/queue.connection';
import type { BullConnection } from '../queue/queue.connection';
import { connectRedis } from './redis-client';
import type { RedisClient, RedisTarget } from './redis-client';

export const REDIS = Symbol('REDIS');
export const InjectRedis = (): ParameterDecorator => Inject(REDIS);

/** BullMQ's connection (bullConnection): options, or in cluster mode one Cluster client it shares. */
export const BULL_CONNECTION = Symbol('BULL_CONNECTION');

/**
 * A general-purpose client for rate limits and health; keys are prefixed with REDIS_PREFIX. A
 * Cluster client in cluster mode (docs/adr/0066): each key goes to its own slot's master.
 * Bounded for outages (ADR 0035): a command waits at most REDIS_COMMAND_TIMEOUT_MS (or one
 * reconnection attempt) before it fails, so a request that asks Redis is not held while Redis is
 * down, and reconnection is retried at least every second, so service is back soon after Redis.
 */
export function createRedis(config: RedisTarget & Pick<AppConfig, 'REDIS_PREFIX'>): RedisClient {
  const redis = connectRedis(config, {
    keyPrefix: `${config.REDIS_PREFIX}:`,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    lazyConnect: false,
    connectTimeout: 2_000,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
  // Without a listener ioredis prints every failed reconnection; the callers see (and log) the outage.
  redis.on('error', () => undefined);
  return redis;
}

export const REDIS_COMMAND_TIMEOUT_MS = 1_000;

/**
 * Closes an ioredis client without ever hanging: QUIT when it is connected, for at most `ms`, else
 * (or then) a disconnect. A client that is not connected would hold QUIT in its offline queue
 * until Redis came back, for ever if it never does.
 */
export async function closeRedis(client: RedisClient, ms: number): Promise<void> {
  if (client.status === 'ready') await settleWithin(client.quit(), ms);
  if (client.status !== 'end') client.disconnect();
}

@Global()
@Module({
  providers: [
    { provide: REDIS, inject: [APP_CONFIG], useFactory: createRedis },
    { provide: BULL_CONNECTION, inject: [APP_CONFIG], useFactory: bullConnection },
  ],
  exports: [REDIS, BULL_CONNECTION],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(BULL_CONNECTION) private readonly bull: BullConnection,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** After the queues and workers closed (they do not close a connection they were given). */
  async onApplicationShutdown(): Promise<void> {
    const ms = Math.max(100, shutdownBudget(this.config.SHUTDOWN_GRACE_MS).closeMs / 3);
    const shared = isClient(this.bull) ? [this.bull] : [];
    await Promise.all([this.redis, ...shared].map((client) => closeRedis(client, ms)));
  }
}

/** Whether BullMQ's connection is a client (cluster mode) rather than options it connects with. */
export function isClient(connection: BullConnection): connection is RedisClient {
  return typeof (connection as Partial<RedisClient>).duplicate === 'function';
}
