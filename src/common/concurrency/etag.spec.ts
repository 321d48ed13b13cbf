import { DomainError } from '../errors/domain-error';
import { assertVersion, etagFor, parseIfMatch, requireIfMatch } from './etag';

describe('ETag / If-Match', () => {
  it('serves and parses strong and weak ETags', () => {
    expect(etagFor(3)).toBe('"3"');
    expect(parseIfMatch('"3"')).toBe(3);
    expect(parseIfMatch('W/"12"')).toBe(12);
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('*')).toBeUndefined();
  });

  it('refuses a malformed If-Match as a field error', () => {
    expect(() => parseIfMatch('abc')).toThrow(DomainError);
    expect(() => parseIfMatch('"1", "2"')).toThrow(DomainError);
  });

  it('answers VERSION_MISMATCH for a stale version only', () => {
    expect(() => assertVersion(4, 4)).not.toThrow();
    expect(() => assertVersion(4, undefined)).not.toThrow();
    try {
      assertVersion(5, 4);
      throw new Error('expected a mismatch');
    } catch (error) {
      expect((error as DomainError).code).toBe('VERSION_MISMATCH');
    }
  });
});

describe('requireIfMatch', () => {
  it('passes a version and refuses its absence with 428 PRECONDITION_REQUIRED naming the thing', () => {
    expect(() => requireIfMatch(3, 'edits of a draft')).not.toThrow();
    expect(() => requireIfMatch(undefined, 'edits of a draft')).toThrow(
      expect.objectContaining({
        code: 'PRECONDITION_REQUIRED',
        message: expect.stringContaining('edits of a draft must not overwrite each other'),
      }),
    );
  });
});
