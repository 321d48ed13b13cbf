import { ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ThrottlerLimitDetail, ThrottlerRequest } from '@nestjs/throttler/dist/throttler.guard.interface';
import { DEPENDENCY_RETRY_AFTER_SECONDS } from '../errors/dependency-errors';
import { DomainError } from '../errors/domain-error';

/** While Redis is down, the fail-open warning is logged at most this often, not on every request. */
const OUTAGE_LOG_INTERVAL_MS = 10_000;

/**
 * The throttler, answering 429 RATE_LIMITED problem+json with Retry-After (seconds). When Redis
 * cannot be reached, the default limit fails open (reads keep working; the outage is logged) and
 * the strict one fails closed: login, register and refresh answer 503 rather than lose their
 * brute-force protection.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly outageLogger = new Logger(RateLimitGuard.name);
  private lastOutageLoggedAt = 0;

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    try {
      return await super.handleRequest(request);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      const strict = request.throttler.name === 'strict';
      // Wall time, not the injected clock: this only paces a log line.
      if (Date.now() - this.lastOutageLoggedAt >= OUTAGE_LOG_INTERVAL_MS) {
        this.lastOutageLoggedAt = Date.now();
        this.outageLogger.warn(
          { err: error },
          strict
            ? 'Rate-limit storage unavailable: login, register and refresh answer 503'
            : 'Rate-limit storage unavailable: the default limit is not applied',
        );
      }
      if (strict) {
        // Whatever Redis failed with, the answer is 503 with Retry-After, never an opaque 500.
        throw new DomainError('SERVICE_UNAVAILABLE', 'Rate limiting is unavailable; retry later', {
          headers: { 'Retry-After': String(DEPENDENCY_RETRY_AFTER_SECONDS) },
        });
      }
      return true;
    }
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const retryAfter = Math.max(1, Math.ceil(detail.timeToBlockExpire || detail.timeToExpire || 1));
    throw new DomainError('RATE_LIMITED', `Too many requests; retry in ${retryAfter} s`, {
      headers: { 'Retry-After': String(retryAfter) },
    });
  }
}
