/**
 * Loaded first by main.ts and worker.ts, before anything else is required: OpenTelemetry patches
 * http, pg and ioredis as they are loaded, so it must be set up before them (docs/adr/0064). Off,
 * and nothing of the SDK loaded, unless an OTLP endpoint is configured.
 */
import { startTracing } from './otel';

startTracing();
