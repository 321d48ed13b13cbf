/** Metadata of a handler that takes Idempotency-Key (@Idempotent()), read by the OpenAPI conventions. */
export const IDEMPOTENT = 'idempotency:enabled';
