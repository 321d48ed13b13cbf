/**
 * The stable machine codes of every problem+json answer, with the HTTP status each maps to.
 * Integrators branch on `code`, never on `title` or `detail`: add codes, never rename one.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  REFRESH_TOKEN_INVALID: 401,
  FORBIDDEN: 403,
  NDA_REQUIRED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  ALREADY_EXISTS: 409,
  VERSION_MISMATCH: 409,
  INVALID_STATE_TRANSITION: 409,
  IDEMPOTENCY_KEY_IN_USE: 409,
  TEAM_IN_USE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  BUSINESS_RULE_VIOLATION: 422,
  DEADLINE_PASSED: 422,
  CONFLICT_OF_INTEREST: 422,
  LEADER_LIMIT_REACHED: 422,
  PANEL_UNDERSTAFFED: 422,
  WEBHOOK_URL_FORBIDDEN: 422,
  WEBHOOK_EVENT_NOT_AVAILABLE: 422,
  PRECONDITION_REQUIRED: 428,
  RATE_LIMITED: 429,
  LOGIN_LOCKED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_TITLES: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'The request is not valid',
  MALFORMED_JSON: 'The request body is not valid JSON',
  BAD_REQUEST: 'Bad request',
  UNAUTHENTICATED: 'Authentication is required',
  INVALID_CREDENTIALS: 'The credentials are not valid',
  REFRESH_TOKEN_INVALID: 'The refresh token is not valid',
  FORBIDDEN: 'Not allowed for your role',
  NDA_REQUIRED: 'The non-disclosure undertaking for this list is required first',
  NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  CONFLICT: 'Conflict with the current state',
  ALREADY_EXISTS: 'It already exists',
  VERSION_MISMATCH: 'The resource has changed since you read it',
  INVALID_STATE_TRANSITION: 'That action is not allowed in the current state',
  IDEMPOTENCY_KEY_IN_USE: 'A request with this Idempotency-Key is still being processed',
  TEAM_IN_USE: 'The team is used by an active bid and cannot change',
  PAYLOAD_TOO_LARGE: 'The request body is too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  IDEMPOTENCY_KEY_REUSED: 'The Idempotency-Key was used with a different request',
  BUSINESS_RULE_VIOLATION: 'A business rule refused the request',
  DEADLINE_PASSED: 'The deadline has passed',
  CONFLICT_OF_INTEREST: 'Conflict of interest',
  LEADER_LIMIT_REACHED: 'The team leader already holds as many bids as allowed',
  PANEL_UNDERSTAFFED: 'Too few experts qualify for the review panel',
  WEBHOOK_URL_FORBIDDEN: 'The webhook URL points to an address that may not be reached',
  WEBHOOK_EVENT_NOT_AVAILABLE: 'The subscriber would never receive some of these event types',
  PRECONDITION_REQUIRED: 'A precondition header is required',
  RATE_LIMITED: 'Too many requests',
  LOGIN_LOCKED: 'Too many failed sign-ins for this account; try again later',
  INTERNAL_ERROR: 'Internal error',
  SERVICE_UNAVAILABLE: 'Service unavailable',
};

export function problemType(code: ErrorCode): string {
  return `urn:jiebang:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}
