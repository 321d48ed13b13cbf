import { randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/**
 * TOTP as every authenticator app reads it (RFC 6238 defaults: HMAC-SHA1, 6 digits, 30 s), through
 * the `otpauth` library (ADR 0044). Time always comes from the caller (the injected Clock), never
 * from Date.now().
 */
export const TOTP_ISSUER = 'jiebang';
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_ALGORITHM = 'SHA1';
/** Codes of one step before and after now are accepted too (clock drift, typing time). */
export const TOTP_WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;

function totp(secretBase32: string, label = 'jiebang'): TOTP {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label,
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** A new random secret of 160 bits (RFC 4226's recommended length), base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** Whether `secret` is base32 of at least 128 bits (for a secret given from outside: the demo seed). */
export function isTotpSecret(secret: string): boolean {
  return /^[A-Z2-7]{26,}=*$/.test(secret);
}

/** The `otpauth://totp/…` URI an authenticator app scans (as a QR code) or imports. */
export function totpUri(secretBase32: string, label: string): string {
  return totp(secretBase32, label).toString();
}

/** The code of the time step that contains `at`. */
export function totpCode(secretBase32: string, at: Date): string {
  return totp(secretBase32).generate({ timestamp: at.getTime() });
}

/** The time step (unix seconds / period) that contains `at`. */
export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/** The time step whose code `code` is, within the window around `at`; null when it is none. */
export function matchingStep(secretBase32: string, code: string, at: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secretBase32).validate({ token: code, timestamp: at.getTime(), window: TOTP_WINDOW });
  return delta === null ? null : totpStep(at) + delta;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Recovery codes: 16 base32 characters (80 random bits) each, shown as `XXXX-XXXX-XXXX-XXXX`. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: 16 }, () => BASE32[randomInt(BASE32.length)]).join('');
    return chars.match(/.{4}/g)!.join('-');
  });
}

/** A recovery code as stored (hashed): upper case, without dashes or spaces. */
export function normalizeRecoveryCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z2-7]/g, '');
}
