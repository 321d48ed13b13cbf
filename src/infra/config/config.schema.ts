import { isIP } from 'node:net';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/** A comma-separated list of media types (`type/subtype`), lower-cased. */
const mediaTypes = list.pipe(
  z
    .array(
      z
        .string()
        .regex(
          /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+$/,
          'must be a comma-separated list of media types like application/pdf',
        )
        .transform((type) => type.toLowerCase()),
    )
    .min(1, 'must name at least one media type'),
);

/** An IP address, a CIDR (10.0.0.0/8, fd00::/8) or a host name: an entry of WEBHOOK_ALLOWED_HOSTS. */
function isHostOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  if (rest.length) return false;
  const bits = isIP(address) === 4 ? 32 : isIP(address) === 6 ? 128 : 0;
  if (prefix !== undefined) return bits > 0 && /^\d{1,3}$/.test(prefix) && Number(prefix) <= bits;
  return (
    bits > 0 ||
    /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(address)
  );
}

const webhookHosts = list.pipe(
  z.array(
    z
      .string()
      .transform((entry) => entry.toLowerCase())
      .refine(isHostOrCidr, 'each entry must be an IP address, a CIDR (10.0.0.0/8) or a host name'),
  ),
);

/** host:port, or [IPv6]:port. */
const REDIS_NODE = /^(\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9.-]+):(\d{1,5})$/;

/** A comma-separated list of Redis nodes (sentinels or cluster seeds) as host:port. */
const redisNodes = list.pipe(
  z
    .array(
      z
        .string()
        .regex(REDIS_NODE, 'must be a comma-separated list of host:port')
        .transform((node) => {
          const [, host, port] = REDIS_NODE.exec(node) as RegExpExecArray;
          return { host: host.replace(/^\[|\]$/g, ''), port: Number(port) };
        })
        .refine(({ port }) => port > 0 && port < 65_536, 'each port must be 1 to 65535'),
    )
    .min(1, 'must name at least one host:port'),
);

/** What attachments may be unless ATTACHMENT_ALLOWED_TYPES says otherwise (docs/adr/0017). */
export const DEFAULT_ATTACHMENT_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'application/zip',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'text/plain',
];

/** An OTLP/HTTP collector address (docs/adr/0064), e.g. http://otel-collector:4318. */
const otlpEndpoint = z.url({
  protocol: /^https?$/,
  error: 'must be an http:// or https:// URL, e.g. http://otel-collector:4318',
});

