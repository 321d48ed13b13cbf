import { DomainError } from '../errors/domain-error';
import { decodeCursor, encodeCursor } from './pagination';

describe('cursor encoding', () => {
  it('round-trips values', () => {
    const cursor = encodeCursor(['2027-01-01T00:00:00.000Z', 'c9b1d1de-5b5b-4c57-9e37-0a0c58f7e3a1']);
    expect(decodeCursor(cursor, 2)).toEqual([
      '2027-01-01T00:00:00.000Z',
      'c9b1d1de-5b5b-4c57-9e37-0a0c58f7e3a1',
    ]);
  });

  it.each([
    ['not-base64-json'],
    [encodeCursor(['only-one'])],
    [Buffer.from('{"a":1}').toString('base64url')],
  ])('refuses a forged or foreign cursor %s with a field error', (cursor) => {
    expect(() => decodeCursor(cursor, 2)).toThrow(DomainError);
    try {
      decodeCursor(cursor, 2);
    } catch (error) {
      expect((error as DomainError).code).toBe('VALIDATION_FAILED');
      expect((error as DomainError).options.errors).toEqual([
        { field: 'cursor', message: 'cursor is not valid' },
      ]);
    }
  });
});
