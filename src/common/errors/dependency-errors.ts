/**
 * Is this error PostgreSQL or Redis being out of reach (down, restarting, refusing, cut off), as
 * opposed to a bug or bad input? Such a request may succeed when retried later: 503, never 500.
 *
 * Recognised by the shapes pg, pg-pool, TypeORM, ioredis and BullMQ give them, through any chain of
 * wrappers (`driverError`, `cause`, an AggregateError's `errors`, TypeORM's `originalError`).
 * Kept deliberately narrow: a statement that fails for its own reasons (a constraint, a syntax
 * error) is not an outage.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  return someInChain(error, isConnectionClass);
}

/** Seconds a client should wait before retrying while a dependency is unavailable. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

/** Node's socket errors for a peer that refuses, drops or never answers. */
const SOCKET_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ERR_STREAM_DESTROYED',
  'ERR_SOCKET_CLOSED',
]);

/**
 * PostgreSQL SQLSTATEs of an unusable server or connection: 57P01 admin_shutdown (fast or smart
 * shutdown, pg_terminate_backend), 57P02 crash_shutdown (immediate shutdown, another backend
 * crashed), 57P03 cannot_connect_now (starting up, shutting down, in recovery), 53300
 * too_many_connections; and every state of class 08 (connection exception), tested by prefix.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** Messages the clients give without a code. Compared as prefixes (some carry a suffix). */
const UNAVAILABLE_MESSAGES = [
  // pg: the socket closed under a query or a connect; a client used after it broke or was ended.
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  // pg: the client-side `query_timeout` (the server stopped answering without closing the socket).
  'Query read timeout',
  // pg: `connectionTimeoutMillis` on a lone client; pg-pool: no client free within it.
  'timeout expired',
  'timeout exceeded when trying to connect',
  // ioredis: the connection closed (commands rejected), offline queue off, `commandTimeout`.
  'Connection is closed.',
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Command timed out',
  'connect ETIMEDOUT',
  'Socket timeout.',
  // Redis itself: loading its data set after a restart, or a replica cut off from its primary.
  'LOADING ',
  'MASTERDOWN ',
  'TRYAGAIN ',
];

const UNAVAILABLE_ERROR_NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
}

function isConnectionClass(error: ErrorLike): boolean {
  if (typeof error.name === 'string' && UNAVAILABLE_ERROR_NAMES.has(error.name)) return true;
  if (typeof error.code === 'string') {
    const code = error.code;
    if (SOCKET_ERROR_CODES.has(code)) return true;
    // SQLSTATEs are exactly five characters; `08…` is the connection-exception class.
    if (/^[0-9A-Z]{5}$/.test(code) && (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))) return true;
  }
  const message = typeof error.message === 'string' ? error.message : '';
  return UNAVAILABLE_MESSAGES.some((prefix) => message.startsWith(prefix));
}

const MAX_DEPTH = 8;

/** Visits the error and what it wraps, breadth first, guarding against cycles and deep chains. */
function someInChain(root: unknown, test: (error: ErrorLike) => boolean): boolean {
  const seen = new Set<unknown>();
  let level: unknown[] = [root];
  for (let depth = 0; depth < MAX_DEPTH && level.length; depth++) {
    const next: unknown[] = [];
    for (const candidate of level) {
      if (typeof candidate !== 'object' || candidate === null || seen.has(candidate)) continue;
      seen.add(candidate);
      const error = candidate as ErrorLike & {
        driverError?: unknown;
        cause?: unknown;
        originalError?: unknown;
        errors?: unknown;
      };
      if (test(error)) return true;
      next.push(error.driverError, error.cause, error.originalError);
      if (Array.isArray(error.errors)) next.push(...(error.errors as unknown[]).slice(0, 16));
    }
    level = next;
  }
  return false;
}
