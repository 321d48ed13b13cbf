import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE_IDS, EXAMPLE_TIMES } from '../../src/common/openapi/examples';

type Schema = Record<string, unknown> & {
  $ref?: string;
  allOf?: unknown[];
  enum?: unknown[];
  items?: Schema;
  format?: string;
  example?: unknown;
  properties?: Record<string, Schema>;
};

const DOCUMENT = JSON.parse(readFileSync(join(__dirname, '..', '..', 'docs', 'openapi.json'), 'utf8')) as {
  components: { schemas: Record<string, Schema> };
};
const SCHEMAS = DOCUMENT.components.schemas;

/** A UUID in canonical form (RFC 9562: versions 1–8, the RFC variant). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** An RFC 3339 date-time (what `format: date-time` means in OpenAPI). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A property that needs no example of its own: a reference, a composition, a list of references, an enum. */
function exempt(property: Schema): boolean {
  return (
    property.$ref !== undefined ||
    property.allOf !== undefined ||
    property.items?.$ref !== undefined ||
    property.enum !== undefined
  );
}

/** Every schema node of the document below `node`, with its JSON path. */
function* schemaNodes(node: unknown, path: string): Generator<[string, Schema]> {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* schemaNodes(item, `${path}[${i}]`);
    return;
  }
  if (!node || typeof node !== 'object') return;
  yield [path, node as Schema];
  for (const [key, value] of Object.entries(node)) {
    // An example's own content is data, not schema.
    if (key === 'example' || key === 'examples') continue;
    yield* schemaNodes(value, `${path}.${key}`);
  }
}

/** The examples of `format` strings: a property's example, or each item of an array property's example. */
function examplesOfFormat(format: string): Array<[string, unknown]> {
  const found: Array<[string, unknown]> = [];
  for (const [path, schema] of schemaNodes(SCHEMAS, 'components.schemas')) {
    if (schema.example === undefined || schema.example === null) continue;
    if (schema.format === format) found.push([path, schema.example]);
    if (schema.items?.format === format && Array.isArray(schema.example)) {
      for (const [i, item] of schema.example.entries()) found.push([`${path}.example[${i}]`, item]);
    }
  }
  return found;
}

describe('OpenAPI examples (docs/openapi.json)', () => {
  it('every property of every schema has an example, but references, compositions and enums', () => {
    const missing = Object.entries(SCHEMAS).flatMap(([name, schema]) =>
      Object.entries(schema.properties ?? {})
        .filter(([, property]) => property.example === undefined && !exempt(property))
        .map(([property]) => `${name}.${property}`),
    );
    expect(missing).toEqual([]);
  });

  it('every uuid example is a UUID, and one of EXAMPLE_IDS (so ids agree across schemas)', () => {
    const examples = examplesOfFormat('uuid');
    expect(examples.length).toBeGreaterThan(100);
    const ids = new Set<unknown>(Object.values(EXAMPLE_IDS));
    const invalid = examples
      .filter(([, example]) => typeof example !== 'string' || !UUID.test(example))
      .map(([path, example]) => `${path}: ${JSON.stringify(example)}`);
    expect(invalid).toEqual([]);
    const unknown = examples
      .filter(([, example]) => !ids.has(example))
      .map(([path, example]) => `${path}: ${JSON.stringify(example)}`);
    expect(unknown).toEqual([]);
  });

  it('every date-time example is an RFC 3339 date-time that parses', () => {
    const examples = examplesOfFormat('date-time');
    expect(examples.length).toBeGreaterThan(100);
    const invalid = examples
      .filter(
        ([, example]) =>
          typeof example !== 'string' || !DATE_TIME.test(example) || Number.isNaN(Date.parse(example)),
      )
      .map(([path, example]) => `${path}: ${JSON.stringify(example)}`);
    expect(invalid).toEqual([]);
  });

  it('EXAMPLE_IDS are distinct v4 UUIDs and EXAMPLE_TIMES are UTC instants in story order', () => {
    const ids = Object.values(EXAMPLE_IDS);
    expect(ids.filter((id) => !UUID_V4.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    const times = Object.values(EXAMPLE_TIMES);
    expect(times.filter((time) => !/Z$/.test(time) || !DATE_TIME.test(time))).toEqual([]);
    expect(times.map(Date.parse)).toEqual([...times.map(Date.parse)].sort((a, b) => a - b));
  });
});
