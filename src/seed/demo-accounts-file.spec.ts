import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  demoAccountsFile,
  PASSWORD_NOT_SET,
  parseDemoAccounts,
  readDemoAccounts,
  recordDemoTotpSecret,
  writeDemoAccounts,
} from './demo-accounts-file';

describe('DATA_DIR/demo-accounts.txt', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'demo-accounts-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const admin = { role: 'admin', email: 'admin@demo.test', organization: '平台运营方', created: true };
  const issuer = { role: 'issuer', email: 'issuer@demo.test', organization: '江西铜业', created: true };

  it('lists role, email and password of each account, mode 0600', () => {
    const file = demoAccountsFile(dir);
    writeFileSync(file, 'left open\n', { mode: 0o644 });
    writeDemoAccounts(file, [admin, issuer], 'pw-123456789012');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readDemoAccounts(file)).toEqual([
      { role: 'admin', email: 'admin@demo.test', organization: '平台运营方', password: 'pw-123456789012' },
      { role: 'issuer', email: 'issuer@demo.test', organization: '江西铜业', password: 'pw-123456789012' },
    ]);
    expect(readFileSync(file, 'utf8')).toContain('role: admin\nemail: admin@demo.test\n');
  });

  it('keeps the password it has for an account a later run finds existing, and says when it has none', () => {
    const file = demoAccountsFile(dir);
    writeDemoAccounts(file, [admin], 'first-password-1');
    writeDemoAccounts(
      file,
      [
        { ...admin, created: false },
        { ...issuer, created: false },
      ],
      'second-password',
    );
    expect(readDemoAccounts(file).map((r) => r.password)).toEqual(['first-password-1', PASSWORD_NOT_SET]);
  });

  it('gives found demo accounts the password when an earlier run used the same one, never a foreign admin', () => {
    const file = demoAccountsFile(dir);
    const foreign = { role: 'admin', email: 'ops@example.test', organization: '平台运营方', created: false };
    writeDemoAccounts(file, [foreign, { ...issuer, created: false }], 'kept-password-1', {
      samePasswordBefore: true,
      isDemoAccount: (a) => a.role !== 'admin',
    });
    expect(readDemoAccounts(file).map((r) => r.password)).toEqual([PASSWORD_NOT_SET, 'kept-password-1']);
  });

  it("adds an administrator's TOTP secret to its record, keeping the others and their keys", () => {
    const file = demoAccountsFile(dir);
    writeDemoAccounts(file, [admin, issuer], 'pw-123456789012');
    recordDemoTotpSecret(file, 'admin@demo.test', 'JBSWY3DPEHPK3PXP');
    const records = parseDemoAccounts(readFileSync(file, 'utf8'));
    expect(records[0]['totp secret']).toBe('JBSWY3DPEHPK3PXP');
    expect(records[1]).not.toHaveProperty('totp secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(() => recordDemoTotpSecret(file, 'nobody@demo.test', 'X')).toThrow('no demo account');
  });
});
