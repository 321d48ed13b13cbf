import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * DATA_DIR/demo-accounts.txt: the demo accounts with their password, written by the demo seed
 * (mode 0600) so the password does not scroll away with the boot logs; `npm run demo:accounts`
 * prints it again (scripts/demo-accounts.mjs, which needs no build).
 *
 * A list of records, one per account, separated by a blank line; each line `key: value`. Keys so
 * far: role, email, organization, note, password; an administrator enrolled in TOTP by the seed gets
 * a `totp secret` line (recordDemoTotpSecret). Readers keep keys they do not know.
 */
export const DEMO_ACCOUNTS_FILE_NAME = 'demo-accounts.txt';

export type DemoAccountRecord = Record<string, string>;

const HEADER = [
  '# jiebang demo accounts, written by the demo seed (npm start on an empty database, npm run seed:demo).',
  '# Show again: npm run demo:accounts. Private (mode 0600): whoever reads this file can sign in.',
  '# One record per account, separated by a blank line; lines are "key: value".',
];

/** Shown instead of a password for an account the seed found and did not create. */
export const PASSWORD_NOT_SET = '(unchanged: an existing account, not created by the demo seed)';

export function demoAccountsFile(dataDir: string): string {
  return join(dataDir, DEMO_ACCOUNTS_FILE_NAME);
}

export function parseDemoAccounts(text: string): DemoAccountRecord[] {
  const records: DemoAccountRecord[] = [];
  let current: DemoAccountRecord | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#')) continue;
    if (!line) {
      current = undefined;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (!current) records.push((current = {}));
    current[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return records.filter((r) => r.email);
}

export function formatDemoAccounts(records: DemoAccountRecord[]): string {
  const first = ['role', 'email', 'organization', 'note', 'password'];
  const blocks = records.map((record) => {
    const keys = [
      ...first.filter((k) => k in record),
      ...Object.keys(record).filter((k) => !first.includes(k)),
    ];
    return keys.map((k) => `${k}: ${record[k]}`).join('\n');
  });
  return `${HEADER.join('\n')}\n\n${blocks.join('\n\n')}\n`;
}

export function readDemoAccounts(file: string): DemoAccountRecord[] {
  return existsSync(file) ? parseDemoAccounts(readFileSync(file, 'utf8')) : [];
}

function save(file: string, records: DemoAccountRecord[]): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, formatDemoAccounts(records), { mode: 0o600 });
  // writeFileSync's mode applies only to a new file.
  chmodSync(file, 0o600);
}

export interface SeededAccount {
  role: string;
  email: string;
  organization: string;
  note?: string;
  /** Whether this run created the account (and so set `password`). */
  created: boolean;
}

export interface WriteDemoAccountsOptions {
  /**
   * Whether an earlier run used the same password (SEED_DEMO_PASSWORD, or the launcher's kept
   * one): a demo account it finds existing then has this password too.
   */
  samePasswordBefore: boolean;
  /** Whether an account is one of the demo's own (not an administrator the seed found). */
  isDemoAccount: (account: SeededAccount) => boolean;
}

/**
 * Merges this run's accounts into the file: a created account gets its password, and so does an
 * existing demo account when the password is the one an earlier run used; any other keeps the
 * record (and password) the file already has, or is listed with PASSWORD_NOT_SET.
 */
export function writeDemoAccounts(
  file: string,
  accounts: SeededAccount[],
  password: string,
  options: WriteDemoAccountsOptions = { samePasswordBefore: false, isDemoAccount: () => true },
): void {
  const known = new Map(readDemoAccounts(file).map((r) => [r.email, r]));
  for (const account of accounts) {
    const previous = known.get(account.email);
    const same = account.created || (options.samePasswordBefore && options.isDemoAccount(account));
    const record: DemoAccountRecord = {
      ...previous,
      role: account.role,
      email: account.email,
      organization: account.organization,
      ...(account.note ? { note: account.note } : {}),
      password: same ? password : (previous?.password ?? PASSWORD_NOT_SET),
    };
    known.set(account.email, record);
  }
  save(file, [...known.values()]);
}

/**
 * Adds (or replaces) the `totp secret` line of one account's record: for the seed, once it enrols
 * the demo administrators in TOTP, so that whoever runs the demo can add them to an authenticator.
 */
export function recordDemoTotpSecret(file: string, email: string, secret: string): void {
  const records = readDemoAccounts(file);
  const record = records.find((r) => r.email === email);
  if (!record) throw new Error(`${file} has no demo account ${email}`);
  record['totp secret'] = secret;
  save(file, records);
}
