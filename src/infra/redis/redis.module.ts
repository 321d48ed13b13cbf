import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/config';

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

@Global()
@Module({
  providers: [{ provide: REDIS, inject: [APP_CONFIG], useFactory: createRedis }],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
