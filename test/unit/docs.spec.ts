import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_STATUS, problemType } from '../../src/common/errors/error-codes';

describe('docs/errors.md', () => {
  const rows = readFileSync(join(__dirname, '..', '..', 'docs', 'errors.md'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => line.split('|').map((cell) => cell.trim().replace(/^`|`$/g, '')));

  it('lists every error code, once, with its status and type', () => {
    const documented = rows.map(([, code, status, type]) => [code, Number(status), type]);
    const expected = Object.entries(ERROR_STATUS).map(([code, status]) => [
      code,
      status,
      problemType(code as keyof typeof ERROR_STATUS),
    ]);
    expect(documented).toEqual(expected);
  });

  it('says when each code happens', () => {
    for (const [, code, , , when] of rows)
      expect({ code, when: when.length > 10 }).toEqual({ code, when: true });
  });
});
