import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/infra/database/data-source.options';
import { migrateWithLock } from '../../src/infra/database/migrate';
import { freePort } from '../../src/infra/embedded/free-port';
import { challengeListStatement } from '../../src/modules/call/challenges/challenge-reads.repository';
import { ListChallengesQueryDto } from '../../src/modules/call/challenges/dto/list-challenges.query';
import { loadAverage, recordGoal } from './goals';
import { deleteRedisPrefix, freshBenchDatabase } from './resources';
import { CHALLENGES, seedChallenges } from './seed-challenges';

/**
 * `npm run bench -- --only=http` (issue 17, ADR 0051): our API (dist/src/main.js, production settings)
 * against a raw baseline (raw-server.ts: bare Fastify + pg, byte-identical SQL, identical JSON), both
 * child processes on a database of their own with BENCH_CHALLENGES lists. Before any timing the two
 * answers of every case are compared byte for byte (a difference is a broken run). Then autocannon,
 * 64 connections, runs interleaved (ours, raw, ours, raw…): the ratio of the medians of req/s, CPU
 * per request from /proc/<pid>/stat, and the RSS of both sampled during the list load.
 */
const ROOT = join(__dirname, '..', '..', '..');
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 64);
const POOL_MAX = 10;
const DB = 'jiebang_bench_http';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;
/**
 * BENCH_CPU_PROF_DIR: both servers write a V8 CPU profile there when they stop (`<dir>/api`,
 * `<dir>/raw`), the profiles ADR 0057 reads; BENCH_HTTP_CASES: the cases to run
 * (`list,detail,304,live`; all when unset).
 */
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF_DIR;
const profiled = (name: string): string[] =>
  CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${join(CPU_PROF_DIR, name)}`] : [];
const CASES = (process.env.BENCH_HTTP_CASES ?? '').split(',').filter(Boolean);

/** The multi-word search mix: 2-character terms beside longer ones, common and rare. */
export const MULTI_WORD_SEARCHES = [
  '超导 电缆',
  '芯片 设计',
  '芯片 制备 工艺',
  '石墨烯 制备',
  '高温 合金',
  '储能 系统',
  '稀土永磁 电机',
  '传感器 检测 平台',
  '量子点 显示面板',
  '涡轮叶片 涂层',
];

/** The list and search mix of the load: every request of a connection in turn. */
const LIST_MIX: Array<Record<string, string>> = [
  { limit: '20' },
  { q: '超导', limit: '20' },
  { q: '高温超导', limit: '20' },
  { q: '芯片 设计', limit: '20' },
  { q: '石墨烯 制备', limit: '20' },
  { status: 'open', sort: 'closesAt', limit: '20' },
  { category: 'key_technology', limit: '20' },
  { sort: '-totalFen', limit: '20' },
];

// autocannon ships no types: the part of its API the bench uses.
interface AutocannonRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
}
interface AutocannonResult {
  requests: { total: number };
  duration: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { p50: number; p99: number };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  requests?: AutocannonRequest[];
}) => Promise<AutocannonResult>;

interface Server {
  name: string;
  base: string;
  child: ChildProcess;
  log: string;
}

interface Run {
  rps: number;
  cpuMsPerRequest: number;
  p99: number;
}

function pathOf(query: Record<string, string>): string {
  return `/api/v1/challenges?${new URLSearchParams(query).toString()}`;
}

/** utime + stime of a process, in ms. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function start(name: string, script: string, env: Record<string, string>): Server & { ready: Promise<void> } {
  const log = join(tmpdir(), `jiebang-bench-${name}-${randomBytes(3).toString('hex')}.log`);
  const fd = openSync(log, 'w');
  const child = spawn(process.execPath, [...profiled(name), script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TZ: 'UTC', ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const base = `http://127.0.0.1:${env.PORT}`;
  const ready = (async () => {
    const deadline = Date.now() + 90_000;
    const probe = name === 'raw' ? '/hello' : '/health/live';
    while (Date.now() < deadline) {
      if (child.exitCode !== null)
        throw new Error(`${name} exited: ${readFileSync(log, 'utf8').slice(-3000)}`);
      try {
        if ((await fetch(`${base}${probe}`)).status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${name} did not answer within 90 s: ${readFileSync(log, 'utf8').slice(-3000)}`);
  })();
  return { name, base, child, log, ready };
}

async function stop(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** One autocannon run against `server`, with its CPU time per request; a wrong status is a broken run. */
async function load(
  server: Server,
  requests: AutocannonRequest[],
  status: number,
  seconds = SECONDS,
): Promise<Run> {
  const pid = server.child.pid as number;
  const cpuBefore = cpuMs(pid);
  const result = await autocannon({
    url: server.base,
    connections: CONNECTIONS,
    duration: seconds,
    requests,
  });
  const cpu = cpuMs(pid) - cpuBefore;
  const total = result.requests.total;
  const wrong = Object.entries(result.statusCodeStats).filter(([code]) => Number(code) !== status);
  if (result.errors || result.timeouts || wrong.length || !total) {
    throw new Error(
      `${server.name} ${requests[0].path}: ${result.errors} errors, ${result.timeouts} timeouts, ` +
        `statuses ${JSON.stringify(result.statusCodeStats)} (expected only ${status})`,
    );
  }
  return { rps: total / result.duration, cpuMsPerRequest: cpu / total, p99: result.latency.p99 };
}

/** The same answers from both: bodies byte for byte, for every request of a case. */
async function assertSameBodies(ours: Server, raw: Server, paths: string[]): Promise<void> {
  for (const path of paths) {
    const [a, b] = await Promise.all([fetch(`${ours.base}${path}`), fetch(`${raw.base}${path}`)]);
    const [x, y] = await Promise.all([a.text(), b.text()]);
    if (a.status !== 200 || b.status !== 200 || x !== y) {
      throw new Error(
        `broken run: ${path} answers differently (ours ${a.status}, raw ${b.status}):\n${x.slice(0, 600)}\n---\n${y.slice(0, 600)}`,
      );
    }
  }
}

/**
 * EXPLAIN ANALYZE of the multi-word search mix as GET /challenges sends it: the slowest query's
 * median of three (execution + planning), against the same statements with the bigrams recomputed
 * per row (the predicate before ADR 0052), whose rows must be the same.
 */
export async function multiWordSearchMix(
  dataSource: DataSource,
  now: Date,
): Promise<{ slowest: number; slowestQuery: string; before: number; beforeQuery: string }> {
  const timing = async (text: string, values: unknown[]): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [{ 'QUERY PLAN': plan }] = await dataSource.query<
        Array<{ 'QUERY PLAN': Array<Record<string, number>> }>
      >(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values);
      times.push(plan[0]['Execution Time'] + plan[0]['Planning Time']);
    }
    return median(times);
  };
  let slowest = 0;
  let slowestQuery = '';
  let before = 0;
  let beforeQuery = '';
  for (const q of MULTI_WORD_SEARCHES) {
    const dto = Object.assign(new ListChallengesQueryDto(), { q, limit: 20 });
    const statement = challengeListStatement(dto, { scope: 'public' }, now);
    const recomputed = statement.text.replaceAll('c.search_bigrams @>', 'jb_bigrams(c.search_text) @>');
    const ids = async (text: string) =>
      (await dataSource.query<Array<{ id: string }>>(text, statement.values)).map((r) => r.id).join();
    if ((await ids(statement.text)) !== (await ids(recomputed))) {
      throw new Error(`broken run: q=${q} finds other rows with stored bigrams`);
    }
    const ms = await timing(statement.text, statement.values);
    const old = await timing(recomputed, statement.values);
    if (ms > slowest) [slowest, slowestQuery] = [ms, q];
    if (old > before) [before, beforeQuery] = [old, q];
  }
  return { slowest, slowestQuery, before, beforeQuery };
}

/** The HTTP bench: seeds, starts both servers, checks the answers, loads, records the goals. */
export async function httpCases(adminUrl: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const databaseUrl = await freshBenchDatabase(admin, adminUrl, DB);
  const suffix = randomBytes(4).toString('hex');
  const redisPrefix = `bench_http_${suffix}`;
  const storageDir = join(tmpdir(), `jiebang-bench-http-files-${suffix}`);
  const servers: Server[] = [];
  const dataSource = await new DataSource(
    dataSourceOptions({
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_MAX: 2,
      DATABASE_STATEMENT_TIMEOUT_MS: 600_000,
    }),
  ).initialize();
  try {
    await migrateWithLock(dataSource);
    const now = new Date();
    console.log(`\n## HTTP: our API against raw Fastify + pg (${CHALLENGES} lists; ${loadAverage()})`);
    await seedChallenges(dataSource, CHALLENGES, now);
    // Detail targets: 200 published lists, each with three indicators.
    const targets = (
      await dataSource.query<Array<{ id: string }>>(
        `SELECT id FROM challenges WHERE published_at IS NOT NULL ORDER BY published_at DESC, id LIMIT 200`,
      )
    ).map((r) => r.id);
    await dataSource.query(
      `INSERT INTO challenge_indicators (challenge_id, position, name, target_value, unit, verification_method)
       SELECT c, g, '临界电流 ' || g, '≥ 500', 'A', '第三方检测机构出具检测报告'
       FROM unnest($1::uuid[]) AS c, generate_series(0, 2) AS g`,
      [targets],
    );
    await dataSource.query('ANALYZE');

    const mix = await multiWordSearchMix(dataSource, now);
    recordGoal({
      goal: 'multi-word search mix, slowest EXPLAIN ANALYZE',
      ours: `${mix.slowest.toFixed(1)} ms (q=${mix.slowestQuery})`,
      baseline: `${mix.before.toFixed(1)} ms with bigrams recomputed per row (q=${mix.beforeQuery})`,
      ratio: null,
      target: '≤ 20 ms',
      met: mix.slowest <= 20,
      note: `${MULTI_WORD_SEARCHES.length} searches, median of 3 each, execution + planning`,
    });

    const [oursPort, rawPort] = [await freePort(), await freePort()];
    const ours = start('api', join(ROOT, 'dist', 'src', 'main.js'), {
      NODE_ENV: 'production',
      PORT: String(oursPort),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_MAX: String(POOL_MAX),
      REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      JWT_ACCESS_SECRET: randomBytes(32).toString('hex'),
      MIGRATE_ON_START: 'false',
      RATE_LIMIT_PER_MINUTE: '100000000',
      STORAGE_DIR: storageDir,
    });
    servers.push(ours);
    const raw = start('raw', join(ROOT, 'dist', 'test', 'bench', 'raw-server.js'), {
      NODE_ENV: 'production',
      PORT: String(rawPort),
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_MAX: String(POOL_MAX),
    });
    servers.push(raw);
    await Promise.all([ours.ready, raw.ready]);

    const listPaths = LIST_MIX.map(pathOf);
    const detailPaths = targets.map((id) => `/api/v1/challenges/${id}`);
    await assertSameBodies(ours, raw, [...listPaths, ...detailPaths]);
    console.log(`answers equal byte for byte: ${listPaths.length} list cases, ${detailPaths.length} details`);
    // Our ETags for the 304 case (anonymous view), and that they do answer 304.
    const etags = await Promise.all(
      detailPaths.map(async (path) => (await fetch(`${ours.base}${path}`)).headers.get('etag') ?? ''),
    );
    const conditional = detailPaths.map((path, i) => ({ path, headers: { 'if-none-match': etags[i] } }));
    const check = await fetch(`${ours.base}${conditional[0].path}`, { headers: conditional[0].headers });
    if (check.status !== 304) throw new Error(`broken run: If-None-Match answered ${check.status}`);

    const rss = {
      ours: 0,
      raw: 0,
      oursIdle: rssMb(ours.child.pid as number),
      rawIdle: rssMb(raw.child.pid as number),
    };
    const cases: Array<{
      key: string;
      goal: string;
      target: number;
      ours: AutocannonRequest[];
      oursStatus: number;
      raw: AutocannonRequest[];
      baseline: string;
      sampleRss?: boolean;
    }> = [
      {
        key: 'list',
        goal: 'GET /challenges list and search mix',
        target: 0.9,
        ours: listPaths.map((path) => ({ path })),
        oursStatus: 200,
        raw: listPaths.map((path) => ({ path })),
        baseline: 'raw Fastify + pg',
        sampleRss: true,
      },
      {
        key: 'detail',
        goal: 'GET /challenges/{id} detail',
        target: 0.8,
        ours: detailPaths.map((path) => ({ path })),
        oursStatus: 200,
        raw: detailPaths.map((path) => ({ path })),
        baseline: 'raw Fastify + pg',
      },
      {
        key: '304',
        goal: 'detail 304 from If-None-Match vs raw 200',
        target: 2,
        ours: conditional,
        oursStatus: 304,
        raw: detailPaths.map((path) => ({ path })),
        baseline: "raw's 200",
      },
      {
        key: 'live',
        goal: '/health/live vs bare Fastify hello',
        target: 0.5,
        ours: [{ path: '/health/live' }],
        oursStatus: 200,
        raw: [{ path: '/hello' }],
        baseline: 'Fastify hello',
      },
    ];

    for (const c of cases.filter((x) => !CASES.length || CASES.includes(x.key))) {
      // Warm-up of both (JIT, pools, plans), then interleaved rounds.
      await load(ours, c.ours, c.oursStatus, Math.min(3, SECONDS));
      await load(raw, c.raw, 200, Math.min(3, SECONDS));
      const runs = { ours: [] as Run[], raw: [] as Run[] };
      for (let round = 0; round < ROUNDS; round++) {
        for (const side of ['ours', 'raw'] as const) {
          const server = side === 'ours' ? ours : raw;
          const pid = server.child.pid as number;
          const sampler = c.sampleRss
            ? setInterval(() => (rss[side] = Math.max(rss[side], rssMb(pid))), 250)
            : undefined;
          try {
            runs[side].push(
              await load(server, side === 'ours' ? c.ours : c.raw, side === 'ours' ? c.oursStatus : 200),
            );
          } finally {
            if (sampler) clearInterval(sampler);
          }
        }
      }
      const o = median(runs.ours.map((r) => r.rps));
      const r = median(runs.raw.map((x) => x.rps));
      const ratio = o / r;
      const cpu = (runs2: Run[]) => median(runs2.map((x) => x.cpuMsPerRequest)).toFixed(2);
      recordGoal({
        goal: c.goal,
        ours: `${Math.round(o).toLocaleString('en')} req/s`,
        baseline: `${Math.round(r).toLocaleString('en')} req/s ${c.baseline}`,
        ratio,
        target: `≥ ${c.target}`,
        met: ratio >= c.target,
        note:
          `CPU per request ${cpu(runs.ours)} / ${cpu(runs.raw)} ms; p99 ${median(runs.ours.map((x) => x.p99))} / ` +
          `${median(runs.raw.map((x) => x.p99))} ms; runs ${runs.ours.map((x) => Math.round(x.rps)).join(', ')} / ` +
          `${runs.raw.map((x) => Math.round(x.rps)).join(', ')}; ${loadAverage()}`,
      });
    }
    if (rss.ours)
      recordGoal({
        goal: 'API RSS under the list load',
        ours: `${rss.ours.toFixed(0)} MB (idle ${rss.oursIdle.toFixed(0)})`,
        baseline: `raw ${rss.raw.toFixed(0)} MB (idle ${rss.rawIdle.toFixed(0)})`,
        ratio: null,
        target: '≤ 200 MB',
        met: rss.ours <= 200,
      });
  } finally {
    for (const server of servers) await stop(server);
    await dataSource.destroy();
    await deleteRedisPrefix(REDIS_URL, redisPrefix);
    await rm(storageDir, { recursive: true, force: true });
    await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await admin.end();
  }
}
