import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the probes need of docs/openapi.json. */
type Schema = {
  $ref?: string;
  example?: unknown;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  enum?: unknown[];
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minimum?: number;
};

export interface ProbedOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The path template, `/api/v1/challenges/{id}`. */
  path: string;
  operationId: string;
  pathParams: Array<{ name: string; example: string }>;
  queryParams: string[];
  /** The JSON request body's schema, when the operation takes one. */
  bodySchema?: Schema;
}

export const OPENAPI_DOCUMENT = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'docs', 'openapi.json'), 'utf8'),
) as {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, Schema> };
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const SOME_UUID = '00000000-0000-4000-8000-000000000000';

const scalarText = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;

/** Every operation of the document, read from it (no hand-kept list). */
export function documentedOperations(): ProbedOperation[] {
  const operations: ProbedOperation[] = [];
  for (const [path, item] of Object.entries(OPENAPI_DOCUMENT.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as
        | {
            operationId: string;
            parameters?: Array<{ name: string; in: string; example?: unknown; schema?: Schema }>;
            requestBody?: { content: Record<string, { schema: Schema }> };
          }
        | undefined;
      if (!operation) continue;
      const parameters = operation.parameters ?? [];
      operations.push({
        method,
        path,
        operationId: operation.operationId,
        pathParams: parameters
          .filter((p) => p.in === 'path')
          .map((p) => ({ name: p.name, example: scalarText(p.example ?? p.schema?.example) ?? SOME_UUID })),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        bodySchema: operation.requestBody?.content['application/json']?.schema,
      });
    }
  }
  return operations;
}

function resolve(schema: Schema): Schema {
  let resolved = schema;
  for (let hops = 0; resolved.$ref && hops < 10; hops += 1) {
    resolved = OPENAPI_DOCUMENT.components.schemas[resolved.$ref.split('/').pop() as string];
  }
  return resolved;
}

/**
 * A value of the schema from its examples: each property's `example`, else the first enum value,
 * else something of its type; `$ref` and `allOf` resolved, the first of `oneOf`/`anyOf` taken.
 */
export function exampleOf(schema: Schema, depth = 0): unknown {
  if (schema.example !== undefined) return structuredClone(schema.example);
  const resolved = resolve(schema);
  if (resolved.example !== undefined) return structuredClone(resolved.example);
  if (depth > 12) return null;
  if (resolved.allOf) {
    return Object.assign({}, ...resolved.allOf.map((part) => exampleOf(part, depth + 1) as object));
  }
  const alternatives = resolved.oneOf ?? resolved.anyOf;
  if (alternatives) return exampleOf(alternatives[0], depth + 1);
  if (resolved.enum) return resolved.enum[0];
  if (resolved.type === 'array') return resolved.items ? [exampleOf(resolved.items, depth + 1)] : [];
  if (resolved.type === 'object' || resolved.properties) {
    const value: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(resolved.properties ?? {})) {
      value[name] = exampleOf(property, depth + 1);
    }
    const extra = resolved.additionalProperties;
    if (!resolved.properties && extra && typeof extra === 'object') value.key = exampleOf(extra, depth + 1);
    return value;
  }
  if (resolved.type === 'string') return 'x';
  if (resolved.type === 'integer' || resolved.type === 'number') return resolved.minimum ?? 1;
  if (resolved.type === 'boolean') return true;
  return null;
}

type Path = Array<string | number>;

/** The path of every string in a value, for injecting into each in turn. */
export function stringPaths(value: unknown, prefix: Path = []): Path[] {
  if (typeof value === 'string') return [prefix];
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) =>
    stringPaths(child, [...prefix, Array.isArray(value) ? Number(key) : key]),
  );
}

/** A copy of `value` with the string at `path` passed through `change`. */
export function withString(value: unknown, path: Path, change: (text: string) => string): unknown {
  const copy = structuredClone(value);
  if (!path.length) return change(copy as string);
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  parent[last] = change(parent[last] as string);
  return copy;
}

/** The deepest nesting of objects and arrays in a value. */
export function depthOf(value: unknown): number {
  if (!value || typeof value !== 'object') return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

/**
 * The deepest nesting of objects and arrays a schema allows (`$ref`, `allOf`, `oneOf`, `anyOf`
 * followed); Infinity for free-form values (`additionalProperties: true`) or a recursive schema.
 */
export function schemaDepth(schema: Schema, seen: string[] = []): number {
  if (schema.$ref) {
    if (seen.includes(schema.$ref)) return Infinity;
    return schemaDepth(resolve(schema), [...seen, schema.$ref]);
  }
  const parts = schema.allOf ?? schema.oneOf ?? schema.anyOf;
  if (parts) return Math.max(0, ...parts.map((part) => schemaDepth(part, seen)));
  if (schema.type === 'array') return 1 + (schema.items ? schemaDepth(schema.items, seen) : 0);
  if (schema.type === 'object' || schema.properties) {
    if (schema.additionalProperties === true) return Infinity;
    const children = Object.values(schema.properties ?? {});
    if (typeof schema.additionalProperties === 'object') children.push(schema.additionalProperties);
    return 1 + Math.max(0, ...children.map((child) => schemaDepth(child, seen)));
  }
  return 0;
}
