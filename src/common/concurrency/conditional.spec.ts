import { parseIfMatch } from './etag';
import { ifNoneMatchMatches, setReadCaching, weakEtag } from './conditional';

describe('conditional reads (ADR 0051)', () => {
  it('builds weak ETags with the version first, changing with any part', () => {
    const etag = weakEtag(4, 'open', 'public', 2, '江西某电缆有限公司', null);
    expect(etag).toMatch(/^W\/"4-[A-Za-z0-9_-]{16}"$/);
    expect(weakEtag(4, 'open', 'public', 2, '江西某电缆有限公司', null)).toBe(etag);
    expect(weakEtag(4, 'closed', 'public', 2, '江西某电缆有限公司', null)).not.toBe(etag);
    expect(weakEtag(4, 'open', 'privileged', 2, '江西某电缆有限公司', null)).not.toBe(etag);
    expect(weakEtag(null, 'a', 'b')).toMatch(/^W\/"[A-Za-z0-9_-]{16}"$/);
  });

  it('accepts every served ETag back in If-Match as its version, and a hand-built one', () => {
    expect(parseIfMatch(weakEtag(7, 'open'))).toBe(7);
    expect(parseIfMatch('"3"')).toBe(3);
    expect(parseIfMatch('W/"3"')).toBe(3);
    expect(() => parseIfMatch('W/"3-"')).toThrow();
    expect(() => parseIfMatch('W/"abc-def"')).toThrow();
  });

  it('matches If-None-Match weakly, in a list, or *', () => {
    const etag = 'W/"4-abc"';
    expect(ifNoneMatchMatches(undefined, etag)).toBe(false);
    expect(ifNoneMatchMatches('W/"4-abc"', etag)).toBe(true);
    expect(ifNoneMatchMatches('"4-abc"', etag)).toBe(true);
    expect(ifNoneMatchMatches('W/"1-x", W/"4-abc"', etag)).toBe(true);
    expect(ifNoneMatchMatches('*', etag)).toBe(true);
    expect(ifNoneMatchMatches('W/"4-abd"', etag)).toBe(false);
    expect(ifNoneMatchMatches('"4"', etag)).toBe(false);
  });

  it('sets public caching without credentials, private with them, and keeps an earlier Vary', () => {
    const headers = new Map<string, string>([['Vary', 'Origin']]);
    const res = {
      header: (name: string, value: string) => headers.set(name, value),
      getHeader: (name: string) => headers.get(name),
      status: () => undefined,
    };
    setReadCaching(res, true, 'W/"1-a"');
    expect(Object.fromEntries(headers)).toEqual({
      ETag: 'W/"1-a"',
      'Cache-Control': 'public, max-age=5',
      Vary: 'Origin, Authorization, X-Api-Key',
    });
    headers.clear();
    setReadCaching(res, false, 'W/"1-b"');
    expect(headers.get('Cache-Control')).toBe('private, no-cache');
    expect(headers.get('Vary')).toBe('Authorization, X-Api-Key');
  });
});
