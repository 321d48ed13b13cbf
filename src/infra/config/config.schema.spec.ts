import { ConfigError, parseConfig } from './config.schema';

const valid = {
  DATABASE_URL: 'postgres://app@db:5432/jiebang',
  REDIS_URL: 'redis://cache:6379',
  JWT_ACCESS_SECRET: 'k'.repeat(32),
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration schema', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig(valid);
    expect(config).toMatchObject({ PORT: 3000, BODY_LIMIT: '1mb', CORS_ORIGINS: [], MIGRATE_ON_START: true });
    // Separated duties (ADR 0043): the system administrator does not read the audit trail unless told.
    expect(config.AUDIT_READ_BY_SYSTEM_ADMIN).toBe(false);
    expect(parseConfig({ ...valid, AUDIT_READ_BY_SYSTEM_ADMIN: 'true' }).AUDIT_READ_BY_SYSTEM_ADMIN).toBe(
      true,
    );
  });

  it('accepts an http(s) OTLP endpoint for tracing and refuses anything else, naming it', () => {
    expect(parseConfig(valid).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(
      parseConfig({ ...valid, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318' })
        .OTEL_EXPORTER_OTLP_ENDPOINT,
    ).toBe('http://otel-collector:4318');
    expect(problemsOf({ ...valid, OTEL_EXPORTER_OTLP_ENDPOINT: 'otel-collector:4318' })).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:// or https:// URL, e.g. http://otel-collector:4318',
    ]);
    expect(problemsOf({ ...valid, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://x:4317' })).toHaveLength(1);
  });

  it('keeps audit rows 190 days by default and refuses a retention under 180 days', () => {
    expect(parseConfig(valid).AUDIT_RETENTION_DAYS).toBe(190);
    expect(parseConfig({ ...valid, AUDIT_RETENTION_DAYS: '180' }).AUDIT_RETENTION_DAYS).toBe(180);
    expect(problemsOf({ ...valid, AUDIT_RETENTION_DAYS: '179' })).toEqual([
      'AUDIT_RETENTION_DAYS: must be at least 180 days: audit records are kept six months at least',
    ]);
    expect(problemsOf({ ...valid, AUDIT_RETENTION_DAYS: '0' })).toHaveLength(1);
  });

  it('bounds JSON_MAX_DEPTH: 32 by default, 8 to 256 when set', () => {
    expect(parseConfig(valid).JSON_MAX_DEPTH).toBe(32);
    expect(parseConfig({ ...valid, JSON_MAX_DEPTH: '64' }).JSON_MAX_DEPTH).toBe(64);
    expect(problemsOf({ ...valid, JSON_MAX_DEPTH: '4' })).toEqual([
      expect.stringMatching(/^JSON_MAX_DEPTH: /),
    ]);
    expect(problemsOf({ ...valid, JSON_MAX_DEPTH: '100000' })).toEqual([
      expect.stringMatching(/^JSON_MAX_DEPTH: /),
    ]);
  });

  it('names every bad variable, with what is wrong', () => {
    const problems = problemsOf({
      ...valid,
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      JWT_ACCESS_SECRET: 'short',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT: /),
        'DATABASE_URL: must be a URL like postgres://user:password@host:5432/jiebang',
        'JWT_ACCESS_SECRET: must be at least 32 characters',
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it('says a missing required variable is required, and treats empty as missing', () => {
    expect(problemsOf({ ...valid, REDIS_URL: '' })).toEqual(['REDIS_URL: is required']);
  });

  it('refuses a pool too small to migrate at start-up, and an admin without a password', () => {
    expect(problemsOf({ ...valid, DATABASE_POOL_MAX: '1' })).toEqual([
      'DATABASE_POOL_MAX: must be at least 2',
    ]);
    expect(problemsOf({ ...valid, ADMIN_EMAIL: 'admin@example.cn' })).toEqual([
      'ADMIN_PASSWORD: is required when ADMIN_EMAIL is set',
    ]);
  });

  it('parses lists and booleans', () => {
    const config = parseConfig({
      ...valid,
      CORS_ORIGINS: 'https://a.gov.cn, https://b.gov.cn',
      TRUST_PROXY: 'true',
    });
    expect(config.CORS_ORIGINS).toEqual(['https://a.gov.cn', 'https://b.gov.cn']);
    expect(config.TRUST_PROXY).toBe(true);
  });
});
