import { settleWithin, shutdownBudget } from './shutdown';

describe('shutdownBudget', () => {
  it('gives draining three quarters of the grace, closing the rest, at most 3 s', () => {
    expect(shutdownBudget(3_000)).toEqual({ drainMs: 2_250, closeMs: 750 });
    expect(shutdownBudget(10_000)).toEqual({ drainMs: 7_500, closeMs: 2_500 });
    expect(shutdownBudget(60_000)).toEqual({ drainMs: 57_000, closeMs: 3_000 });
    expect(shutdownBudget(0)).toEqual({ drainMs: 0, closeMs: 0 });
  });
});

describe('settleWithin', () => {
  it('is true for a promise that resolves or rejects in time, false for one that never settles', async () => {
    await expect(settleWithin(Promise.resolve(1), 1_000)).resolves.toBe(true);
    await expect(settleWithin(Promise.reject(new Error('no')), 1_000)).resolves.toBe(true);
    await expect(settleWithin(new Promise(() => undefined), 10)).resolves.toBe(false);
  });
});
