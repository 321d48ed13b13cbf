import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ErrorCode, ERROR_STATUS } from '../../common/errors/error-codes';
import { buildProblem, PROBLEM_CONTENT_TYPE } from '../../common/errors/problem';

/** How long a refused connection may keep sending (drained, unanswered) before it is closed. */
export const CLIENT_ERROR_LINGER_MS = 2_000;

type ClientError = Error & { code?: string };

/** The problem for a request Node's HTTP parser refused; undefined keeps Node's own answer. */
function problemFor(error: ClientError): { code: ErrorCode; detail: string } | undefined {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        code: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
        detail: 'The request line and headers together are over the server limit (16 KiB by default)',
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { code: 'PAYLOAD_TOO_LARGE', detail: 'The chunk extensions of the body are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_HEADER_TIMEOUT':
      return undefined; // Node's bare 408: the client sent too little to answer it any better.
    default:
      return { code: 'BAD_REQUEST', detail: 'The request is not valid HTTP/1.1' };
  }
}

/** The raw HTTP/1.1 answer: the connection closes after it, as with Node's own. */
export function clientErrorResponse(error: ClientError): string {
  const problem = problemFor(error);
  if (!problem) return 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n';
  const requestId = randomUUID();
  const body = JSON.stringify(buildProblem(problem.code, problem.detail, { requestId }));
  const status = ERROR_STATUS[problem.code];
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
    `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    `X-Request-Id: ${requestId}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}

const answered = new WeakSet<Duplex>();

/**
 * Node answers requests its parser refuses (headers over --max-http-header-size, a broken request
 * line) itself, with an empty 400 or 431, before the app sees them; Fastify's default answers them
 * with its own JSON. This answers them as problem+json instead (ADR 0034): Fastify's
 * `clientErrorHandler` (http-adapter.ts), or a `clientError` listener (installClientErrorHandler).
 * Like Node's, it writes only when nothing of a response was written to the socket yet, leaves a
 * reset or unwritable socket alone, and closes the connection; it reads (and drops) what the client
 * still sends for a moment first, so the client gets the answer rather than a reset.
 */
export function answerClientError(error: ClientError, socket: Duplex): void {
  if (answered.has(socket)) return; // the parser reports the same error for every later chunk
  answered.add(socket);
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  socket.end(clientErrorResponse(error));
  const linger = setTimeout(() => socket.destroy(), CLIENT_ERROR_LINGER_MS);
  linger.unref();
  socket.once('close', () => clearTimeout(linger));
}

/** answerClientError as the `clientError` listener of a plain Node server. */
export function installClientErrorHandler(server: Server): void {
  server.on('clientError', answerClientError);
}
