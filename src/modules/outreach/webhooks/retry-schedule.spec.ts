import {
  backoffBand,
  backoffDelay,
  MAX_RETRY_DELAY_MS,
  parseRetryAfter,
  RETRY_AFTER_MAX_MS,
  RETRY_AFTER_MIN_MS,
} from './retry-schedule';

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const BASE = 40 * SECOND;

describe('webhook backoff', () => {
  it('draws each wait from a band that starts where the previous one ended, three times wider', () => {
    expect(backoffBand(1, BASE)).toEqual({ minMs: 0, maxMs: 40 * SECOND });
    expect(backoffBand(2, BASE)).toEqual({ minMs: 40 * SECOND, maxMs: 120 * SECOND });
    expect(backoffBand(3, BASE)).toEqual({ minMs: 120 * SECOND, maxMs: 360 * SECOND });
    for (let n = 2; n <= 9; n++) expect(backoffBand(n, BASE).minMs).toBe(backoffBand(n - 1, BASE).maxMs);
  });

  it('uses the whole band (full jitter inside it) and grows from one attempt to the next', () => {
    expect(backoffDelay(3, BASE, () => 0)).toBe(120 * SECOND);
    expect(backoffDelay(3, BASE, () => 0.999999)).toBe(360 * SECOND);
    expect(backoffDelay(3, BASE, () => 0.5)).toBe(240 * SECOND);
    for (let i = 0; i < 200; i++) {
      let previous = -1;
      for (let n = 1; n <= 9; n++) {
        const delay = backoffDelay(n, BASE);
        expect(delay).toBeGreaterThanOrEqual(previous);
        previous = delay;
      }
    }
  });

  it('spreads 10 attempts over about three days with the default base (1.5 to 4.6 days)', () => {
    const total = (random: () => number) =>
      Array.from({ length: 9 }, (_, i) => backoffDelay(i + 1, BASE, random)).reduce((a, b) => a + b, 0);
    expect(total(() => 0) / HOUR).toBeCloseTo(36.4, 1);
    expect(total(() => 0.5) / HOUR).toBeCloseTo(72.9, 1);
    expect(total(() => 0.999999) / HOUR).toBeCloseTo(109.3, 1);
    expect(backoffBand(9, BASE)).toEqual({ minMs: 3 ** 7 * BASE, maxMs: 3 ** 8 * BASE });
  });

  it('never waits longer than the cap, and a tiny base gives tiny waits (tests)', () => {
    expect(backoffBand(20, BASE).maxMs).toBe(MAX_RETRY_DELAY_MS);
    expect(backoffBand(20, BASE).minMs).toBeLessThanOrEqual(MAX_RETRY_DELAY_MS);
    expect(backoffDelay(2, 10, () => 0.5)).toBe(20);
  });
});

describe('Retry-After', () => {
  const now = new Date('2027-03-01T02:00:00.000Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120 * SECOND);
    expect(parseRetryAfter(' 5 ', now)).toBe(5 * SECOND);
    expect(parseRetryAfter(['30', '60'], now)).toBe(30 * SECOND);
  });

  it('reads an HTTP-date relative to now', () => {
    expect(parseRetryAfter('Mon, 01 Mar 2027 02:10:00 GMT', now)).toBe(10 * 60 * SECOND);
  });

  it('clamps to one second .. one day', () => {
    expect(parseRetryAfter('0', now)).toBe(RETRY_AFTER_MIN_MS);
    expect(parseRetryAfter('Sun, 28 Feb 2027 00:00:00 GMT', now)).toBe(RETRY_AFTER_MIN_MS);
    expect(parseRetryAfter(String(30 * 24 * 3600), now)).toBe(RETRY_AFTER_MAX_MS);
  });

  it('ignores what it does not understand', () => {
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter('1.5', now)).toBeNull();
  });
});
