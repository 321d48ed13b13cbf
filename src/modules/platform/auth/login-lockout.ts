import { Injectable } from '@nestjs/common';
import type { RedisClient } from '../../../infra/redis/redis-client';
import { sha256Hex } from '../../../common/auth/secrets';
import { Clock } from '../../../infra/clock/clock';
import { InjectRedis } from '../../../infra/redis/redis.module';

/** After this many consecutive failures for one email within the window, that email is locked. */
export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60_000;
export const LOGIN_LOCK_MS = 15 * 60_000;

/**
 * Counts failures atomically: resets the count when the window has passed, and sets `lockedUntil`
 * when the count reaches the maximum. Times come from the caller (the injected clock); the Redis TTL
 * only reclaims memory.
 */
const RECORD_FAILURE = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
local lock = tonumber(ARGV[4])
local ttl = tonumber(ARGV[5])
local start = tonumber(redis.call('HGET', KEYS[1], 'start') or '0')
local count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0')
if start == 0 or now - start > window then
  start = now
  count = 0
end
count = count + 1
local lockedUntil = 0
if count >= max then
  lockedUntil = now + lock
  count = 0
  start = 0
  redis.call('HSET', KEYS[1], 'lockedUntil', lockedUntil)
end
redis.call('HSET', KEYS[1], 'start', start, 'count', count)
redis.call('PEXPIRE', KEYS[1], ttl)
return lockedUntil
`;

/**
 * Brute-force protection per account (email), on top of the per-IP rate limit: consecutive failed
 * sign-ins lock that email for a while, whether or not it exists, so the lock reveals nothing.
 */
@Injectable()
export class LoginLockout {
  constructor(
    @InjectRedis() private readonly redis: RedisClient,
    private readonly clock: Clock,
  ) {}

  /** Milliseconds the email stays locked, or 0. */
  async lockedFor(email: string): Promise<number> {
    const lockedUntil = Number((await this.redis.hget(this.key(email), 'lockedUntil')) ?? 0);
    return Math.max(0, lockedUntil - this.clock.now().getTime());
  }

  /** Records a failure; returns the milliseconds of the lock it started, or 0. */
  async recordFailure(email: string): Promise<number> {
    const now = this.clock.now().getTime();
    const lockedUntil = Number(
      await this.redis.eval(
        RECORD_FAILURE,
        1,
        this.key(email),
        now,
        LOGIN_FAILURE_WINDOW_MS,
        LOGIN_MAX_FAILURES,
        LOGIN_LOCK_MS,
        LOGIN_FAILURE_WINDOW_MS + LOGIN_LOCK_MS + 60_000,
      ),
    );
    return lockedUntil ? lockedUntil - now : 0;
  }

  async clear(email: string): Promise<void> {
    await this.redis.del(this.key(email));
  }

  private key(email: string): string {
    return `login-failures:${sha256Hex(email)}`;
  }
}
