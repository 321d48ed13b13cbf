import { Injectable } from '@nestjs/common';
import type { RedisClient } from '../../../infra/redis/redis-client';
import { sha256Hex } from '../../../common/auth/secrets';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { InjectConfig } from '../../../infra/config/config';
import type { AppConfig } from '../../../infra/config/config';
import { InjectRedis } from '../../../infra/redis/redis.module';

const HOUR_MS = 3_600_000;

/** The hour window of an instant, and the seconds left in it (at least 1). */
export function resetWindow(nowMs: number): { window: number; secondsLeft: number } {
  const window = Math.floor(nowMs / HOUR_MS);
  return { window, secondsLeft: Math.max(1, Math.ceil(((window + 1) * HOUR_MS - nowMs) / 1000)) };
}

/**
 * Password-reset requests per address (ADR 0045), on top of the strict per-IP limit: at most
 * PASSWORD_RESET_REQUESTS_PER_HOUR per address and clock hour, counted whether or not the address
 * is a user's, so the 429 tells nothing either. Windows come from the injected clock; the Redis
 * TTL only reclaims memory.
 */
@Injectable()
export class ResetRequestLimit {
  constructor(
    @InjectRedis() private readonly redis: RedisClient,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Counts one request for the (normalized) address; 429 RATE_LIMITED past the limit. */
  async take(email: string): Promise<void> {
    const { window, secondsLeft } = resetWindow(this.clock.now().getTime());
    const key = `password-reset-requests:${sha256Hex(email)}:${window}`;
    const [[, count]] = (await this.redis
      .multi()
      .incr(key)
      .pexpire(key, 2 * HOUR_MS)
      .exec()) as [[Error | null, number], [Error | null, number]];
    if (count > this.config.PASSWORD_RESET_REQUESTS_PER_HOUR) {
      throw new DomainError(
        'RATE_LIMITED',
        `Too many reset requests for this address; retry in ${secondsLeft} s`,
        {
          headers: { 'Retry-After': String(secondsLeft) },
        },
      );
    }
  }
}
