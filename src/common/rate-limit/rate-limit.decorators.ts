import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ProblemDto } from '../errors/problem';

export const STRICT_RATE_LIMIT = 'rate-limit:strict';

/**
 * The strict per-IP limit (LOGIN_RATE_LIMIT_PER_MINUTE, one budget shared by every route carrying
 * it) on top of the default one: for login, register and refresh.
 */
export function StrictRateLimit(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(STRICT_RATE_LIMIT, true),
    ApiTooManyRequestsResponse({ description: 'Too many attempts from this address', type: ProblemDto }),
  );
}
