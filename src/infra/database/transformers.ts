import { ValueTransformer } from 'typeorm';

/**
 * pg returns `bigint` as a string (it may exceed 2^53). Amounts in fen stay far below
 * Number.MAX_SAFE_INTEGER (9e15 fen = 90 trillion yuan), so they are numbers in the code and in JSON;
 * a value outside the safe range is refused rather than silently rounded.
 */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => {
    if (value === null || value === undefined) return value;
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new Error(`bigint ${value} is outside the safe integer range`);
    return n;
  },
};
