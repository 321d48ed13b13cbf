import { spawn } from 'node:child_process';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import { Client, Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { ApiModule } from '../../src/api.module';
import { configureApp } from '../../src/app.setup';
import type { Principal } from '../../src/common/auth/principal';
import { AUDIT_INSERT_SQL } from '../../src/common/audit/audit.service';
import { Clock } from '../../src/infra/clock/clock';
import { parseConfig } from '../../src/infra/config/config';
import { dataSourceOptions } from '../../src/infra/database/data-source.options';
import { migrateWithLock } from '../../src/infra/database/migrate';
import { OUTBOX_CHANNEL, OUTBOX_INSERT_SQL } from '../../src/infra/events/outbox.service';
import { createHttpAdapter } from '../../src/infra/http/http-adapter';
import {
  assertChallengeOpen,
  deadlinePassed,
  refuse,
  snapshot,
} from '../../src/modules/call/applications/application-access';
import { APPLICATION_EVENTS } from '../../src/modules/call/applications/application-events';
import { partsOfRow } from '../../src/modules/call/applications/application-parts.repository';
import {
  checkApplicationAgainstChallenge,
  checkApplicationComplete,
} from '../../src/modules/call/applications/application-rules';
import {
  APPLICATION_MACHINE,
  assertApplicationTransition,
  LEADER_LOAD_STATUSES,
} from '../../src/modules/call/applications/application-status';
import {
  lockedSubmissionOf,
  SUBMISSION_LOCK_SQL,
  SUBMISSION_READ_SQL,
  SUBMISSION_UPDATE_SQL,
  SubmissionLockRow,
  SubmissionReadRow,
} from '../../src/modules/call/applications/application-submission.repository';
import { toApplicationResponse } from '../../src/modules/call/applications/application.mappers';
import { ApplicationsService } from '../../src/modules/call/applications/applications.service';
import { evaluateEligibility } from '../../src/modules/call/applications/eligibility-rules';
import { effectiveProgramSettings } from '../../src/modules/call/programs/program-settings';
import { TeamsService } from '../../src/modules/call/teams/teams.service';
import { MfaEnrolmentService } from '../../src/modules/platform/auth/mfa/mfa-enrolment.service';
import { totpCode } from '../../src/modules/platform/auth/mfa/totp';
import { AuthService } from '../../src/modules/platform/auth/auth.service';
import {
  CREDIT_CODE_ALPHABET,
  creditCodeCheckChar,
} from '../../src/modules/platform/organizations/credit-code';
import { UsersService } from '../../src/modules/platform/users/users.service';
import { deleteRedisPrefix, freshBenchDatabase } from './resources';
import { SESSION_STATE_SQL } from '../../src/modules/platform/users/users.repository';
import { DistProcess, freePort, stopDist, waitFor200 } from '../support/dist-process';
import { countQueries } from '../support/query-count';
import { loadAverage, recordGoal } from './goals';

/**
 * Part `submissions` of `npm run bench` (issue 17, docs/adr/0055): BENCH_SUBMISSIONS pledged applications
 * on one challenge whose closesAt is set BENCH_SUBMISSIONS_WINDOW_MS (10 s) ahead of the real clock the
 * moment the burst starts, all submitted over HTTP to the API run as a child process from dist
 * (`node dist/src/main.js`, production settings, its default pool of 10 connections) by
 * BENCH_SUBMISSIONS_CONCURRENCY (64) clients; then the same transaction written by hand with `pg`
 * (the same statements in the same order, the same locks, the same pool size and clients) on as many
 * applications of a second challenge, in the same run. None may be lost or late: every answer 200,
 * every application stamped submitted before closesAt, one outbox event each. Also counted: the SQL
 * statements of one submission and of a page of 100 applications (docs/adr/0049).
 */
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SUBMISSIONS = Number(process.env.BENCH_SUBMISSIONS ?? 1_000);
const WINDOW_MS = Number(process.env.BENCH_SUBMISSIONS_WINDOW_MS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_SUBMISSIONS_CONCURRENCY ?? 64);
const WARM_UP = Number(process.env.BENCH_SUBMISSIONS_WARM_UP ?? 30);
/** The API's pool (DATABASE_POOL_MAX's default): the raw baseline uses as many connections. */
const POOL_SIZE = 10;
const PASSWORD = 'bench-password-1234';

interface Answer {
  status: number;
  body: unknown;
}

interface Resource {
  id: string;
  indicators?: Array<{ id: string; name: string }>;
}

async function call(base: string, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null } satisfies Answer;
}

