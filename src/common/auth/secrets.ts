import { createHash, randomBytes } from 'node:crypto';

/** SHA-256 hex: how refresh tokens and API keys are stored (high-entropy secrets need no slow hash). */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** A random URL-safe secret of `bytes` bytes of entropy. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
