import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Secrets the zero-config start invents once and keeps, so a restart keeps sessions and data. */
export interface LocalSecrets {
  jwtAccessSecret: string;
  postgresPassword: string;
  /**
   * Password of the demo accounts (the seed's SEED_DEMO_PASSWORD unless that is set): kept, so a
   * demo seed interrupted and completed on the next start gives every account the same password.
   */
  demoPassword: string;
}

/** Reads DATA_DIR/secrets.json, adding what is missing; the file is written with mode 600. */
export function loadOrCreateSecrets(dataDir: string): LocalSecrets {
  const file = join(dataDir, 'secrets.json');
  const stored: Partial<LocalSecrets> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>)
    : {};
  const secrets: LocalSecrets = {
    jwtAccessSecret: stored.jwtAccessSecret ?? randomBytes(48).toString('base64url'),
    postgresPassword: stored.postgresPassword ?? randomBytes(24).toString('base64url'),
    demoPassword: stored.demoPassword ?? randomBytes(12).toString('base64url'),
  };
  if (
    stored.jwtAccessSecret !== secrets.jwtAccessSecret ||
    stored.postgresPassword !== secrets.postgresPassword ||
    stored.demoPassword !== secrets.demoPassword
  ) {
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return secrets;
}
