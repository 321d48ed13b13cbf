import { canonicalJson, requestHash } from './idempotency.service';

describe('request fingerprint', () => {
  it('does not depend on key order, at any depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}',
    );
  });

  it('tells apart bodies, paths and methods that differ', () => {
    const base = requestHash('POST', '/api/v1/payments/1/confirm', { amountFen: 100 });
    expect(requestHash('POST', '/api/v1/payments/1/confirm', { amountFen: 100 })).toBe(base);
    expect(requestHash('POST', '/api/v1/payments/1/confirm', { amountFen: 101 })).not.toBe(base);
    expect(requestHash('POST', '/api/v1/payments/2/confirm', { amountFen: 100 })).not.toBe(base);
    expect(requestHash('PUT', '/api/v1/payments/1/confirm', { amountFen: 100 })).not.toBe(base);
    expect(requestHash('POST', '/x', { a: '1' })).not.toBe(requestHash('POST', '/x', { a: 1 }));
  });
});