async function expectStatus(answer: Promise<Answer>, status: number, what: string): Promise<Resource> {
  const res = await answer;
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Resource;
}

function creditCode(): string {
  let body = '91360100';
  for (let i = 0; i < 9; i++) body += CREDIT_CODE_ALPHABET[randomInt(CREDIT_CODE_ALPHABET.length)];
  return body + creditCodeCheckChar(body);
}

/**
 * `node dist/src/main.js` of this checkout (the bench runs from its root), with exactly `env`; its output
 * (a log line per request, as in production) goes to `logFile`, not to a pipe this busy process must drain.
 */
function startApi(env: Record<string, string>, logFile: string): DistProcess {
  const script = join(process.cwd(), 'dist', 'src', 'main.js');
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\``);
  const log = openSync(logFile, 'w');
  // BENCH_API_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`: the API's profile of the run.
  const args = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...args, script], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TZ: 'UTC', ...env },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => readFileSync(logFile, 'utf8').slice(-65_536), exited };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); null elsewhere. */
function cpuSecondsOf(pid: number | undefined): number | null {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return null;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat (11 and 12 after the command), in clock ticks (100/s).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function fail(message: string): never {
  throw new Error(message);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((sorted.length * p) / 100) - 1)];
}

interface Burst {
  name: string;
  /** Per request: from its sending to its answer, ms. */
  latencies: number[];
  wallMs: number;
  /** Answers other than 200, by status and code. */
  refused: Map<string, number>;
  closesAt: Date;
  /** From the start to the last answer 200, ms. */
  lastOkMs: number;
  /** CPU ms per request of the serving process (the API child; none for raw) and of this process. */
  serverCpuMs: number | null;
  ownCpuMs: number;
}

/** Submissions answered 200 per second, from the first sending to the last answer 200. */
function throughput(b: Burst): number {
  const refused = [...b.refused.values()].reduce((sum, n) => sum + n, 0);
  return b.lastOkMs > 0 ? ((b.latencies.length - refused) / b.lastOkMs) * 1000 : 0;
}

function summary(b: Burst) {
  const sorted = [...b.latencies].sort((x, y) => x - y);
  return {
    case: b.name,
    requests: sorted.length,
    'per second': throughput(b).toFixed(1),
    'p50 ms': percentile(sorted, 50).toFixed(1),
    'p95 ms': percentile(sorted, 95).toFixed(1),
    'p99 ms': percentile(sorted, 99).toFixed(1),
    'max ms': sorted[sorted.length - 1].toFixed(1),
    'wall ms': b.wallMs.toFixed(0),
    'not 200': [...b.refused].map(([k, n]) => `${k} ×${n}`).join(', ') || 'none',
    'API CPU ms/req': b.serverCpuMs === null ? '—' : b.serverCpuMs.toFixed(2),
    'bench CPU ms/req': b.ownCpuMs.toFixed(2),
  };
}

/** Sends `ids` through `submit`, CONCURRENCY at a time, each client taking the next id as it is answered. */
async function burst(
  name: string,
  ids: string[],
  closesAt: Date,
  submit: (id: string) => Promise<{ status: number; code?: string }>,
  serverPid?: number,
): Promise<Burst> {
  const serverCpu = cpuSecondsOf(serverPid);
  const ownCpu = ownCpuSeconds();
  const latencies: number[] = [];
  const refused = new Map<string, number>();
  let next = 0;
  let lastOkMs = 0;
  const started = performance.now();
  const client = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      const t0 = performance.now();
      const answer = await submit(id).catch((error: unknown) => ({
        status: 0,
        code: (error as Error).message.slice(0, 60),
      }));
      latencies.push(performance.now() - t0);
      if (answer.status === 200) lastOkMs = performance.now() - started;
      else {
        const key = `${answer.status} ${answer.code ?? ''}`.trim();
        refused.set(key, (refused.get(key) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, CONCURRENCY || ids.length) }, client));
  const wallMs = performance.now() - started;
  const serverAfter = cpuSecondsOf(serverPid);
  const perRequest = (seconds: number) => (seconds * 1000) / ids.length;
  return {
    name,
    latencies,
    wallMs,
    refused,
    closesAt,
    lastOkMs,
    serverCpuMs: serverCpu === null || serverAfter === null ? null : perRequest(serverAfter - serverCpu),
    ownCpuMs: perRequest(ownCpuSeconds() - ownCpu),
  };
}

