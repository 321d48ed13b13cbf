import { execFileSync, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `npm start` rebuilds only when the sources changed (scripts/build-if-changed.mjs, docs/adr/0048):
 * run for real in a copy of the project (node_modules linked), so the worktree's dist is untouched.
 */
const ROOT = join(__dirname, '..', '..');
const COPIED = [
  'src',
  'migrations',
  'test/bench',
  'test/support/processes',
  'test/support/dist-process.ts',
  'test/support/query-count.ts',
  'test/support/matching-fixture.ts',
  'scripts',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
];

describe('npm start: prestart builds only when the sources changed', () => {
  let copy: string;

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'jiebang-build-'));
    for (const path of COPIED) cpSync(join(ROOT, path), join(copy, path), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  });

  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  const prestart = (): string =>
    execFileSync('npm', ['run', 'prestart'], {
      cwd: copy,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const mtimes = (): Record<string, number> =>
    Object.fromEntries(
      [
        'dist/.build-stamp',
        'dist/src/launcher.js',
        'dist/src/main.js',
        'dist/src/infra/startup/startup-errors.js',
      ].map((file) => [file, statSync(join(copy, file)).mtimeMs]),
    );
  const check = (): number | null =>
    spawnSync(process.execPath, ['scripts/build-if-changed.mjs', '--check'], { cwd: copy }).status;

  it('builds the first time, skips the second (dist untouched), rebuilds after a source changed', () => {
    expect(check()).toBe(1);
    const first = prestart();
    expect(first).toContain('sources changed since the last build (or no build yet): nest build');
    expect(existsSync(join(copy, 'dist/src/launcher.js'))).toBe(true);
    expect(readFileSync(join(copy, 'dist/.build-stamp'), 'utf8')).toMatch(
      /^\d+ files sha256:[0-9a-f]{64}\n$/,
    );
    expect(check()).toBe(0);
    const built = mtimes();

    const second = prestart();
    expect(second).toContain('dist is up to date (sources unchanged since the last build');
    expect(second).not.toContain('nest build');
    expect(mtimes()).toEqual(built);

    appendFileSync(
      join(copy, 'src/infra/startup/startup-errors.ts'),
      "\nexport const BUILD_PROBE = 'rebuilt';\n",
    );
    expect(check()).toBe(1);
    const third = prestart();
    expect(third).toContain('sources changed since the last build');
    expect(readFileSync(join(copy, 'dist/src/infra/startup/startup-errors.js'), 'utf8')).toContain('rebuilt');
    expect(check()).toBe(0);
  }, 900_000);

  it('builds again when dist lost an entry point, whatever the stamp says', () => {
    rmSync(join(copy, 'dist/src/worker.js'));
    expect(check()).toBe(1);
  });
});
