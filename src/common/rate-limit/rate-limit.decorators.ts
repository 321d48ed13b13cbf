import { SetMetadata } from '@nestjs/common';

export const STRICT_RATE_LIMIT = 'rate-limit:strict';

/**
 * The strict per-IP limit (LOGIN_RATE_LIMIT_PER_MINUTE, one budget shared by every route carrying
 * it) on top of the default one: for login, register and refresh.
 */
export function StrictRateLimit(): MethodDecorator & ClassDecorator {
  return SetMetadata(STRICT_RATE_LIMIT, true);
}
