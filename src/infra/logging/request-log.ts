import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { currentRequestId } from '../../common/request-context/request-context';

/** A request slower than this is logged in full, at warn, whatever its status. */
export const SLOW_REQUEST_MS = 1_000;

/** What the completion line needs of a logger: pino's level check and its two levels used. */
export interface CompletionSink {
  isLevelEnabled(level: string): boolean;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** The request-scoped facts kept on the response until it closes (no closure per request). */
const STATE = Symbol('request-log');

interface Pending {
  req: IncomingMessage & { id?: string; route?: { path?: unknown }; originalUrl?: string };
  requestId: string | undefined;
  started: number;
  sink: CompletionSink;
  now: () => number;
}

type TrackedResponse = ServerResponse & { [STATE]?: Pending };

/** The route template a platform recorded for a raw request (Fastify: `request.routeOptions.url`). */
const ROUTE_TEMPLATE = Symbol('route-template');

/**
 * Records the matched route's template (`/api/v1/challenges/:id`) on Node's raw request, for the
 * full completion line. Express needs no call (its `req.route.path` is read); an HTTP platform
 * whose raw request does not carry it (Fastify) calls this once the route is known.
 */
export function noteRouteTemplate(req: IncomingMessage, template: string | undefined): void {
  (req as IncomingMessage & { [ROUTE_TEMPLATE]?: string })[ROUTE_TEMPLATE] = template;
}

function routeTemplateOf(req: Pending['req']): string | undefined {
  const express = req.route?.path;
  if (typeof express === 'string') return express;
  return (req as IncomingMessage & { [ROUTE_TEMPLATE]?: string })[ROUTE_TEMPLATE];
}

/** `/health/live`, `/health/ready`: polled by probes, logged only when failing or slow. */
function isProbe(url: string): boolean {
  return url.startsWith('/health');
}

/**
 * Called once per request on Node's own request and response (both Express and Fastify hand
 * their middleware these): one listener, no child logger, no closure. When the response closes,
 * one line is written: `request completed` (or `request aborted` when the client left first).
 * Normal answers get a short info line (request id, method, URL, status, duration); answers
 * ≥ 500 (error) and slow ones (warn) get the full line, with the route template, the client
 * address, the user agent and the response length. Probes are logged only when failing or slow.
 */
export function trackCompletion(
  req: IncomingMessage,
  res: ServerResponse,
  sink: CompletionSink,
  now: () => number = monotonicMs,
): void {
  const tracked = res as TrackedResponse;
  if (tracked[STATE]) return;
  const withId = req as Pending['req'];
  tracked[STATE] = {
    req: withId,
    requestId: currentRequestId() ?? withId.id ?? headerValue(res.getHeader('x-request-id')),
    started: now(),
    sink,
    now,
  };
  // `on`, not `once` (no wrapper per request): a response closes once, and onClose clears its state.
  res.on('close', onClose);
}

/** Wall time for a duration (not the injected Clock: a log line's timing is the machine's). */
function monotonicMs(): number {
  return performance.now();
}

function headerValue(value: number | string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value[0] : String(value);
}

function onClose(this: TrackedResponse): void {
  const state = this[STATE];
  if (!state) return;
  this[STATE] = undefined;
  const { req, sink } = state;
  const responseTime = Math.round(state.now() - state.started);
  const statusCode = this.statusCode;
  const aborted = !this.writableFinished;
  const failed = statusCode >= 500;
  const slow = responseTime >= SLOW_REQUEST_MS;
  const full = failed || slow || aborted;
  const url = req.originalUrl ?? req.url ?? '';
  if (!full && (isProbe(url) || !sink.isLevelEnabled('info'))) return;
  const requestId = state.requestId ?? req.id;
  const msg = aborted ? 'request aborted' : 'request completed';
  if (!full) {
    sink.info(
      { requestId, req: { id: requestId, method: req.method, url }, res: { statusCode }, responseTime },
      msg,
    );
    return;
  }
  const line = {
    requestId,
    route: routeTemplateOf(req),
    req: {
      id: requestId,
      method: req.method,
      url,
      remoteAddress: req.socket?.remoteAddress,
      userAgent: req.headers['user-agent'],
    },
    res: { statusCode, contentLength: headerValue(this.getHeader('content-length')) },
    responseTime,
    slow: slow || undefined,
  };
  if (failed) sink.error(line, msg);
  else sink.warn(line, msg);
}
