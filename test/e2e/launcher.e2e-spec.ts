import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { DEMO_ADMIN_EMAIL } from '../../src/seed/demo-data';
import { parseDemoAccounts } from '../../src/seed/demo-accounts-file';
import { DistProcess, freePort, startDist, stopDist, waitFor200 } from '../support/dist-process';
import { scrape, scrapeMetrics } from '../support/prometheus';

/** Pids of processes whose command line mentions `text` (the embedded postgres runs with `-D <dir>`). */
function pidsMatching(text: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', text], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** Whether a server may listen on `port` (all interfaces, as the metrics servers do) now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/** A free port whose successor is free too (the launcher gives the worker METRICS_PORT + 1), not `avoid`. */
async function freePortPair(avoid: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await freePort();
    if (port >= 65_535 || port === avoid || port + 1 === avoid) continue;
    if ((await canListen(port)) && (await canListen(port + 1))) return port;
  }
  throw new Error('No two free ports in a row');
}

const redisAvailable = (() => {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/**
 * `npm start` with nothing configured: no DATABASE_URL, no REDIS_URL, no JWT secret. The launcher
 * must run embedded PostgreSQL and a private Redis, migrate, serve, and clean up on SIGTERM.
 */
(redisAvailable ? describe : describe.skip)('launcher (zero-configuration start)', () => {
  let dataDir: string;
  let launcher: DistProcess | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'jiebang-launcher-'));
    // PostgreSQL runs as the `postgres` user when the tests run as root: it must reach the directory.
    chmodSync(dataDir, 0o711);
  });

  afterAll(async () => {
    await stopDist(launcher);
    for (const pid of pidsMatching(join(dataDir, 'postgres'))) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts API + worker on embedded PostgreSQL, answers /health/ready, and stops everything on SIGTERM', async () => {
    const port = await freePort();
    launcher = startDist('launcher', { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' });
    await waitFor200(`http://127.0.0.1:${port}/health/ready`, launcher, 90_000);

    const postgresPids = pidsMatching(join(dataDir, 'postgres'));
    expect(postgresPids.length).toBeGreaterThan(0);
    expect(launcher.output()).toContain('/health/ready');
    expect(launcher.output()).toContain('[launcher] Demo data loaded');

    const secrets = join(dataDir, 'secrets.json');
    expect(existsSync(secrets)).toBe(true);
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(secrets, 'utf8')) as {
      jwtAccessSecret: string;
      demoPassword: string;
    };
    expect(stored).toHaveProperty('jwtAccessSecret');

    // The demo accounts and their password: in DATA_DIR/demo-accounts.txt (0600), not in the logs.
    const accountsFile = join(dataDir, 'demo-accounts.txt');
    expect(statSync(accountsFile).mode & 0o777).toBe(0o600);
    const accounts = parseDemoAccounts(readFileSync(accountsFile, 'utf8'));
    expect(accounts.map((a) => a.role)).toEqual(expect.arrayContaining(['admin', 'issuer', 'applicant']));
    expect(accounts.find((a) => a.role === 'admin')?.email).toBe(DEMO_ADMIN_EMAIL);
    expect(accounts.length).toBeGreaterThanOrEqual(10);
    for (const account of accounts) expect(account.password).toBe(stored.demoPassword);
    expect(launcher.output()).toContain(`Demo accounts and their password: ${accountsFile}`);
    expect(launcher.output()).not.toContain(stored.demoPassword);
    const signIn = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // An issuer: administrators may have to enrol a second factor first.
      body: JSON.stringify({
        email: accounts.find((a) => a.role === 'issuer')?.email,
        password: stored.demoPassword,
      }),
    });
    expect(signIn.status).toBe(200);
    // `npm run demo:accounts` prints them again (no build, no database).
    const shown = execFileSync('npm', ['run', '--silent', 'demo:accounts'], {
      cwd: join(__dirname, '..', '..'),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir },
      encoding: 'utf8',
    });
    expect(shown.startsWith(readFileSync(accountsFile, 'utf8'))).toBe(true);

    // The demo admin signs in with its password and the current code of its TOTP secret, both in
    // the file; demo:accounts prints that code as well (ADR 0044).
    const admin = accounts.find((a) => a.role === 'admin');
    const totpSecret = admin?.['totp secret'] ?? '';
    expect(totpSecret).toMatch(/^[A-Z2-7]{16,}$/);
    const totpCode = new TOTP({ secret: Secret.fromBase32(totpSecret) }).generate();
    expect(shown).toMatch(new RegExp(`Current TOTP code of ${DEMO_ADMIN_EMAIL}: \\d{6} `));
    const first = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO_ADMIN_EMAIL, password: stored.demoPassword }),
    });
    const challenge = (await first.json()) as { mfaRequired?: boolean; mfaToken?: string };
    expect({ status: first.status, mfaRequired: challenge.mfaRequired }).toEqual({
      status: 200,
      mfaRequired: true,
    });
    const second = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login/mfa`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mfaToken: challenge.mfaToken, code: totpCode }),
    });
    expect(second.status).toBe(200);
    expect(await second.json()).toHaveProperty('accessToken');

    launcher.child.kill('SIGTERM');
    const timer = setTimeout(() => launcher?.child.kill('SIGKILL'), 30_000);
    const { code } = await launcher.exited;
    clearTimeout(timer);
    expect({ code, output: code === 0 ? '' : launcher.output() }).toEqual({ code: 0, output: '' });
    expect(pidsMatching(join(dataDir, 'postgres'))).toEqual([]);
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
  }, 150_000);

  it('serves the demo challenges loaded on the first start, and does not load them again on a restart', async () => {
    const port = await freePort();
    launcher = startDist('launcher', { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' });
    await waitFor200(`http://127.0.0.1:${port}/health/ready`, launcher, 90_000);

    const response = await fetch(`http://127.0.0.1:${port}/api/v1/challenges?limit=50`);
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as {
      items: Array<{ code: string; title: string; status: string }>;
    };
    // The program's ten published challenges and the earlier year's awarded one (the transfer loop's result).
    expect(items).toHaveLength(11);
    expect(items.filter((i) => i.status === 'awarded')).toHaveLength(1);
    for (const item of items) expect(item.code).toMatch(/^JB-\d{4}-\d{4}$/);
    expect(items.map((i) => i.title)).toContain('离子型稀土矿绿色高效浸取与氨氮近零排放关键技术');
    expect(launcher.output()).not.toContain('[seed]');
    // The demo admin exists: the banner points at the accounts file, it does not say "No admin configured".
    expect(launcher.output()).not.toContain('No admin configured');
    expect(launcher.output()).toContain(
      `Demo accounts and their password: ${join(dataDir, 'demo-accounts.txt')}`,
    );

    // A second `npm start` on the same DATA_DIR while this one runs: one line, exit 1, nothing stopped.
    const second = startDist('launcher', {
      DATA_DIR: dataDir,
      PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    });
    const { code: secondCode } = await second.exited;
    expect({ code: secondCode, output: second.output().trim() }).toEqual({
      code: 1,
      output: `[launcher] DATA_DIR: ${dataDir} is in use by another npm start (pid ${launcher.child.pid}): stop that one first (Ctrl-C in its terminal), or run a second instance with its own DATA_DIR and PORT`,
    });
    expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);

    await stopDist(launcher, 30_000);
    expect(launcher.child.exitCode).toBe(0);
  }, 150_000);

  it("gives the worker METRICS_PORT + 1: the API's metrics on METRICS_PORT, the worker's probes and metrics on the next", async () => {
    const port = await freePort();
    const metricsPort = await freePortPair(port);
    launcher = startDist('launcher', {
      DATA_DIR: dataDir,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      LOG_LEVEL: 'warn',
    });
    await waitFor200(`http://127.0.0.1:${port}/health/ready`, launcher, 90_000);
    // The worker starts beside the API: its liveness answers on the port after the API's.
    await waitFor200(`http://127.0.0.1:${metricsPort + 1}/health/live`, launcher, 60_000);
    expect(await scrape(metricsPort + 1, '/health/live')).toMatchObject({
      status: 200,
      body: '{"status":"ok"}',
    });

    // Each port serves its own process: the queue counts are the worker's alone.
    const api = await scrapeMetrics(metricsPort);
    expect(api.families.has('http_request_duration_seconds')).toBe(true);
    expect(api.families.has('jiebang_queue_jobs')).toBe(false);
    const worker = await scrapeMetrics(metricsPort + 1);
    expect(worker.families.has('jiebang_queue_jobs')).toBe(true);
    // The API serves no worker probe on its metrics port.
    expect((await scrape(metricsPort, '/health/live')).status).toBe(404);

    await stopDist(launcher, 30_000);
    expect(launcher.child.exitCode).toBe(0);
  }, 150_000);
});
