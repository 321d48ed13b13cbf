import type { FieldError } from '../../common/errors/domain-error';

/**
 * Checks for input that would otherwise reach a handler and fail there with a 500 (ADR 0034):
 * JSON nested deeper than any document of the API (class-transformer and class-validator recurse
 * once per level), and text PostgreSQL cannot store (U+0000 in `text` and `jsonb`; unpaired UTF-16
 * surrogates, which `jsonb` refuses and `text` would silently turn into U+FFFD). Every function
 * here is iterative: hostile input never makes it recurse.
 */

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether a JSON text nests objects and arrays deeper than `maxDepth` (the top-level object is
 * depth 1), scanning once: brackets inside strings do not count. Takes the raw UTF-8 bytes (no
 * ASCII byte occurs inside a multi-byte UTF-8 sequence) or decoded text. Exact for valid JSON;
 * for invalid JSON the answer does not matter, the parser refuses it next.
 */
export function jsonDepthExceeds(json: Uint8Array | string, maxDepth: number): boolean {
  const text = typeof json === 'string';
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i += 1) {
    const code = text ? json.charCodeAt(i) : json[i];
    if (inString) {
      if (code === BACKSLASH) i += 1;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return false;
}

/** U+0000, or a UTF-16 surrogate without its other half. */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

export function isUnstorableText(value: string): boolean {
  return UNSTORABLE.test(value);
}

/** What the caller is told about a refused string. */
export function unstorableMessage(value: string): string {
  return value.includes('\u0000')
    ? 'must not contain U+0000 (NUL)'
    : 'must not contain an unpaired UTF-16 surrogate';
}

/** A name shown in an error with the refused characters spelled `\u0000`, so the answer stays readable. */
export function printable(name: string): string {
  return name.replace(UNSTORABLE_ALL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const isIndex = (key: string) => /^\d+$/.test(key);

/**
 * Every string and every object key of a parsed value (a JSON body, a parsed query) that
 * PostgreSQL cannot store, as field errors with their paths (`members[0].name`, `q`), at most
 * `limit`. Walks with an explicit stack; `prefix` names the root (`''` for a body).
 */
export function findUnstorableText(value: unknown, prefix = '', limit = 20): FieldError[] {
  const errors: FieldError[] = [];
  // A bad key is pushed as a field error of its own, so errors come out in document order.
  const stack: Array<[unknown, string] | FieldError> = [[value, prefix]];
  while (stack.length && errors.length < limit) {
    const item = stack.pop() as [unknown, string] | FieldError;
    if (!Array.isArray(item)) {
      errors.push(item);
      continue;
    }
    const [node, path] = item;
    if (typeof node === 'string') {
      if (isUnstorableText(node)) {
        const field = path || '(body)';
        errors.push({ field, message: `${field} ${unstorableMessage(node)}` });
      }
      continue;
    }
    if (!node || typeof node !== 'object') continue;
    const array = Array.isArray(node);
    const entries = Object.entries(node as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i -= 1) {
      const [key, child] = entries[i];
      const childPath = array || isIndex(key) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (!array && isUnstorableText(key)) {
        const field = printable(childPath);
        stack.push({ field, message: `the name of ${field} ${unstorableMessage(key)}` });
      } else {
        stack.push([child, childPath]);
      }
    }
  }
  return errors;
}

/**
 * The request path's segments percent-decoded the way the router decodes parameters: an error
 * message when a segment is not valid percent-encoded UTF-8 or decodes to unstorable text.
 */
export function pathProblem(rawPath: string): string | undefined {
  for (const segment of rawPath.split('/')) {
    let decoded = segment;
    try {
      if (segment.includes('%')) decoded = decodeURIComponent(segment);
    } catch {
      return 'The path is not valid percent-encoded UTF-8';
    }
    if (isUnstorableText(decoded)) return `The path ${unstorableMessage(decoded)}`;
  }
  return undefined;
}