/**
 * Every environment variable the service reads, validated once at boot.
 * `.env.example` documents each of them; keep the two in step.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // json: one JSON object a line; pretty: coloured lines for a person; auto: pretty only in development on a terminal.
  LOG_FORMAT: z.enum(['json', 'pretty', 'auto']).default('auto'),
  TRUST_PROXY: bool.default(false),
  // Prometheus metrics (docs/adr/0063): GET /metrics on this port of its own, off when 0 or unset;
  // the worker serves its /health/live and /health/ready there too. By convention 9464 for the
  // API and 9465 for the worker (npm start gives the worker METRICS_PORT + 1).
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),

  DATABASE_URL: z.url({
    protocol: /^postgres(ql)?$/,
    error: 'must be a URL like postgres://user:password@host:5432/jiebang',
  }),
  // Two at least: migrating at start-up holds one connection for the advisory lock and migrates on another.
  DATABASE_POOL_MAX: z.coerce.number().int().min(2, 'must be at least 2').max(200).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  // How long a request waits for a pool connection before it answers 503 (pg-pool's
  // connectionTimeoutMillis): short, so an unreachable database does not hold requests for long.
  DATABASE_POOL_WAIT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  MIGRATE_ON_START: bool.default(true),
  // Read replicas (docs/adr/0065): streaming replicas anonymous public listings, search and open
  // data may read from, while a replica is at most DATABASE_REPLICA_MAX_LAG_MS behind the primary
  // (checked every DATABASE_REPLICA_CHECK_INTERVAL_MS); otherwise those reads go to the primary.
  DATABASE_REPLICA_URLS: list
    .pipe(
      z.array(
        z.url({
          protocol: /^postgres(ql)?$/,
          error: 'must be a comma-separated list of URLs like postgres://user:password@replica:5432/jiebang',
        }),
      ),
    )
    .default([]),
  DATABASE_REPLICA_MAX_LAG_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
  DATABASE_REPLICA_CHECK_INTERVAL_MS: z.coerce.number().int().min(50).max(3_600_000).default(1_000),
  // At start-up, how long the API, the worker and the launcher wait for PostgreSQL and Redis to
  // answer before they exit with a line naming DATABASE_URL or REDIS_URL (docs/adr/0048).
  STARTUP_WAIT_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),

  // Redis topology (docs/adr/0066): one server (REDIS_URL), a Sentinel-managed master
  // (REDIS_SENTINELS, REDIS_SENTINEL_NAME) or a Redis Cluster (REDIS_CLUSTER_NODES).
  REDIS_MODE: z.enum(['single', 'sentinel', 'cluster']).default('single'),
  REDIS_URL: z
    .url({
      protocol: /^rediss?$/,
      error: 'must be a URL like redis://host:6379 (rediss:// for TLS)',
    })
    .optional(),
  REDIS_SENTINELS: redisNodes.optional(),
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[\w.-]{1,100}$/, 'must be a master name like mymaster')
    .optional(),
  REDIS_SENTINEL_PASSWORD: z.string().optional(),
  REDIS_CLUSTER_NODES: redisNodes.optional(),
  // Credentials and TLS of the Redis nodes in sentinel and cluster modes (REDIS_URL carries them otherwise).
  REDIS_USERNAME: z.string().optional(),
  REDIS_PASSWORD: z.string().optional(),
  REDIS_TLS: bool.default(false),
  // Keys start with it. At most one hash tag ({…}, not empty): with one, every key of the
  // deployment shares a slot of a Redis Cluster; without, BullMQ's keys get {REDIS_PREFIX}.
  REDIS_PREFIX: z
    .string()
    .regex(
      /^[a-zA-Z0-9_:-]*(\{[a-zA-Z0-9_:-]+\})?[a-zA-Z0-9_:-]*$/,
      'must be letters, digits, _ : - and at most one non-empty hash tag like {jiebang}',
    )
    .default('jiebang'),

  JWT_ACCESS_SECRET: z.string().min(32, 'must be at least 32 characters'),
  // Encrypts TOTP secrets at rest (AES-256-GCM, key by HKDF-SHA256; ADR 0044). Unset: derived from
  // JWT_ACCESS_SECRET, so rotating that secret would then lose every enrolment; set it in production.
  MFA_SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  // argon2id cost (ADR 0005): OWASP's 64 MiB and 3 passes by default. Production refuses less than
  // OWASP's floor (19 MiB, 2 passes); the test suite runs with the least argon2 allows, as its
  // thousands of sign-ins would otherwise spend most of a busy CI machine's time hashing.
  PASSWORD_HASH_MEMORY_KIB: z.coerce.number().int().min(64).max(1_048_576).default(65_536),
  PASSWORD_HASH_PASSES: z.coerce.number().int().min(1).max(16).default(3),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(300)
    .max(90 * 86_400)
    .default(30 * 86_400),

  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'must look like 1mb or 512kb')
    .default('1mb'),
  // The deepest nesting of objects and arrays in a JSON body (docs/adr/0034): no document of the API
  // nests more than 4; validation recurses once per level, so hostile depth is refused unparsed.
  JSON_MAX_DEPTH: z.coerce.number().int().min(8).max(256).default(32),
  CORS_ORIGINS: list.default([]),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  // Years after an accepted project's acceptance in which the holder of its result is asked, once a
  // year, how the result is used (docs/adr/0059).
  RESULT_UTILISATION_YEARS: z.coerce.number().int().min(1).max(10).default(3),

  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
  // Or the same piece by piece (docs/adr/0031): SMTP_HOST set and SMTP_URL unset.
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  SMTP_SECURE: bool.default(false),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASS: z.string().min(1).optional(),
  MAIL_FROM: z.string().default('揭榜挂帅平台 <noreply@jiebang.local>'),

  // Accounts (docs/adr/0045): the web front end's address, for the links in password-reset and
  // invitation mails (<PUBLIC_WEB_URL>/password-reset?token=…, /invitations/accept?token=…).
  PUBLIC_WEB_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .default('http://localhost:3000'),
  PASSWORD_RESET_TTL_MINUTES: z.coerce.number().int().min(5).max(1_440).default(60),
  // Reset requests for one address (known or not) within an hour; more answer 429.
  PASSWORD_RESET_REQUESTS_PER_HOUR: z.coerce.number().int().min(1).max(100).default(5),
  INVITATION_TTL_DAYS: z.coerce.number().int().min(1).max(30).default(7),

  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  // Separated duties (docs/adr/0043): whether the system administrator (`admin`) may also read the
  // audit trail's endpoints. Off: only the audit administrator (`audit_admin`) reads them.
  AUDIT_READ_BY_SYSTEM_ADMIN: bool.default(false),

  // Attachment content, content-addressed by SHA-256 (docs/adr/0017); back it up with the database.
  STORAGE_DIR: z.string().min(1).default('./.data/files'),
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 * 1024 ** 3)
    .default(20 * 1024 * 1024),
  ATTACHMENT_ALLOWED_TYPES: mediaTypes.default(DEFAULT_ATTACHMENT_TYPES),

  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(50).default(1000),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(5),
  // Both processes exit within it on SIGTERM/SIGINT: draining, then closing (docs/adr/0036).
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),

  // Recovery (docs/adr/0037): how fast the worker puts back what Redis or a killed worker lost.
  /** Every this often the worker compares pending rows (deadlines, events, webhooks, mail) with their jobs. */
  RECOVERY_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(300_000).default(5_000),
  /** A due pending row may go this long without a job before the sweep gives it one back. */
  RECOVERY_GRACE_MS: z.coerce.number().int().min(0).max(300_000).default(2_000),
  /** A sweep's Redis call gives up after this long (Redis down: the sweep is skipped, not piled up). */
  RECOVERY_REDIS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
  /** BullMQ job lock: a killed worker's running job is free for another worker once it lapses. */
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  /** How often each worker looks for running jobs whose lock lapsed (stalled) and runs them again. */
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).max(600_000).default(10_000),

  // Webhooks (docs/adr/0030): https only unless allowed; private addresses refused unless listed.
  WEBHOOK_ALLOW_HTTP: bool.default(false),
  WEBHOOK_ALLOWED_HOSTS: webhookHosts.default([]),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(15_000),
  WEBHOOK_BACKOFF_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(40_000),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(10),
  WEBHOOK_DISABLE_AFTER_DAYS: z.coerce.number().int().min(1).max(90).default(3),

  // Industry-demand library (docs/adr/0058): a need expires this many days after filing or its last
  // renewal, reminded 7 days and 1 day before.
  NEED_EXPIRY_DAYS: z.coerce.number().int().min(1).max(3_650).default(180),

  // Audit trail (docs/adr/0046): the sealer appends committed rows to the hash chain this often;
  // rows of days older than the retention move to audit_events_archive (never deleted). Six months
  // at least (网络安全法 art. 21, 等保 2.0): fewer than 180 days is refused.
  AUDIT_SEAL_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  AUDIT_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(180, 'must be at least 180 days: audit records are kept six months at least')
    .max(36_500)
    .default(190),

  // Retention (docs/adr/0068): every RETENTION_INTERVAL_MS the worker moves settled rows older than
  // these from outbox_events (delivered; their processed_events with them), webhook_deliveries
  // (succeeded or failed, with their attempts), mail_messages (sent, failed or skipped) and
  // idempotency_keys (expired that many days ago) to the tables of the `archive` schema, in batches
  // of RETENTION_BATCH_SIZE rows, one transaction each. Nothing still needed is moved, nothing deleted.
  RETENTION_OUTBOX_DAYS: z.coerce.number().int().min(1).max(36_500).default(30),
  RETENTION_WEBHOOK_DELIVERIES_DAYS: z.coerce.number().int().min(1).max(36_500).default(30),
  RETENTION_MAIL_DAYS: z.coerce.number().int().min(1).max(36_500).default(90),
  RETENTION_IDEMPOTENCY_DAYS: z.coerce.number().int().min(0).max(36_500).default(7),
  RETENTION_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(3_600_000),
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(50_000).default(1_000),
  // BullMQ job history in Redis, per job of every queue (removeOnComplete / removeOnFail): the rows
  // above stay the truth of what happened. Completed jobs are kept an hour at least: an event's
  // completed job (id = event id) turns away a second enqueue by a relay that crashed mid-way.
  RETENTION_COMPLETED_JOBS_HOURS: z.coerce.number().int().min(1).max(8_760).default(24),
  RETENTION_COMPLETED_JOBS_COUNT: z.coerce.number().int().min(100).max(10_000_000).default(10_000),
  RETENTION_FAILED_JOBS_DAYS: z.coerce.number().int().min(1).max(3_650).default(30),
  // Tracing (docs/adr/0064): OpenTelemetry's own variables, read first by src/infra/tracing/tracing.ts;
  // tracing is on when an endpoint is set. Checked here so that a malformed one ends the start.
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpEndpoint.optional(),

  // Open data (docs/adr/0032): the OCDS ocid prefix (ocds-<registered prefix>) and the publisher's name.
  OCDS_PREFIX: z
    .string()
    .regex(/^ocds-[a-z0-9]{1,32}$/, 'must look like ocds-abc123 (lower-case letters and digits)')
    .default('ocds-jiebang'),
  OCDS_PUBLISHER_NAME: z.string().min(1).max(200).default('揭榜挂帅平台'),
});

