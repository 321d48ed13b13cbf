import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ThrottlerLimitDetail } from '@nestjs/throttler/dist/throttler.guard.interface';
import { DomainError } from '../errors/domain-error';

/** The throttler, answering 429 RATE_LIMITED problem+json with Retry-After (seconds). */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
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
