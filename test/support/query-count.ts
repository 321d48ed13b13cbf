import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { currentRequestId } from '../../src/common/request-context/request-context';

/** The statements recorded so far, by the X-Request-Id of the request that sent them. */
const recording = new Map<string, string[]>();
let installed = false;

type Query = (...args: unknown[]) => unknown;

/**
 * Wraps pg's Client#query once: a statement sent while the app handles a request whose id is being
 * recorded (the request context's id, from the caller's X-Request-Id) is added to that request's list.
 */
function install(): void {
  if (installed) return;
  installed = true;
  const proto = Client.prototype as unknown as { query: Query };
  const original = proto.query;
  proto.query = function (this: Client, ...args: unknown[]) {
    const id = currentRequestId();
    const statements = id === undefined ? undefined : recording.get(id);
    if (statements) statements.push(textOf(args[0]));
    return original.apply(this, args);
  };
}

function textOf(config: unknown): string {
  if (typeof config === 'string') return config;
  const text = (config as { text?: unknown } | null)?.text;
  return typeof text === 'string' ? text : String(config);
}

/**
 * Sends one request with a fresh X-Request-Id (`send` must set it) and returns the SQL statements the
 * app sent to PostgreSQL while handling it, in order: those of that request only, never those of other
 * requests or background work running at the same time.
 */
export async function countQueries<T>(
  send: (requestId: string) => Promise<T>,
): Promise<{ result: T; statements: string[] }> {
  install();
  const requestId = `query-count-${randomUUID()}`;
  const statements: string[] = [];
  recording.set(requestId, statements);
  try {
    const result = await send(requestId);
    return { result, statements: [...statements] };
  } finally {
    recording.delete(requestId);
  }
}
