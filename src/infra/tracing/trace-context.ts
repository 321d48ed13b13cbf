import {
  Context,
  context,
  isSpanContextValid,
  Link,
  ROOT_CONTEXT,
  Span,
  SpanContext,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { tracingActive } from './otel';

/** W3C trace context level 1: version 00, 32 hex trace id, 16 hex span id, 2 hex flags. */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

const tracer = trace.getTracer('jiebang');

/** The W3C `traceparent` of a span context, or undefined for an invalid (no-op) one. */
export function formatTraceparent(spanContext: SpanContext | undefined): string | undefined {
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/** The remote span context a stored `traceparent` names; undefined when absent or malformed. */
export function parseTraceparent(value: unknown): SpanContext | undefined {
  if (typeof value !== 'string') return undefined;
  const match = TRACEPARENT.exec(value);
  if (!match) return undefined;
  const spanContext: SpanContext = {
    traceId: match[1],
    spanId: match[2],
    traceFlags: parseInt(match[3], 16),
    isRemote: true,
  };
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}

/** The `traceparent` of the active span (stored with outbox events); undefined when tracing is off. */
export function currentTraceparent(): string | undefined {
  return formatTraceparent(trace.getActiveSpan()?.spanContext());
}

/** The fields every log line written inside a span carries: `traceId` and `spanId`. */
export function traceLogFields(): { traceId?: string; spanId?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}

export interface SpanOptions {
  kind: SpanKind;
  attributes?: Record<string, string | number | boolean | undefined>;
  /** The span's parent, e.g. from a stored `traceparent`; else the active span, if any. */
  parent?: SpanContext;
  links?: Link[];
}

/**
 * Runs `fn` in a new active span (ended when `fn` settles; an error is recorded and rethrown). When
 * tracing is off it only calls `fn`: no span, no context switch.
 */
export async function inSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span?: Span) => Promise<T>,
): Promise<T> {
  if (!tracingActive()) return fn();
  const parentContext: Context = options.parent
    ? trace.setSpanContext(ROOT_CONTEXT, options.parent)
    : context.active();
  const attributes = Object.fromEntries(
    Object.entries(options.attributes ?? {}).filter(([, v]) => v !== undefined),
  ) as Record<string, string | number | boolean>;
  return tracer.startActiveSpan(
    name,
    { kind: options.kind, attributes, links: options.links },
    parentContext,
    async (span) => {
      try {
        return await fn(span);
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
