import { ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerGuard } from '@nestjs/throttler';
import type { ThrottlerModuleOptions, ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerLimitDetail, ThrottlerRequest } from '@nestjs/throttler/dist/throttler.guard.interface';
import { DEPENDENCY_RETRY_AFTER_SECONDS } from '../errors/dependency-errors';
import { DomainError } from '../errors/domain-error';
import { RateLimitBudget } from './rate-limit-budget';

/** While Redis is down, the fail-open warning is logged at most this often, not on every request. */
const OUTAGE_LOG_INTERVAL_MS = 10_000;

/** The throttler of the shared budget (RATE_LIMIT_PER_MINUTE) in rate-limit.module.ts. */
export const DEFAULT_THROTTLER = 'default';

/** Token of the `RateLimitBudget` the guard spends the default limit from. */
export const RATE_LIMIT_BUDGET = Symbol('RATE_LIMIT_BUDGET');

interface RequestLike {
  method?: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * A read without credentials (GET or HEAD, no Authorization, no X-Api-Key): the default limit
 * spends it from a lease held in this process (docs/adr/0056). Anything else takes its hit from
 * Redis itself, as exactly as before.
 */
export function isAnonymousRead(req: RequestLike): boolean {
  return (
    (req.method === 'GET' || req.method === 'HEAD') &&
    req.headers.authorization === undefined &&
    req.headers['x-api-key'] === undefined
  );
}

/**
 * The throttler, answering 429 RATE_LIMITED problem+json with Retry-After (seconds). The default
 * limit is spent from the shared `RateLimitBudget` (anonymous reads without a Redis round trip
 * each); the strict one goes through the throttler's Redis storage on every request. When Redis
 * cannot be reached, the default limit fails open (reads keep working; the outage is logged) and
 * the strict one fails closed: login, register and refresh answer 503 rather than lose their
 * brute-force protection.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly outageLogger = new Logger(RateLimitGuard.name);
  private lastOutageLoggedAt = 0;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(RATE_LIMIT_BUDGET) private readonly budget: RateLimitBudget,
  ) {
    super(options, storage, reflector);
  }

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    try {
      if (request.throttler.name === DEFAULT_THROTTLER) return await this.spendDefault(request);
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

  /** The default limit from the shared budget, with the same headers and 429 as the throttler's. */
  private async spendDefault(request: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, throttler, getTracker, generateKey } = request;
    const { req, res } = this.getRequestResponse(context);
    const tracker = await getTracker(req, context);
    const key = generateKey(context, tracker, throttler.name ?? DEFAULT_THROTTLER);
    const answer = await this.budget.take(key, limit, ttl, isAnonymousRead(req as RequestLike));
    if (!answer.allowed) {
      await this.throwThrottlingException(context, {
        limit,
        ttl,
        key,
        tracker,
        totalHits: limit + 1,
        timeToExpire: answer.resetSeconds,
        isBlocked: true,
        timeToBlockExpire: answer.resetSeconds,
      });
    }
    this.setResponseHeader(res, `${this.headerPrefix}-Limit`, limit);
    this.setResponseHeader(res, `${this.headerPrefix}-Remaining`, answer.remaining);
    this.setResponseHeader(res, `${this.headerPrefix}-Reset`, answer.resetSeconds);
    return true;
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
