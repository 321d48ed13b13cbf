import { ConfigError } from '../config/config.schema';

/**
 * Every start-up failure with a known cause, as the one line printed for it (docs/adr/0048): the
 * variable to change first, what is wrong, and the fix. The API (main.ts), the worker, the seed and
 * the launcher all print these, and nothing else, for a known cause; an unknown one keeps its stack.
 */
export class StartupError extends Error {
  constructor(
    /** The environment variable the line names (DATABASE_URL, REDIS_URL, PORT, DATA_DIR, …). */
    readonly variable: string,
    line: string,
  ) {
    super(line);
    this.name = 'StartupError';
  }
}

/** host:port/database of a connection URL, never its user or password. */
export function describeTarget(url: string): { where: string; user: string; database: string } {
  try {
    const parsed = new URL(url);
    const port = parsed.port || (parsed.protocol.startsWith('redis') ? '6379' : '5432');
    return {
      where: `${parsed.hostname}:${port}`,
      user: decodeURIComponent(parsed.username),
      database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
    };
  } catch {
    return { where: '(unparsable URL)', user: '', database: '' };
  }
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** The errno code of a socket failure, looking into Node's AggregateError (IPv4 and IPv6 both tried). */
export function networkCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string') return code;
  if (error instanceof AggregateError) return networkCode(error.errors[0]);
  if (/timeout/i.test(error.message)) return 'ETIMEDOUT';
  return undefined;
}

/** Whether waiting may help: nothing answers yet (the server may still be starting). */
export function isUnreachable(error: unknown): boolean {
  const code = networkCode(error);
  // 57P03 cannot_connect_now: PostgreSQL is starting up or shutting down.
  return (code !== undefined && UNREACHABLE.has(code)) || code === '57P03';
}

const REACH_CAUSE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'unknown host name',
  EAI_AGAIN: 'host name not resolved',
  '57P03': 'PostgreSQL still starting',
};

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

/** The line for a PostgreSQL connection failure, or undefined when its cause is not a known one. */
export function databaseErrorLine(error: unknown, url: string, waitedMs: number): string | undefined {
  const { where, user, database } = describeTarget(url);
  const code = networkCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (isUnreachable(error)) {
    return (
      `DATABASE_URL: no PostgreSQL answered at ${where} within ${seconds(waitedMs)} (${REACH_CAUSE[code ?? ''] ?? code}): ` +
      `start PostgreSQL there or correct DATABASE_URL (unset, npm start runs an embedded PostgreSQL); STARTUP_WAIT_MS sets the wait`
    );
  }
  if (code === '28000' && /role .* does not exist/.test(message)) {
    return `DATABASE_URL: PostgreSQL at ${where} has no role "${user}": correct the user name in DATABASE_URL or create the role (CREATE ROLE "${user}" LOGIN PASSWORD '…')`;
  }
  if (code === '28P01' || code === '28000') {
    return `DATABASE_URL: PostgreSQL at ${where} refused user "${user}" (${message}): correct the user and password in DATABASE_URL`;
  }
  if (code === '3D000') {
    return (
      `DATABASE_URL: database "${database}" does not exist at ${where}: create it ` +
      `(CREATE DATABASE "${database}" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8') or correct the database name in DATABASE_URL`
    );
  }
  if (code === 'ERR_INVALID_URL' || /invalid url/i.test(message)) {
    return `DATABASE_URL: not a valid URL: write it as postgres://user:password@host:5432/database (percent-encode special characters in the password)`;
  }
  if (
    code === 'SELF_SIGNED_CERT_IN_CHAIN' ||
    code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
    /SSL|TLS/.test(message)
  ) {
    return `DATABASE_URL: TLS with PostgreSQL at ${where} failed (${message}): correct the sslmode in DATABASE_URL or the server's certificate`;
  }
  return undefined;
}

/** The line for a Redis that did not answer PING during the start-up wait (or refused the credentials). */
export function redisErrorLine(error: unknown, url: string, waitedMs: number): string {
  const { where } = describeTarget(url);
  const code = networkCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (/NOAUTH|WRONGPASS|invalid password|invalid username/i.test(message)) {
    return `REDIS_URL: Redis at ${where} refused the credentials (${message.split('\n')[0]}): correct the user and password in REDIS_URL (redis://user:password@host:6379)`;
  }
  const cause = code ? (REACH_CAUSE[code] ?? code) : message.split('\n')[0];
  return (
    `REDIS_URL: no Redis answered at ${where} within ${seconds(waitedMs)} (${cause}): ` +
    `start Redis there or correct REDIS_URL (unset, npm start runs a private redis-server); STARTUP_WAIT_MS sets the wait`
  );
}

/** The line for an HTTP port that cannot be listened on, or undefined for another failure. */
export function listenErrorLine(error: unknown, port: number, host: string): string | undefined {
  const code = networkCode(error);
  if (code === 'EADDRINUSE') {
    return `PORT: ${port} is already in use on ${host} (another process listens there): stop that process or choose another port, e.g. PORT=${port === 65535 ? 3000 : port + 1}`;
  }
  if (code === 'EACCES') {
    return `PORT: ${port} needs privileges this process does not have: choose a port above 1023, e.g. PORT=3000`;
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return `HOST: ${host} is not an address of this machine: use 0.0.0.0 (every interface) or 127.0.0.1`;
  }
  return undefined;
}

/** Another launcher (or its orphaned PostgreSQL) holds the embedded data folder. */
export function dataDirInUseLine(
  dataDir: string,
  holder: { pid: number; what: 'launcher' | 'postgres' },
): string {
  return holder.what === 'launcher'
    ? `DATA_DIR: ${dataDir} is in use by another npm start (pid ${holder.pid}): stop that one first (Ctrl-C in its terminal), ` +
        `or run a second instance with its own DATA_DIR and PORT`
    : `DATA_DIR: the embedded PostgreSQL of ${dataDir} is still running (pid ${holder.pid}) without its npm start: ` +
        `stop it (kill ${holder.pid}) and start again, or use another DATA_DIR`;
}

export function redisServerMissingLine(bin: string): string {
  return (
    `REDIS_URL: not set, and "${bin}" (REDIS_SERVER_BIN) is not on PATH: install Redis ` +
    `(Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL=redis://host:6379`
  );
}

/** The lines to print for a failed start: the known cause's one line, or the error with its stack. */
export function startupFailureLines(error: unknown): string[] {
  if (error instanceof StartupError) return [error.message];
  if (error instanceof ConfigError) {
    return [...error.problems, 'Every variable is described in .env.example.'];
  }
  if (error instanceof Error) return [error.stack ?? error.message];
  return [String(error)];
}

/** Prints why the start failed (to stderr, each line prefixed) and marks the process as failed. */
export function reportStartupFailure(error: unknown, prefix: string): void {
  for (const line of startupFailureLines(error)) console.error(`${prefix}${line}`);
  process.exitCode = 1;
}
