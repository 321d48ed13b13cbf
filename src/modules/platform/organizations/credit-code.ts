/**
 * The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a 31-symbol
 * alphabet (digits and capitals without I, O, S, V, Z):
 *   1    registration authority (登记管理部门码)
 *   2    institution category (机构类别码)
 *   3-8  administrative division code of the registering authority (登记管理机关行政区划码)
 *   9-17 organization code (主体标识码, GB 11714)
 *   18   check character: weights 3^i mod 31, C18 = 31 - (Σ Ci·Wi mod 31), 31 → "0".
 */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;
/** OpenAPI for a credit code: its shape (the check character is verified too) and length. */
export const CREDIT_CODE_SCHEMA = { pattern: SHAPE.source, minLength: 18, maxLength: 18 } as const;

/** The check character for the first 17 characters, or null when one is outside the alphabet. */
export function creditCodeCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CREDIT_CODE_ALPHABET.indexOf(first17[i]);
    if (value < 0) return null;
    sum += value * WEIGHTS[i];
  }
  const check = (31 - (sum % 31)) % 31;
  return CREDIT_CODE_ALPHABET[check];
}

/** True for an 18-character code of the right shape whose last character is its check character. */
export function isValidCreditCode(code: unknown): code is string {
  if (typeof code !== 'string' || !SHAPE.test(code)) return false;
  return creditCodeCheckChar(code.slice(0, 17)) === code[17];
}
