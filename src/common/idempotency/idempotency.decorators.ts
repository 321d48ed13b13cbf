import { SetMetadata } from '@nestjs/common';

export const IDEMPOTENCY_OPT_OUT = 'idempotency:opt-out';
export const IDEMPOTENCY_WITHHOLD = 'idempotency:withhold';

/**
 * Every POST accepts `Idempotency-Key` (the global IdempotencyInterceptor, ADR 11). This opts one
 * route out, with the reason why a stored answer would be wrong there: answers that carry tokens,
 * bodies that carry passwords (their fingerprint would be a fast hash of the password), multipart
 * uploads (the file is read after the key would be claimed). The reason is for the reader; the
 * OpenAPI document then shows no Idempotency-Key header on the operation.
 */
export const NoIdempotencyKey = (reason: string): MethodDecorator & ClassDecorator =>
  SetMetadata(IDEMPOTENCY_OPT_OUT, reason);

/**
 * The answer carries a one-time secret (an API key, a signing secret) in these top-level fields:
 * the stored answer leaves them out, so a secret is never written to `idempotency_keys` and a replay
 * never shows it again (the replayed answer lacks the fields; revoke and create anew if it was lost).
 */
export const IdempotencyWithholds = (...fields: string[]): MethodDecorator =>
  SetMetadata(IDEMPOTENCY_WITHHOLD, fields);
