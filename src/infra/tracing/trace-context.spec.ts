import { SpanKind, TraceFlags } from '@opentelemetry/api';
import { tracingActive } from './otel';
import {
  currentTraceparent,
  formatTraceparent,
  inSpan,
  parseTraceparent,
  traceLogFields,
} from './trace-context';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

describe('traceparent', () => {
  it('round-trips a sampled span context in the W3C format', () => {
    const traceparent = `00-${TRACE_ID}-${SPAN_ID}-01`;
    const parsed = parseTraceparent(traceparent);
    expect(parsed).toEqual({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    expect(formatTraceparent(parsed)).toBe(traceparent);
    expect(formatTraceparent({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.NONE })).toBe(
      `00-${TRACE_ID}-${SPAN_ID}-00`,
    );
  });

  it('ignores what is absent, malformed or all zeros', () => {
    for (const bad of [
      undefined,
      null,
      42,
      '',
      `01-${TRACE_ID}-${SPAN_ID}-01`,
      `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`,
      `00-${TRACE_ID}-${SPAN_ID}`,
      `00-${'0'.repeat(32)}-${SPAN_ID}-01`,
      `00-${TRACE_ID}-${'0'.repeat(16)}-01`,
    ]) {
      expect(parseTraceparent(bad)).toBeUndefined();
    }
    expect(formatTraceparent(undefined)).toBeUndefined();
    expect(formatTraceparent({ traceId: '0'.repeat(32), spanId: SPAN_ID, traceFlags: 1 })).toBeUndefined();
  });
});

describe('with tracing off (no SDK registered)', () => {
  it('runs the work without a span, adds no log fields and stores no traceparent', async () => {
    expect(tracingActive()).toBe(false);
    const seen = await inSpan('publish x', { kind: SpanKind.PRODUCER }, async (span) => {
      expect(currentTraceparent()).toBeUndefined();
      expect(traceLogFields()).toEqual({});
      return span;
    });
    expect(seen).toBeUndefined();
    await expect(
      inSpan('fails', { kind: SpanKind.INTERNAL }, () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
  });
});
