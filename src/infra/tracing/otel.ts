import type { NodeSDK } from '@opentelemetry/sdk-node';
import { Env, serviceNameFor, tracingEnv, tracingWanted } from '../config/tracing.config';

/** The running SDK of this process, when tracing is on. */
let sdk: NodeSDK | undefined;

/** Whether this process records spans: false unless startTracing started the SDK. */
export function tracingActive(): boolean {
  return sdk !== undefined;
}

/**
 * Starts OpenTelemetry's Node SDK when tracing is wanted (docs/adr/0064): traces only, exported over
 * OTLP as the standard OTEL_* variables say (protocol, headers, sampler, batch delay), with spans for
 * incoming and outgoing HTTP, PostgreSQL (pg) and Redis (ioredis). Must run before those modules are
 * required, so main.ts and worker.ts load tracing.ts first. When tracing is not wanted nothing of the
 * SDK is even loaded: the per-request cost is that of @opentelemetry/api's no-op tracer.
 */
export function startTracing(env: Env = tracingEnv(), entry = require.main?.filename): boolean {
  if (sdk || !tracingWanted(env)) return false;
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on */
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } =
    require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { IORedisInstrumentation } =
    require('@opentelemetry/instrumentation-ioredis') as typeof import('@opentelemetry/instrumentation-ioredis');
  /* eslint-enable @typescript-eslint/no-require-imports */
  sdk = new NodeSDK({
    serviceName: serviceNameFor(entry, env),
    instrumentations: [
      new HttpInstrumentation({
        // Probes every few seconds would bury the traces that matter.
        ignoreIncomingRequestHook: (request) => (request.url ?? '').startsWith('/health'),
        // An outgoing call outside any request or job (the exporter's own) is not a trace of its own.
        requireParentforOutgoingSpans: true,
      }),
      // BullMQ's polling and the relay's LISTEN would each start a trace per query or command.
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
    // Traces only: metrics are Prometheus' (/metrics), logs are pino's lines on stdout.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return true;
}

/** Exports the spans still buffered and stops the SDK (shutdown); nothing when tracing is off. */
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}
