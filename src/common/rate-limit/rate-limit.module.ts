import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ExecutionContext, Module } from '@nestjs/common';
import { ThrottlerModule, ThrottlerModuleOptions } from '@nestjs/throttler';
import { Cluster } from 'ioredis';
import type { RedisClient } from '../../infra/redis/redis-client';
import { Clock } from '../../infra/clock/clock';
import { APP_CONFIG, AppConfig } from '../../infra/config/config';
import { REDIS } from '../../infra/redis/redis.module';
import { RateLimitBudget } from './rate-limit-budget';
import { STRICT_RATE_LIMIT } from './rate-limit.decorators';
import { RATE_LIMIT_BUDGET, RateLimitGuard } from './rate-limit.guard';

const MINUTE_MS = 60_000;

/** The machine's time, for the rate-limit windows (a plain Clock, not the injected one). */
const WALL_CLOCK = new Clock();

/** Whether a route is under the strict limit, read from its metadata once per controller and handler. */
const strictRoutes = new WeakMap<object, WeakMap<object, boolean>>();

function isStrict(context: ExecutionContext): boolean {
  const handler = context.getHandler();
  const controller = context.getClass();
  let handlers = strictRoutes.get(controller);
  if (!handlers) strictRoutes.set(controller, (handlers = new WeakMap()));
  let strict = handlers.get(handler);
  if (strict === undefined) {
    strict =
      Reflect.getMetadata(STRICT_RATE_LIMIT, handler) === true ||
      Reflect.getMetadata(STRICT_RATE_LIMIT, controller) === true;
    handlers.set(handler, strict);
  }
  return strict;
}

/** The throttler's Redis storage on the app's client, one server or a Cluster (its keys carry a hash tag). */
export function throttlerStorage(redis: RedisClient): ThrottlerStorageRedisService {
  return redis instanceof Cluster
    ? new ThrottlerStorageRedisService(redis)
    : new ThrottlerStorageRedisService(redis);
}

export function rateLimitOptions(config: AppConfig, redis: RedisClient): ThrottlerModuleOptions {
  return {
    // Counters live in Redis (keys under this environment's prefix), shared by every API process.
    // This storage serves the strict limit; the default one is spent from RateLimitBudget (RateLimitGuard).
    storage: throttlerStorage(redis),
    throttlers: [
      { name: 'default', ttl: MINUTE_MS, limit: config.RATE_LIMIT_PER_MINUTE },
      {
        name: 'strict',
        ttl: MINUTE_MS,
        limit: config.LOGIN_RATE_LIMIT_PER_MINUTE,
        skipIf: (context) => !isStrict(context),
      },
    ],
    // One budget per client address and throttler, whatever the route.
    generateKey: (_context, tracker, name) => `rate-limit:${name}:${tracker}`,
  };
}

/**
 * Per-IP rate limits backed by Redis: `default` (RATE_LIMIT_PER_MINUTE) on every route, `strict`
 * (LOGIN_RATE_LIMIT_PER_MINUTE) on routes marked `@StrictRateLimit()`. Register `RateLimitGuard`
 * as an APP_GUARD (before the auth guard) to apply them. The default limit's anonymous reads are
 * spent from hits leased in batches (RateLimitBudget, docs/adr/0056).
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, REDIS],
      useFactory: rateLimitOptions,
    }),
  ],
  providers: [
    {
      provide: RATE_LIMIT_BUDGET,
      inject: [REDIS],
      // Windows of wall-clock minutes, as the throttler's Redis expiries were, not of the injected
      // Clock: a test that holds its TestClock still must not be held in one endless minute.
      useFactory: (redis: RedisClient) => new RateLimitBudget(redis, WALL_CLOCK),
    },
    RateLimitGuard,
  ],
  exports: [ThrottlerModule, RateLimitGuard, RATE_LIMIT_BUDGET],
})
export class RateLimitModule {}