/** None lost, none late: every application submitted before closesAt, with one outbox event. */
async function verify(client: Client, ids: string[], b: Burst): Promise<{ ok: boolean; text: string }> {
  const [row] = (
    await client.query<{ submitted: number; late: number; events: number }>(
      `SELECT count(*) FILTER (WHERE a.status = 'submitted')::int AS submitted,
              count(*) FILTER (WHERE a.submitted_at >= c.closes_at)::int AS late,
              (SELECT count(*)::int FROM outbox_events e
                WHERE e.type = $2 AND e.aggregate_id = ANY($3::text[])) AS events
       FROM applications a JOIN challenges c ON c.id = a.challenge_id WHERE a.id = ANY($1::uuid[])`,
      [ids, APPLICATION_EVENTS.submitted, ids],
    )
  ).rows;
  const answered = b.latencies.length - [...b.refused.values()].reduce((s, n) => s + n, 0);
  const ok =
    answered === ids.length && row.submitted === ids.length && row.late === 0 && row.events === ids.length;
  return {
    ok,
    text:
      `${answered}/${ids.length} answered 200, ${row.submitted} submitted, ${row.late} stamped at or after ` +
      `closesAt, ${row.events} outbox events; the last answer ${(b.wallMs / 1000).toFixed(1)} s after the start`,
  };
}

/**
 * `count` copies of a pledged application (its team with a new leader of its own, its commitments and
 * milestones) on the same challenge, by SQL: what TeamsService.create, ApplicationsService.create and
 * pledge wrote for the template, so the copies pass the same checks.
 */
async function cloneApplications(
  client: Client,
  templateId: string,
  count: number,
  label: string,
): Promise<string[]> {
  await client.query('BEGIN');
  await client.query(
    `CREATE TEMP TABLE bench_clone ON COMMIT DROP AS
     SELECT g, gen_random_uuid() AS user_id, gen_random_uuid() AS team_id, gen_random_uuid() AS app_id
     FROM generate_series(1, $1::int) g`,
    [count],
  );
  await client.query(
    `INSERT INTO users (id, organization_id, email, display_name, password_hash, roles, created_at, updated_at)
     SELECT b.user_id, u.organization_id, 'leader.' || $2 || '.' || b.g || '@example.cn', '挂帅者 ' || b.g,
            u.password_hash, ARRAY['applicant'], now(), now()
     FROM bench_clone b, applications a JOIN users u ON u.id = a.created_by WHERE a.id = $1`,
    [templateId, label],
  );
  await client.query(
    `INSERT INTO teams (id, name, lead_organization_id, leader_user_id, lead_share_percent, version, created_by, created_at, updated_at)
     SELECT b.team_id, t.name || ' ' || $2 || ' ' || b.g, t.lead_organization_id, b.user_id, t.lead_share_percent,
            t.version, t.created_by, t.created_at, t.updated_at
     FROM bench_clone b, applications a JOIN teams t ON t.id = a.team_id WHERE a.id = $1`,
    [templateId, label],
  );
  await client.query(
    `INSERT INTO team_members (team_id, position, name, title, role, organization_id, user_id)
     SELECT b.team_id, m.position, m.name, m.title, m.role, m.organization_id, m.user_id
     FROM bench_clone b, applications a JOIN team_members m ON m.team_id = a.team_id WHERE a.id = $1`,
    [templateId],
  );
  await client.query(
    `INSERT INTO team_consortium_members (team_id, organization_id, position, role, share_percent)
     SELECT b.team_id, m.organization_id, m.position, m.role, m.share_percent
     FROM bench_clone b, applications a JOIN team_consortium_members m ON m.team_id = a.team_id WHERE a.id = $1`,
    [templateId],
  );
  await client.query(
    `INSERT INTO applications (id, challenge_id, team_id, lead_organization_id, leader_user_id, status, status_reason,
       technical_plan, requested_fiscal_fen, pledge_accepted_at, pledge_accepted_by, rule_results, submitted_at,
       formal_checked_at, formal_checked_by, version, created_by, created_at, updated_at)
     SELECT b.app_id, a.challenge_id, b.team_id, a.lead_organization_id, b.user_id, a.status, a.status_reason,
       a.technical_plan, a.requested_fiscal_fen, a.pledge_accepted_at, b.user_id, a.rule_results, a.submitted_at,
       a.formal_checked_at, a.formal_checked_by, a.version, a.created_by, a.created_at, a.updated_at
     FROM bench_clone b, applications a WHERE a.id = $1`,
    [templateId],
  );
  await client.query(
    `INSERT INTO application_commitments (application_id, indicator_id, committed_value)
     SELECT b.app_id, c.indicator_id, c.committed_value
     FROM bench_clone b, application_commitments c WHERE c.application_id = $1`,
    [templateId],
  );
  await client.query(
    `INSERT INTO application_milestones (application_id, position, title, deliverables, due_month, share_percent)
     SELECT b.app_id, m.position, m.title, m.deliverables, m.due_month, m.share_percent
     FROM bench_clone b, application_milestones m WHERE m.application_id = $1`,
    [templateId],
  );
  const ids = (await client.query<{ app_id: string }>('SELECT app_id FROM bench_clone ORDER BY g')).rows;
  await client.query('COMMIT');
  return ids.map((r) => r.app_id);
}

