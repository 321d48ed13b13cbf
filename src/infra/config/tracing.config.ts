import { basename } from 'node:path';

/**
 * Tracing's settings are OpenTelemetry's own variables (OTEL_EXPORTER_OTLP_ENDPOINT, …), read here
 * before anything else is loaded (docs/adr/0064): src/infra/tracing/tracing.ts runs ahead of the
 * configuration, which validates the endpoints later like every other variable.
 */
export type Env = Record<string, string | undefined>;

/** The process environment, for tracing.ts (this file imports nothing that tracing instruments). */
export function tracingEnv(): Env {
  return process.env;
}

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * Tracing is on when an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or
 * OTEL_EXPORTER_OTLP_ENDPOINT, an http(s) URL), unless OTEL_SDK_DISABLED=true or
 * OTEL_TRACES_EXPORTER=none. A malformed endpoint leaves it off: the configuration then refuses it.
 */
export function tracingWanted(env: Env): boolean {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!endpoint || !isHttpUrl(endpoint)) return false;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  return env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() !== 'none';
}

/** OTEL_SERVICE_NAME, else `jiebang-api` for dist/src/main.js and `jiebang-worker` for worker.js. */
export function serviceNameFor(entry: string | undefined, env: Env): string {
  const configured = env.OTEL_SERVICE_NAME?.trim();
  if (configured) return configured;
  const script = entry ? basename(entry).replace(/\.[cm]?[jt]s$/, '') : '';
  if (script === 'main') return 'jiebang-api';
  if (script === 'worker') return 'jiebang-worker';
  return 'jiebang';
}
