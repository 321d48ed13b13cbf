import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { withTimeout } from '../../../common/timeout';
import type { RedisClient } from '../../../infra/redis/redis-client';
import { InjectRedis } from '../../../infra/redis/redis.module';

/** Redis is up when the shared client answers PING within the timeout. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    @InjectRedis() private readonly redis: RedisClient,
    private readonly health: HealthIndicatorService,
  ) {}

  async pingCheck<const Key extends string>(
    key: Key,
    timeoutMs: number,
  ): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.health.check(key);
    try {
      const answer = await withTimeout(this.redis.ping(), timeoutMs, 'PING');
      return answer === 'PONG'
        ? indicator.up()
        : indicator.down({ message: `unexpected answer ${String(answer)}` });
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
