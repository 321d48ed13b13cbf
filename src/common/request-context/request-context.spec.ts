import { currentRequestId, requestIdFrom, runWithRequestContext } from './request-context';

describe('request id', () => {
  it('echoes a safe caller id and replaces an unsafe or oversized one', () => {
    expect(requestIdFrom('portal-7f3a:42')).toBe('portal-7f3a:42');
    expect(requestIdFrom(['first', 'second'])).toBe('first');
    for (const bad of ['has space', 'x'.repeat(129), 'inject\nline', '', undefined]) {
      expect(requestIdFrom(bad)).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
  });

  it('is visible through awaits inside its context and absent outside', async () => {
    expect(currentRequestId()).toBeUndefined();
    await runWithRequestContext({ requestId: 'r-1' }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      expect(currentRequestId()).toBe('r-1');
    });
    expect(currentRequestId()).toBeUndefined();
  });
});