export type AppConfig = z.output<typeof envSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment map; throws a ConfigError naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(environment)';
        const message =
          issue.code === 'invalid_type' && cleaned[name] === undefined ? 'is required' : issue.message;
        return `${name}: ${message}`;
      }),
    );
  }
  if (
    result.data.NODE_ENV === 'production' &&
    (result.data.PASSWORD_HASH_MEMORY_KIB < 19_456 || result.data.PASSWORD_HASH_PASSES < 2)
  ) {
    throw new ConfigError([
      'PASSWORD_HASH_MEMORY_KIB: production needs at least 19456 KiB with PASSWORD_HASH_PASSES of 2 or more (OWASP)',
    ]);
  }
  if (result.data.METRICS_PORT && result.data.METRICS_PORT === result.data.PORT) {
    throw new ConfigError(['METRICS_PORT: must differ from PORT (the metrics have a port of their own)']);
  }
  if (result.data.DATABASE_REPLICA_CHECK_INTERVAL_MS >= result.data.DATABASE_REPLICA_MAX_LAG_MS) {
    throw new ConfigError([
      'DATABASE_REPLICA_CHECK_INTERVAL_MS: must be less than DATABASE_REPLICA_MAX_LAG_MS (a replica is checked more often than it may lag)',
    ]);
  }
  if (result.data.ADMIN_EMAIL && !result.data.ADMIN_PASSWORD) {
    throw new ConfigError(['ADMIN_PASSWORD: is required when ADMIN_EMAIL is set']);
  }
  const redisProblem = redisModeProblem(result.data);
  if (redisProblem) throw new ConfigError([redisProblem]);
  if (result.data.SMTP_URL && result.data.SMTP_HOST) {
    throw new ConfigError(['SMTP_HOST: set either SMTP_URL or SMTP_HOST (with SMTP_PORT …), not both']);
  }
  return result.data;
}

