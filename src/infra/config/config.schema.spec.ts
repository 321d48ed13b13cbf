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

  it('has retention defaults (docs/adr/0068) and refuses a completed-job history under an hour', () => {
    expect(parseConfig(valid)).toMatchObject({
      RETENTION_OUTBOX_DAYS: 30,
      RETENTION_WEBHOOK_DELIVERIES_DAYS: 30,
      RETENTION_MAIL_DAYS: 90,
      RETENTION_IDEMPOTENCY_DAYS: 7,
      RETENTION_INTERVAL_MS: 3_600_000,
      RETENTION_BATCH_SIZE: 1_000,
      RETENTION_COMPLETED_JOBS_HOURS: 24,
      RETENTION_COMPLETED_JOBS_COUNT: 10_000,
      RETENTION_FAILED_JOBS_DAYS: 30,
    });
    expect(parseConfig({ ...valid, RETENTION_IDEMPOTENCY_DAYS: '0' }).RETENTION_IDEMPOTENCY_DAYS).toBe(0);
    expect(problemsOf({ ...valid, RETENTION_COMPLETED_JOBS_HOURS: '0' })).toEqual([
      expect.stringMatching(/^RETENTION_COMPLETED_JOBS_HOURS: /),
    ]);
    expect(problemsOf({ ...valid, RETENTION_OUTBOX_DAYS: '0', RETENTION_BATCH_SIZE: 'many' })).toEqual([
      expect.stringMatching(/^RETENTION_OUTBOX_DAYS: /),
      expect.stringMatching(/^RETENTION_BATCH_SIZE: /),
    ]);
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

  it('leaves METRICS_PORT off unless set, and apart from PORT (ADR 0063)', () => {
    expect(parseConfig(valid).METRICS_PORT).toBe(0);
    expect(parseConfig({ ...valid, METRICS_PORT: '' }).METRICS_PORT).toBe(0);
    expect(parseConfig({ ...valid, METRICS_PORT: '9464' }).METRICS_PORT).toBe(9464);
    expect(problemsOf({ ...valid, METRICS_PORT: '70000' })).toEqual([
      expect.stringMatching(/^METRICS_PORT: /),
    ]);
    expect(problemsOf({ ...valid, PORT: '9464', METRICS_PORT: '9464' })).toEqual([
      'METRICS_PORT: must differ from PORT (the metrics have a port of their own)',
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

  it('reads replica URLs as a list, none by default, and checks them more often than they may lag', () => {
    expect(parseConfig(valid)).toMatchObject({
      DATABASE_REPLICA_URLS: [],
      DATABASE_REPLICA_MAX_LAG_MS: 5_000,
      DATABASE_REPLICA_CHECK_INTERVAL_MS: 1_000,
    });
    expect(
      parseConfig({ ...valid, DATABASE_REPLICA_URLS: 'postgres://r@a:5432/j, postgresql://r@b:5432/j' })
        .DATABASE_REPLICA_URLS,
    ).toEqual(['postgres://r@a:5432/j', 'postgresql://r@b:5432/j']);
    expect(problemsOf({ ...valid, DATABASE_REPLICA_URLS: 'postgres://r@a:5432/j,mysql://b/j' })).toEqual([
      'DATABASE_REPLICA_URLS.1: must be a comma-separated list of URLs like postgres://user:password@replica:5432/jiebang',
    ]);
    expect(
      problemsOf({
        ...valid,
        DATABASE_REPLICA_MAX_LAG_MS: '1000',
        DATABASE_REPLICA_CHECK_INTERVAL_MS: '1000',
      }),
    ).toEqual([
      'DATABASE_REPLICA_CHECK_INTERVAL_MS: must be less than DATABASE_REPLICA_MAX_LAG_MS (a replica is checked more often than it may lag)',
    ]);
  });

  describe('Redis topology (REDIS_MODE, ADR 66)', () => {
    const cluster = { ...valid, REDIS_URL: undefined, REDIS_MODE: 'cluster' };

    it('is one server by default; sentinel and cluster modes read their nodes as host:port', () => {
      expect(parseConfig(valid)).toMatchObject({ REDIS_MODE: 'single', REDIS_PREFIX: 'jiebang' });
      expect(
        parseConfig({
          ...valid,
          REDIS_URL: undefined,
          REDIS_MODE: 'sentinel',
          REDIS_SENTINELS: 's1:26379, [fd00::1]:26380',
          REDIS_SENTINEL_NAME: 'mymaster',
        }).REDIS_SENTINELS,
      ).toEqual([
        { host: 's1', port: 26379 },
        { host: 'fd00::1', port: 26380 },
      ]);
      expect(parseConfig({ ...cluster, REDIS_CLUSTER_NODES: 'n1:7000,n2:7001' }).REDIS_CLUSTER_NODES).toEqual(
        [
          { host: 'n1', port: 7000 },
          { host: 'n2', port: 7001 },
        ],
      );
    });

    it("names what a mode lacks, and refuses another mode's addresses", () => {
      expect(problemsOf(cluster)).toEqual(['REDIS_CLUSTER_NODES: is required when REDIS_MODE=cluster']);
      expect(
        problemsOf({ ...valid, REDIS_URL: undefined, REDIS_MODE: 'sentinel', REDIS_SENTINELS: 's:1' }),
      ).toEqual(['REDIS_SENTINEL_NAME: is required when REDIS_MODE=sentinel']);
      expect(problemsOf({ ...cluster, REDIS_URL: 'redis://x:6379', REDIS_CLUSTER_NODES: 'n1:7000' })).toEqual(
        [expect.stringMatching(/^REDIS_URL: not used when REDIS_MODE=cluster/)],
      );
      expect(problemsOf({ ...valid, REDIS_CLUSTER_NODES: 'n1:7000' })).toEqual([
        expect.stringMatching(/^REDIS_MODE: set REDIS_MODE=sentinel or cluster/),
      ]);
      expect(problemsOf({ ...cluster, REDIS_CLUSTER_NODES: 'n1' })).toEqual([
        'REDIS_CLUSTER_NODES.0: must be a comma-separated list of host:port',
      ]);
      expect(problemsOf({ ...cluster, REDIS_CLUSTER_NODES: 'n1:70000' })).toEqual([
        'REDIS_CLUSTER_NODES.0: each port must be 1 to 65535',
      ]);
      expect(problemsOf({ ...valid, REDIS_MODE: 'replicated' })).toEqual([
        expect.stringMatching(/^REDIS_MODE: /),
      ]);
    });

    it('allows one non-empty hash tag in REDIS_PREFIX, nothing else in braces', () => {
      for (const prefix of ['{jiebang}', 'jb:{prov}', 'a{b}c', 'jiebang_2']) {
        expect(parseConfig({ ...valid, REDIS_PREFIX: prefix }).REDIS_PREFIX).toBe(prefix);
      }
      for (const prefix of ['{}', '{a}{b}', 'a{b', 'a}b', '{a{b}}', 'a b', '{']) {
        expect(problemsOf({ ...valid, REDIS_PREFIX: prefix })).toEqual([
          expect.stringMatching(/^REDIS_PREFIX: /),
        ]);
      }
    });
  });
});