/**
 * The raw baseline: POST /applications/{id}/submit as hand-written `pg`, the statements of ours in the same
 * order (the caller's user row, then the transaction), the same checks (the same pure rule functions) and
 * the same answer serialised; no HTTP, no framework.
 */
function rawSubmitter(pool: Pool, caller: Principal & { kind: 'user' }, recorded: string[] | null) {
  const clock = new Clock();
  return async (id: string): Promise<{ status: number; code?: string; statements?: string[] }> => {
    const sent: string[] = [];
    const requestId = randomUUID();
    const q = async <R extends object>(c: PoolClient, text: string, values?: unknown[]) => {
      if (recorded) sent.push(text);
      return (await c.query<R>(text, values)).rows;
    };
    const auth = await pool.connect();
    try {
      const [user] = await q<{ enabled: boolean }>(auth, SESSION_STATE_SQL, [caller.userId]);
      if (!user?.enabled) return { status: 401 };
    } finally {
      auth.release();
    }
    const c = await pool.connect();
    try {
      await q(c, 'START TRANSACTION');
      try {
        const [lockRow] = await q<SubmissionLockRow>(c, SUBMISSION_LOCK_SQL, [id, caller.organizationId]);
        if (!lockRow) throw new Error('404');
        const locked = lockedSubmissionOf(lockRow);
        const { application, challenge, team } = locked;
        assertApplicationTransition(application.status, 'submit');
        assertChallengeOpen(challenge, clock.now(), 'submit');
        const [read] = await q<SubmissionReadRow>(c, SUBMISSION_READ_SQL, [
          id,
          team.leaderUserId,
          LEADER_LOAD_STATUSES,
          challenge.programId,
        ]);
        if (!application.pledgeAcceptedAt || application.pledgeAcceptedBy !== team.leaderUserId) {
          throw new Error('422 pledge');
        }
        const terms = {
          fiscalFen: challenge.fiscalFen,
          durationMonths: challenge.durationMonths,
          indicators: read.indicators ?? [],
        };
        const content = {
          requestedFiscalFen: application.requestedFiscalFen,
          commitments: read.commitments ?? [],
          milestones: read.milestones ?? [],
        };
        refuse([
          ...checkApplicationAgainstChallenge(content, terms),
          ...checkApplicationComplete(content, terms),
        ]);
        const limit =
          challenge.eligibility.leaderConcurrencyLimit ??
          effectiveProgramSettings(read.program_settings).maxActiveListsPerLeader;
        if (read.leader_load >= limit) throw new Error('422 leader limit');
        const results = evaluateEligibility({
          eligibility: challenge.eligibility,
          leaderLimit: limit,
          fiscalFen: terms.fiscalFen,
          indicatorIds: terms.indicators.map((i) => i.id),
          lead: read.lead ?? fail('lead organization missing'),
          consortiumSize: read.consortium_size,
          leaderLoad: read.leader_load,
          committedIndicatorIds: content.commitments.map((x) => x.indicatorId),
          requestedFiscalFen: content.requestedFiscalFen,
          integrityRecords: read.integrity_records ?? [],
        });
        const now = clock.now();
        if (now >= challenge.closesAt) throw deadlinePassed(challenge);
        const before = snapshot(application);
        Object.assign(application, {
          statusReason: null,
          leaderUserId: team.leaderUserId,
          ruleResults: results,
          submittedAt: now,
          status: APPLICATION_MACHINE.target(application.status, 'submit'),
          version: application.version + 1,
          updatedAt: clock.now(),
        });
        await q(c, SUBMISSION_UPDATE_SQL, [
          id,
          application.status,
          application.leaderUserId,
          JSON.stringify(application.ruleResults),
          application.submittedAt,
          application.version,
          application.updatedAt,
        ]);
        await q(c, AUDIT_INSERT_SQL, [
          clock.now(),
          'user',
          caller.userId,
          caller.organizationId,
          'application.submitted',
          'application',
          id,
          JSON.stringify(before),
          JSON.stringify(snapshot(application)),
          requestId,
        ]);
        await q(c, OUTBOX_INSERT_SQL, [
          randomUUID(),
          APPLICATION_EVENTS.submitted,
          'application',
          id,
          JSON.stringify({
            applicationId: id,
            challengeId: challenge.id,
            challengeCode: challenge.code,
            challengeTitle: challenge.title,
            issuerOrganizationId: challenge.issuerOrganizationId,
            leadOrganizationId: application.leadOrganizationId,
            status: application.status,
          }),
          clock.now(),
          requestId,
          OUTBOX_CHANNEL,
          null,
        ]);
        await q(c, 'COMMIT');
        JSON.stringify(toApplicationResponse(application, partsOfRow(read), 'owner', false));
        if (recorded) recorded.push(...sent);
        return { status: 200 };
      } catch (error) {
        await c.query('ROLLBACK');
        const code = (error as { code?: string }).code;
        return { status: 422, code: code ?? (error as Error).message.slice(0, 40) };
      }
    } finally {
      c.release();
    }
  };
}