/** The variables REDIS_MODE needs, set; the other modes' addresses, unset (one line, or undefined). */
function redisModeProblem(config: AppConfig): string | undefined {
  const mode = config.REDIS_MODE;
  if (mode === 'single') {
    if (!config.REDIS_URL) return 'REDIS_URL: is required';
    if (config.REDIS_SENTINELS || config.REDIS_CLUSTER_NODES) {
      return 'REDIS_MODE: set REDIS_MODE=sentinel or cluster to use REDIS_SENTINELS or REDIS_CLUSTER_NODES';
    }
    return undefined;
  }
  if (config.REDIS_URL) {
    return `REDIS_URL: not used when REDIS_MODE=${mode}: unset it (REDIS_USERNAME, REDIS_PASSWORD, REDIS_TLS set the credentials)`;
  }
  if (mode === 'sentinel') {
    if (!config.REDIS_SENTINELS) return 'REDIS_SENTINELS: is required when REDIS_MODE=sentinel';
    if (!config.REDIS_SENTINEL_NAME) return 'REDIS_SENTINEL_NAME: is required when REDIS_MODE=sentinel';
    return undefined;
  }
  if (!config.REDIS_CLUSTER_NODES) return 'REDIS_CLUSTER_NODES: is required when REDIS_MODE=cluster';
  return undefined;
}
