import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectConfig } from '../../../../infra/config/config';
import type { AppConfig } from '../../../../infra/config/config';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';

/**
 * TOTP secrets at rest (ADR 0044): AES-256-GCM under a key derived by HKDF-SHA256 from
 * MFA_SECRET_KEY (or, when unset, JWT_ACCESS_SECRET with another label, so the two keys differ).
 * The user id is the additional authenticated data: a ciphertext copied to another user's row
 * does not decrypt. Stored as `v1.<iv>.<ciphertext>.<tag>`, each base64url.
 */
@Injectable()
export class TotpSecretCipher {
  private readonly key: Buffer;

  constructor(@InjectConfig() config: Pick<AppConfig, 'MFA_SECRET_KEY' | 'JWT_ACCESS_SECRET'>) {
    const material = config.MFA_SECRET_KEY ?? config.JWT_ACCESS_SECRET;
    const info = config.MFA_SECRET_KEY ? 'jiebang totp secret v1' : 'jiebang totp secret v1 from jwt secret';
    this.key = Buffer.from(hkdfSync('sha256', material, 'jiebang-mfa', info, 32));
  }

  encrypt(secret: string, userId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv(ALGORITHM, this.key, iv);
    cipher.setAAD(Buffer.from(userId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [VERSION, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** The secret; throws when the stored value was made with another key or was altered. */
  decrypt(stored: string, userId: string): string {
    const [version, iv, ciphertext, tag] = stored.split('.');
    if (version !== VERSION || !iv || !ciphertext || !tag) throw new Error('Unknown TOTP secret format');
    const decipher = createDecipheriv(ALGORITHM, this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(userId, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }
}
