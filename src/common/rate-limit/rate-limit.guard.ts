import { ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ThrottlerLimitDetail, ThrottlerRequest } from '@nestjs/throttler/dist/throttler.guard.interface';
import { DomainError } from '../errors/domain-error';

/**
 * The throttler, answering 429 RATE_LIMITED problem+json with Retry-After (seconds). When Redis
 * cannot be reached, the default limit fails open (reads keep working; the outage is logged) and
 * the strict one fails closed: login, register and refresh answer 503 rather than lose their
 * brute-force protection.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly outageLogger = new Logger(RateLimitGuard.name);

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    try {
      return await super.handleRequest(request);
    } catch (error) {
      if (error instanceof DomainError || request.throttler.name === 'strict') throw error;
      this.outageLogger.warn(
        { err: error },
        'Rate-limit storage unavailable: the default limit is not applied',
      );
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
