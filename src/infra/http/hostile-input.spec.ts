import {
  findUnstorableText,
  isUnstorableText,
  jsonDepthExceeds,
  pathProblem,
  printable,
} from './hostile-input';

const nested = (depth: number, open = '[', close = ']') => open.repeat(depth) + close.repeat(depth);

describe('jsonDepthExceeds', () => {
  it.each([
    ['{}', 1],
    ['[]', 1],
    ['{"a":[{"b":[1]}]}', 4],
    [nested(32), 32],
    [nested(32, '{"a":', '}'), 32],
  ])('counts %s as depth %d, on bytes and on text alike', (json, depth) => {
    for (const input of [json, Buffer.from(json)]) {
      expect(jsonDepthExceeds(input, depth)).toBe(false);
      expect(jsonDepthExceeds(input, depth - 1)).toBe(true);
    }
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const json = JSON.stringify({ a: '[[[[{{{{', b: 'say \\"[[[[" then [[[[', c: ['\\'] });
    expect(jsonDepthExceeds(json, 2)).toBe(false);
    expect(jsonDepthExceeds(json, 1)).toBe(true);
  });

  it('refuses 100,000 levels without recursing, and multi-byte UTF-8 never passes for a bracket', () => {
    expect(jsonDepthExceeds(Buffer.from(nested(100_000)), 32)).toBe(true);
    expect(jsonDepthExceeds(Buffer.from(JSON.stringify({ 名称: ['揭榜挂帅', '𝄞'] })), 2)).toBe(false);
  });
});

describe('findUnstorableText', () => {
  it('names every string and key with NUL or an unpaired surrogate, in document order', () => {
    const body = {
      name: 'ok',
      members: [{ name: 'a\u0000b' }, { role: 'x' }],
      ['bad\u0000key']: 'v',
      settings: { rubric: [{ label: '\ud800' }, { label: 'fine 𝄞' }] },
      tail: '\udc00',
    };
    expect(findUnstorableText(body)).toEqual([
      { field: 'members[0].name', message: 'members[0].name must not contain U+0000 (NUL)' },
      { field: 'bad\\u0000key', message: 'the name of bad\\u0000key must not contain U+0000 (NUL)' },
      {
        field: 'settings.rubric[0].label',
        message: 'settings.rubric[0].label must not contain an unpaired UTF-16 surrogate',
      },
      { field: 'tail', message: 'tail must not contain an unpaired UTF-16 surrogate' },
    ]);
  });

  it('passes well-formed text and non-strings, and stops at the limit', () => {
    expect(findUnstorableText({ a: '揭榜 𝄞', b: 1, c: null, d: [true] })).toEqual([]);
    expect(findUnstorableText(undefined)).toEqual([]);
    expect(
      findUnstorableText(
        Array.from({ length: 50 }, () => '\u0000'),
        '',
        20,
      ),
    ).toHaveLength(20);
  });

  it('names query parameters by their name', () => {
    expect(findUnstorableText({ q: 'a\u0000b', status: ['open', 'x\u0000'] })).toEqual([
      { field: 'q', message: 'q must not contain U+0000 (NUL)' },
      { field: 'status[1]', message: 'status[1] must not contain U+0000 (NUL)' },
    ]);
  });
});

describe('isUnstorableText and printable', () => {
  it('tells pairs from halves', () => {
    expect(isUnstorableText('𝄞')).toBe(false);
    expect(isUnstorableText('\ud834')).toBe(true);
    expect(isUnstorableText('\udd1e\ud834')).toBe(true);
    expect(printable('a\u0000\ud800𝄞')).toBe('a\\u0000\\ud800𝄞');
  });
});

describe('pathProblem', () => {
  it('refuses NUL and broken percent-encoding in any segment, and passes the rest', () => {
    expect(pathProblem('/api/v1/industry-chains/%00')).toBe('The path must not contain U+0000 (NUL)');
    expect(pathProblem('/api/v1/challenges/%E0%A4%A')).toBe('The path is not valid percent-encoded UTF-8');
    expect(pathProblem('/api/v1/challenges/%ED%A0%80')).toBe('The path is not valid percent-encoded UTF-8');
    expect(pathProblem('/api/v1/challenges/%E6%8F%AD%E6%A6%9C')).toBeUndefined();
    expect(pathProblem('/api/v1/challenges')).toBeUndefined();
  });
});
