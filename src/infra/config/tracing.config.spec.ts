import { serviceNameFor, tracingWanted } from './tracing.config';

describe('tracing settings', () => {
  it('is on only with an http(s) OTLP endpoint, and off when disabled or its exporter is none', () => {
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://c/v1/traces' })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toBe(false);
    const on = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(tracingWanted({ ...on, OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(tracingWanted({ ...on, OTEL_SDK_DISABLED: 'false' })).toBe(true);
    expect(tracingWanted({ ...on, OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
    expect(tracingWanted({ ...on, OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
  });

  it('names the service after the entry point unless OTEL_SERVICE_NAME says', () => {
    expect(serviceNameFor('/app/dist/src/main.js', {})).toBe('jiebang-api');
    expect(serviceNameFor('/app/dist/src/worker.js', {})).toBe('jiebang-worker');
    expect(serviceNameFor('/app/dist/src/seed/seed-cli.js', {})).toBe('jiebang');
    expect(serviceNameFor(undefined, {})).toBe('jiebang');
    expect(serviceNameFor('/app/dist/src/main.js', { OTEL_SERVICE_NAME: 'jiebang-api-hz' })).toBe(
      'jiebang-api-hz',
    );
  });
});