/** The statements of one request of the app in this process (its X-Request-Id), in order. */
async function statementsOf(base: string, method: 'GET' | 'POST', path: string, token: string) {
  const { result, statements } = await countQueries(async (requestId) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'X-Request-Id': requestId },
    });
    await res.text();
    return res.status;
  });
  if (result !== 200) throw new Error(`${method} ${path}: ${result}`);
  return statements;
}

export async function submissionCases(adminUrl: string): Promise<void> {
  const suffix = randomBytes(4).toString('hex');
  // Its own database: a concurrent `npm run bench` elsewhere drops jiebang_bench, never this one.
  const database = `jiebang_bench_submissions_${suffix}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const databaseUrl = await freshBenchDatabase(admin, adminUrl, database);
  const redisPrefix = `bench_${suffix}`;
  const storageDir = join(tmpdir(), `jiebang-bench-files-${suffix}`);
  const apiLog = join(tmpdir(), `jiebang-bench-api-${suffix}.log`);
  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    JWT_ACCESS_SECRET: randomBytes(32).toString('hex'),
    MIGRATE_ON_START: 'false',
    // One applicant sends every submission here; in the deadline rush they come from a thousand.
    RATE_LIMIT_PER_MINUTE: '1000000',
    STORAGE_DIR: storageDir,
  };
  let app: Awaited<ReturnType<typeof NestFactory.create>> | undefined;
  let child: DistProcess | undefined;
  const client = new Client({ connectionString: databaseUrl });
  const rawPool = new Pool({ connectionString: databaseUrl, max: POOL_SIZE });
  // An idle connection ended from outside (another helper's test terminating backends) is not a failed run:
  // a statement on it would fail and say so.
  rawPool.on('error', () => undefined);
  client.on('error', () => undefined);
  try {
    const migrator = await new DataSource(
      dataSourceOptions({
        DATABASE_URL: databaseUrl,
        DATABASE_POOL_MAX: 2,
        DATABASE_STATEMENT_TIMEOUT_MS: 120_000,
      }),
    ).initialize();
    await migrateWithLock(migrator);
    await migrator.destroy();
    await client.connect();

    // The setup (and the statement counts) through the app in this process; the burst goes to the child.
    const config = parseConfig({ ...env, LOG_LEVEL: 'silent' });
    app = await NestFactory.create(ApiModule.forRoot(config), createHttpAdapter(), {
      bodyParser: false,
      logger: false,
    });
    configureApp(app, config);
    await app.listen(0, '127.0.0.1');
    const local = await app.getUrl();
    const users = app.get(UsersService);
    const auth = app.get(AuthService);
    const adminUser = await users.ensureFirstAdmin(`admin.${suffix}@example.cn`, PASSWORD);
    const enrolment = app.get(MfaEnrolmentService);
    const adminPrincipal = {
      kind: 'user' as const,
      userId: adminUser.id,
      organizationId: adminUser.organizationId,
      roles: adminUser.roles,
    };
    const { secret } = await enrolment.start(adminPrincipal);
    const adminToken = (await enrolment.confirm(adminPrincipal, totpCode(secret, app.get(Clock).now())))
      .tokens.accessToken;
    const org = (role: 'issuer' | 'applicant') =>
      auth.register({
        organizationName: `基准${role === 'issuer' ? '发榜' : '揭榜'}单位 ${suffix}`,
        organizationType: role === 'issuer' ? 'enterprise' : 'university',
        creditCode: creditCode(),
        regionCode: '360100',
        role,
        email: `${role}.${suffix}@example.cn`,
        password: PASSWORD,
        displayName: role,
      });
    const issuer = await org('issuer');
    const applicant = await org('applicant');
    const program = await expectStatus(
      call(local, 'POST', '/api/v1/programs', adminToken, { name: '基准揭榜挂帅', year: 2027 }),
      201,
      'program',
    );
    const challenge = async (title: string) => {
      const now = Date.now();
      const draft = await expectStatus(
        call(local, 'POST', '/api/v1/challenges', issuer.tokens.accessToken, {
          programId: program.id,
          title,
          category: 'key_technology',
          industryChain: 'new_materials',
          background: '我省电网企业亟需低损耗输电技术。',
          publicSummary: '研制高温超导电缆样机，临界电流与交流损耗达到国际先进水平。',
          indicators: [
            { name: '临界电流', targetValue: '≥ 500', unit: 'A', verificationMethod: '第三方检测' },
            { name: '交流损耗', targetValue: '≤ 1.0', unit: 'W/m', verificationMethod: '现场测试' },
          ],
          expectedOutcomes: [{ kind: 'prototype', description: '10 米电缆样机 1 套' }],
          totalFen: 500_000_000,
          fiscalFen: 300_000_000,
          cofundingFen: 200_000_000,
          durationMonths: 24,
          opensAt: new Date(now - 60 * 60 * 1000).toISOString(),
          closesAt: new Date(now + 24 * 60 * 60 * 1000).toISOString(),
          eligibility: { allowedOrganizationTypes: ['university'] },
          selectionMode: 'single',
        }),
        201,
        'challenge',
      );
      await expectStatus(
        call(local, 'POST', `/api/v1/challenges/${draft.id}/submit`, issuer.tokens.accessToken),
        200,
        'challenge submit',
      );
      return expectStatus(
        call(local, 'POST', `/api/v1/challenges/${draft.id}/approve`, adminToken),
        200,
        'challenge approve',
      );
    };
    const owner: Principal & { kind: 'user' } = {
      kind: 'user',
      userId: applicant.user.id,
      organizationId: applicant.organization.id,
      roles: ['applicant'],
    };
    // One pledged application through the services, the template of the copies.
    const setup = app;
    const template = async (list: Resource, label: string) => {
      const [leader] = await setup.get(DataSource).query<Array<{ id: string }>>(
        `INSERT INTO users (organization_id, email, display_name, password_hash, roles, created_at, updated_at)
           SELECT $1, 'leader.' || $2 || '@example.cn', '挂帅者', password_hash, ARRAY['applicant'], now(), now()
           FROM users WHERE id = $3 RETURNING id`,
        [owner.organizationId, `${suffix}.${label}`, owner.userId],
      );
      const team = await setup.get(TeamsService).create(owner, {
        name: `基准团队 ${label}`,
        leaderUserId: leader.id,
        members: [{ name: '李工', title: '工程师', role: '技术骨干', organizationId: owner.organizationId }],
      });
      const applications = setup.get(ApplicationsService);
      const bid = await applications.create(owner, list.id, {
        teamId: team.id,
        technicalPlan: '采用第二代高温超导带材，分三阶段完成电缆样机研制与挂网试验。',
        requestedFiscalFen: 100_000_000,
        indicatorCommitments: (list.indicators ?? []).map((x) => ({
          indicatorId: x.id,
          committedValue: `优于${x.name}`,
        })),
        milestones: [
          { title: '完成材料制备', deliverables: '带材样品与检测报告', dueMonth: 6, sharePercent: 40 },
          { title: '完成样机与挂网', deliverables: '电缆样机与试验报告', dueMonth: 24, sharePercent: 60 },
        ],
      });
      await applications.pledge({ ...owner, userId: leader.id }, bid.id, bid.version);
      return bid.id;
    };
    const ours = await challenge('基于高温超导材料的低损耗电缆关键技术（本系统）');
    const raw = await challenge('基于高温超导材料的低损耗电缆关键技术（原生 pg）');
    const prepared = performance.now();
    const oursIds = await cloneApplications(
      client,
      await template(ours, 'ours'),
      WARM_UP + SUBMISSIONS,
      `${suffix}.o`,
    );
    const rawIds = await cloneApplications(
      client,
      await template(raw, 'raw'),
      WARM_UP + SUBMISSIONS,
      `${suffix}.r`,
    );
    await client.query('ANALYZE');
    console.log(
      `\n## Submissions: ${SUBMISSIONS} in the last ${WINDOW_MS / 1000} s before closesAt ` +
        `(${CONCURRENCY || 'all'} clients, pool ${POOL_SIZE}; prepared in ${((performance.now() - prepared) / 1000).toFixed(1)} s)`,
    );

    // The statements of one submission through the app, and the raw baseline's, compared text for text.
    const token = applicant.tokens.accessToken;
    const oursStatements = await statementsOf(
      local,
      'POST',
      `/api/v1/applications/${oursIds[0]}/submit`,
      token,
    );
    const rawStatements: string[] = [];
    const first = await rawSubmitter(rawPool, owner, rawStatements)(rawIds[0]);
    if (first.status !== 200) throw new Error(`raw submit: ${first.status} ${first.code}`);
    const sameSql =
      oursStatements.length === rawStatements.length &&
      oursStatements.every((s, i) => s === rawStatements[i]);
    if (!sameSql) {
      console.log('ours:\n' + oursStatements.join('\n--\n') + '\nraw:\n' + rawStatements.join('\n--\n'));
    }
    console.log(
      `one submission: ${oursStatements.length} SQL statements (raw: ${rawStatements.length}, same text: ${sameSql})`,
    );

    await app.close();
    app = undefined;

    // Our API as production runs it: a child process from dist.
    const port = await freePort();
    child = startApi(
      {
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
      },
      join(tmpdir(), `jiebang-bench-api-${suffix}.log`),
    );
    const base = `http://127.0.0.1:${port}`;
    await waitFor200(`${base}/health/live`, child, 90_000);
    // node:http with a keep-alive agent of CONCURRENCY sockets: a lighter client than fetch.
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY || SUBMISSIONS });
    const submitOurs = (id: string) =>
      new Promise<{ status: number; code?: string }>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: `/api/v1/applications/${id}/submit`,
            headers: { Authorization: `Bearer ${token}` },
            agent,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              const status = res.statusCode ?? 0;
              if (status === 200) return resolve({ status });
              const body = JSON.parse(Buffer.concat(chunks).toString() || 'null') as { code?: string } | null;
              resolve({ status, code: body?.code });
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end();
      });
    const submitRaw = rawSubmitter(rawPool, owner, null);
    for (const id of oursIds.slice(1, WARM_UP)) await submitOurs(id);
    for (const id of rawIds.slice(1, WARM_UP)) await submitRaw(id);

    const closeSoon = async (challengeId: string) =>
      (
        await client.query<{ closes_at: Date }>(
          `UPDATE challenges SET closes_at = now() + $2 * interval '1 millisecond' WHERE id = $1 RETURNING closes_at`,
          [challengeId, WINDOW_MS],
        )
      ).rows[0].closes_at;
    const oursBurstIds = oursIds.slice(WARM_UP);
    const rawBurstIds = rawIds.slice(WARM_UP);
    const oursBurst = await burst(
      'ours: HTTP to node dist/src/main.js',
      oursBurstIds,
      await closeSoon(ours.id),
      submitOurs,
      child.child.pid,
    );
    const rawBurst = await burst('raw pg, same statements', rawBurstIds, await closeSoon(raw.id), submitRaw);
    const oursCheck = await verify(client, oursBurstIds, oursBurst);
    const rawCheck = await verify(client, rawBurstIds, rawBurst);
    console.log(`(${loadAverage()})`);
    console.table([summary(oursBurst), summary(rawBurst)]);
    console.log(`ours: ${oursCheck.text}\nraw:  ${rawCheck.text}`);
    agent.destroy();
    await stopDist(child);
    child = undefined;

    const ratio = throughput(oursBurst) / throughput(rawBurst);
    const p99 = (b: Burst) =>
      percentile(
        [...b.latencies].sort((x, y) => x - y),
        99,
      ).toFixed(0);
    recordGoal({
      goal: `${SUBMISSIONS} submissions in the last ${WINDOW_MS / 1000} s: throughput`,
      ours: `${throughput(oursBurst).toFixed(0)}/s (p99 ${p99(oursBurst)} ms)`,
      baseline: `${throughput(rawBurst).toFixed(0)}/s raw pg (p99 ${p99(rawBurst)} ms)`,
      ratio,
      target: '≥ 0.5',
      met: ratio >= 0.5 && sameSql,
      note:
        `${CONCURRENCY || 'all'} clients, pool ${POOL_SIZE}, ${oursStatements.length} statements each` +
        (sameSql ? '' : '; the raw SQL differs from ours: not like for like'),
    });
    recordGoal({
      goal: `${SUBMISSIONS} submissions in the last ${WINDOW_MS / 1000} s: none lost, none late`,
      ours: oursCheck.ok ? 'none lost or late' : oursCheck.text,
      baseline: rawCheck.ok ? 'raw: none lost or late' : `raw: ${rawCheck.text}`,
      ratio: null,
      target: 'all 200, all before closesAt',
      met: oursCheck.ok,
    });

    // A page of 100 applications, counted through the app in this process (docs/adr/0049).
    app = await NestFactory.create(ApiModule.forRoot(config), createHttpAdapter(), {
      bodyParser: false,
      logger: false,
    });
    configureApp(app, config);
    await app.listen(0, '127.0.0.1');
    const again = await app.getUrl();
    const pages = [
      ['issuer', `/api/v1/challenges/${ours.id}/applications?limit=100`, issuer.tokens.accessToken],
      ['admin', `/api/v1/challenges/${ours.id}/applications?limit=100`, adminToken],
      ['applicant', '/api/v1/applications/mine?limit=100', token],
    ] as const;
    const counts: string[] = [];
    let most = 0;
    for (const [who, path, bearer] of pages) {
      const statements = await statementsOf(again, 'GET', path, bearer);
      most = Math.max(most, statements.length);
      counts.push(`${who} ${path.split('?')[0].replace(ours.id, '{id}')}: ${statements.length}`);
    }
    console.log(`a page of 100 applications: ${counts.join('; ')}`);
    recordGoal({
      goal: 'a page of 100 bids: SQL statements',
      ours: `${most} at most`,
      baseline: '—',
      ratio: null,
      target: '≤ 3',
      met: most <= 3,
      note: counts.join('; '),
    });
  } finally {
    await stopDist(child);
    await app?.close();
    await rawPool.end();
    await client.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    await deleteRedisPrefix(REDIS_URL, redisPrefix);
    await rm(storageDir, { recursive: true, force: true });
    await rm(apiLog, { force: true });
  }
}
