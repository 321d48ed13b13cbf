import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export { freePort } from '../../src/infra/embedded/free-port';

const ROOT = join(__dirname, '..', '..');

/** Absolute path of a built entry point; fails clearly when `npm run build` has not run. */
export function distScript(name: 'main' | 'worker' | 'launcher'): string {
  const file = join(ROOT, 'dist', 'src', `${name}.js`);
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: run \`npm run build\` first (\`npm test\` does it for you)`);
  }
  return file;
}

export interface DistProcess {
  child: ChildProcess;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs a built entry point with exactly the given environment (plus PATH and HOME). */
export function startDist(name: 'main' | 'worker' | 'launcher', env: Record<string, string>): DistProcess {
  const child = spawn(process.execPath, [distScript(name)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TZ: 'UTC', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** Polls GET url until it answers 200; throws with the process output after `timeoutMs`. */
export async function waitFor200(url: string, process: DistProcess, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (process.child.exitCode !== null || process.child.signalCode !== null) {
      throw new Error(`Process exited before ${url} answered 200:\n${process.output()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last}):\n${process.output()}`);
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export async function stopDist(process: DistProcess | undefined, graceMs = 15_000): Promise<void> {
  if (!process || process.child.exitCode !== null || process.child.signalCode !== null) return;
  process.child.kill('SIGTERM');
  const timer = setTimeout(() => process.child.kill('SIGKILL'), graceMs);
  await process.exited;
  clearTimeout(timer);
}
