import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, InjectConfig } from '../config/config';
import type { AppConfig } from '../config/config';
import { settleWithin, shutdownBudget } from '../lifecycle/shutdown';

export const REDIS = Symbol('REDIS');
export const InjectRedis = (): ParameterDecorator => Inject(REDIS);

/**
 * A general-purpose client for rate limits and health; keys are prefixed with REDIS_PREFIX.
 * Bounded for outages (ADR 0035): a command waits at most REDIS_COMMAND_TIMEOUT_MS (or one
 * reconnection attempt) before it fails, so a request that asks Redis is not held while Redis is
 * down, and reconnection is retried at least every second, so service is back soon after Redis.
 */
export function createRedis(config: Pick<AppConfig, 'REDIS_URL' | 'REDIS_PREFIX'>): Redis {
  const redis = new Redis(config.REDIS_URL, {
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
export async function closeRedis(client: Redis, ms: number): Promise<void> {
  if (client.status === 'ready') await settleWithin(client.quit(), ms);
  if (client.status !== 'end') client.disconnect();
}

@Global()
@Module({
  providers: [{ provide: REDIS, inject: [APP_CONFIG], useFactory: createRedis }],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.redis, Math.max(100, shutdownBudget(this.config.SHUTDOWN_GRACE_MS).closeMs / 3));
  }
}
