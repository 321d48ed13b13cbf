#!/usr/bin/env node
// `npm start`'s prestart (docs/adr/0048): runs `nest build` only when what the build reads changed
// since the last successful build. The SHA-256 of those files' paths and contents is kept in
// dist/.build-stamp, written after a successful build (nest build empties dist first, so a failed
// or interrupted build leaves no stamp and the next start builds again).
//   node scripts/build-if-changed.mjs           build when the inputs changed (or dist is missing)
//   node scripts/build-if-changed.mjs --always  build whatever the stamp says, then write it
//   node scripts/build-if-changed.mjs --check   exit 0 when up to date, 1 when a build is due
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const root = process.cwd();
/** What tsconfig.build.json compiles (its `include`), and what configures the compilation. */
const INPUT_DIRS = ['src', 'migrations', 'test/bench', 'test/support/processes'];
const INPUT_FILES = [
  'test/support/dist-process.ts',
  'test/support/query-count.ts',
  'test/support/matching-fixture.ts',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
  'package-lock.json',
];
const STAMP = join(root, 'dist', '.build-stamp');
/** Outputs the commands that follow the build need; missing ones mean the build must run. */
const OUTPUTS = ['dist/src/launcher.js', 'dist/src/main.js', 'dist/src/worker.js'];

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return entry.isFile() && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The hash of every input's path and content, in a stable order. */
function inputsHash() {
  const files = [
    ...INPUT_DIRS.flatMap((dir) => filesUnder(join(root, dir))),
    ...INPUT_FILES.map((file) => join(root, file)).filter((file) => existsSync(file)),
  ]
    .map((file) => relative(root, file).split(sep).join('/'))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file}\0${statSync(join(root, file)).size}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
  return `${files.length} files sha256:${hash.digest('hex')}`;
}

function upToDate(hash) {
  return (
    existsSync(STAMP) &&
    readFileSync(STAMP, 'utf8').trim() === hash &&
    OUTPUTS.every((file) => existsSync(join(root, file)))
  );
}

const mode = process.argv[2] ?? '';
const started = Date.now();
const hash = inputsHash();
if (mode === '--check') process.exit(upToDate(hash) ? 0 : 1);
if (mode !== '--always' && upToDate(hash)) {
  console.log(
    `[build] dist is up to date (sources unchanged since the last build; ${Date.now() - started} ms)`,
  );
  process.exit(0);
}
if (mode !== '--always')
  console.log('[build] sources changed since the last build (or no build yet): nest build');
const nest = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'nest.cmd' : 'nest');
const result = spawnSync(nest, ['build'], {
  stdio: 'inherit',
  cwd: root,
  shell: process.platform === 'win32',
});
if (result.status !== 0) process.exit(result.status ?? 1);
// The hash of the inputs as they were when the build started: an edit made during it builds next time.
writeFileSync(STAMP, `${hash}\n`);
console.log(`[build] built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
