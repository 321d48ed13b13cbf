import { SetMetadata } from '@nestjs/common';
import type { ErrorCode } from './error-codes';

export const API_ERRORS = 'openapi:errors';

/** A code, or codes with what they mean for this operation: `{ DEADLINE_PASSED: 'closesAt has passed' }`. */
export type ErrorDeclaration = ErrorCode | Partial<Record<ErrorCode, string>>;

/** What `@ApiErrors()` stores on a handler: its codes, in order, and the notes some of them carry. */
export interface DeclaredErrors {
  codes: ErrorCode[];
  notes: Partial<Record<ErrorCode, string>>;
}

/**
 * The domain error codes an operation's own code path can answer, declared once per operation:
 * `@ApiErrors('NOT_FOUND', 'INVALID_STATE_TRANSITION', { DEADLINE_PASSED: 'closesAt has passed' })`.
 *
 * The document builder (applyOpenApiConventions) adds the codes every operation of its kind can
 * answer — credentials, roles, input, If-Match, Idempotency-Key, rate limit, 500, 503 — from the
 * controller's metadata, groups all of them by status (ERROR_STATUS) and writes one problem+json
 * response per status whose schema narrows `code` to exactly those values. The e2e suite fails on
 * any answered (status, code) an operation does not document (test/support/observed-answers.ts).
 */
export function ApiErrors(...declarations: ErrorDeclaration[]): MethodDecorator {
  const declared: DeclaredErrors = { codes: [], notes: {} };
  for (const declaration of declarations) {
    if (typeof declaration === 'string') {
      if (!declared.codes.includes(declaration)) declared.codes.push(declaration);
      continue;
    }
    for (const [code, note] of Object.entries(declaration) as Array<[ErrorCode, string]>) {
      if (!declared.codes.includes(code)) declared.codes.push(code);
      declared.notes[code] = note;
    }
  }
  return SetMetadata(API_ERRORS, declared);
}
