import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * A secret sealed for a trip through the database (ADR 0045): the one-time token of a reset or
 * invitation link travels from the platform to the mail module in an outbox event, which anyone
 * reading the table could otherwise use. AES-256-GCM with a key derived (HKDF-SHA-256) from the
 * application's secret, so a reader of the database alone cannot open it; tampering is detected.
 */

const PURPOSE = 'jiebang/one-time-link-tokens/v1';
const VERSION = 'v1';

function keyOf(appSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', appSecret, Buffer.alloc(0), PURPOSE, 32));
}

export function sealSecret(appSecret: string, value: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(appSecret), iv);
  const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return [VERSION, iv, body, cipher.getAuthTag()]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

/** The sealed value; throws when it was not sealed with this secret or was changed. */
export function openSecret(appSecret: string, sealed: string): string {
  const [version, iv, body, tag] = sealed.split('.');
  if (version !== VERSION || !iv || !body || !tag) throw new Error('Not a sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', keyOf(appSecret), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
