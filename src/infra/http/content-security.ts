import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

type Headers = ReadonlyArray<readonly [name: string, value: string]>;

/**
 * The headers a helmet middleware sets, computed once: helmet's choices (and its CSP
 * serialization) stay helmet's, without running it on every answer (issue 17, ADR 0050).
 */
export function helmetHeaders(options?: Parameters<typeof helmet>[0]): Headers {
  const headers: Array<[string, string]> = [];
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) =>
      headers.push([name, Array.isArray(value) ? value.join(', ') : String(value)]),
    removeHeader: () => undefined,
  } as unknown as ServerResponse;
  let finished = false;
  let failure: unknown;
  helmet(options)({} as IncomingMessage, response, (error?: unknown) => {
    failure = error;
    finished = true;
  });
  if (failure) throw failure instanceof Error ? failure : new Error('helmet failed');
  if (!finished) throw new Error('helmet did not finish synchronously: its headers cannot be computed once');
  return headers;
}

/** The API's answers: helmet's strict defaults (no inline code, `upgrade-insecure-requests`). */
export const API_HEADERS = helmetHeaders();

/**
 * The browser pages (Swagger UI at /docs, the queue dashboard): a CSP that works over plain HTTP
 * under any host name: no `upgrade-insecure-requests` (which sent their scripts and styles to
 * https and left a blank page on http://<host>:3000/docs), and the inline styles and scripts those
 * pages ship. Nothing from other sites: bull-board's Google Fonts stylesheet stays blocked (it
 * falls back to system fonts).
 */
export const BROWSER_PAGE_HEADERS = helmetHeaders({
  contentSecurityPolicy: {
    useDefaults: true,
    directives: {
      scriptSrc: ["'self'", "'unsafe-inline'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      fontSrc: ["'self'", 'data:'],
      imgSrc: ["'self'", 'data:'],
      upgradeInsecureRequests: null,
    },
  },
});

/**
 * helmet's headers on every answer, with two Content-Security-Policies (above), set in one
 * `onSend` hook, so refusals, 404s and CORS preflights carry them too. A header the route set
 * itself (a download's own CSP and nosniff) is left as the route set it.
 */
export function installSecurityHeaders(
  fastify: FastifyInstance,
  browserPagePrefixes: readonly string[],
): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const url = request.url;
    const end = url.indexOf('?');
    const path = end === -1 ? url : url.slice(0, end);
    const page = browserPagePrefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
    for (const [name, value] of page ? BROWSER_PAGE_HEADERS : API_HEADERS) {
      if (!reply.hasHeader(name)) reply.header(name, value);
    }
    done(null, payload);
  });
}
