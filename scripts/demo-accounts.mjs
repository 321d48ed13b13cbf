#!/usr/bin/env node
// `npm run demo:accounts`: prints DATA_DIR/demo-accounts.txt, which the demo seed writes (mode 0600)
// with every demo account, its role and its password (src/seed/demo-accounts-file.ts). Reads the
// file only: no build, no database.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dataDir = resolve(process.env.DATA_DIR || '.data');
const file = join(dataDir, 'demo-accounts.txt');
if (!existsSync(file)) {
  console.error(
    `No demo accounts in ${file}: the demo seed writes them when npm start finds an empty database ` +
      `(SEED_DEMO=true) or when npm run seed:demo runs; set DATA_DIR if the data lives elsewhere.`,
  );
  process.exit(1);
}
process.stdout.write(readFileSync(file, 'utf8'));
