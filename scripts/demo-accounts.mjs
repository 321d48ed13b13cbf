#!/usr/bin/env node
// `npm run demo:accounts`: prints DATA_DIR/demo-accounts.txt, which the demo seed writes (mode 0600)
// with every demo account, its role and its password (src/seed/demo-accounts-file.ts), and for each
// account with a `totp secret` line the current sign-in code (administrators sign in with one,
// ADR 0044). Reads the file only: no build, no database.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Secret, TOTP } from 'otpauth';

const dataDir = resolve(process.env.DATA_DIR || '.data');
const file = join(dataDir, 'demo-accounts.txt');
if (!existsSync(file)) {
  console.error(
    `No demo accounts in ${file}: the demo seed writes them when npm start finds an empty database ` +
      `(SEED_DEMO=true) or when npm run seed:demo runs; set DATA_DIR if the data lives elsewhere.`,
  );
  process.exit(1);
}
const text = readFileSync(file, 'utf8');
process.stdout.write(text);

const now = Date.now();
for (const record of text.split(/\n\s*\n/)) {
  const email = /^email:\s*(.+)$/m.exec(record)?.[1]?.trim();
  const secret = /^totp secret:\s*(.+)$/m.exec(record)?.[1]?.trim();
  if (!email || !secret) continue;
  const totp = new TOTP({ secret: Secret.fromBase32(secret) });
  const left = 30 - (Math.floor(now / 1000) % 30);
  console.log(`\nCurrent TOTP code of ${email}: ${totp.generate({ timestamp: now })} (for ${left} s more)`);
}
