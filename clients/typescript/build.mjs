// Builds the package: tsc twice (ESM and CommonJS, each with its declarations) into dist/ (or the
// folder given as the first argument), then copies the generated schema.d.ts next to each build and
// marks each folder's module format with a package.json. Run by `npm run client:build` (repository
// root) and `npm pack` (prepack).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, 'dist'));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(out, { recursive: true, force: true });
for (const [format, type] of [
  ['esm', 'module'],
  ['cjs', 'commonjs'],
]) {
  const dir = join(out, format);
  mkdirSync(dir, { recursive: true });
  execFileSync(process.execPath, [tsc, '-p', join(here, `tsconfig.${format}.json`), '--outDir', dir], {
    stdio: 'inherit',
  });
  copyFileSync(join(here, 'schema.d.ts'), join(dir, 'schema.d.ts'));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ type })}\n`);
}
