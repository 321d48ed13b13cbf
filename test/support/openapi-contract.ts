import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { Middleware } from 'openapi-fetch';

const DOCUMENT = join(__dirname, '..', '..', 'docs', 'openapi.json');

type Json = Record<string, unknown>;

/**
 * OpenAPI 3.0's `nullable: true` as JSON Schema, the way generators (openapi-typescript) read it:
 * the value may also be null, whatever its type, enum or allOf say.
 */
function nullableToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableToJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const converted = Object.fromEntries(
    Object.entries(node as Json).map(([key, value]) => [key, nullableToJsonSchema(value)]),
  );
  if (converted.nullable !== true) return converted;
  const { nullable: _nullable, ...rest } = converted;
  return { anyOf: [{ type: 'null' }, rest] };
}

/** `~` and `/` escaped for a JSON pointer segment (RFC 6901). */
const pointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * An openapi-fetch middleware that checks every answer against the committed docs/openapi.json:
 * the status is one the operation documents, and a JSON body validates against its schema (with
 * `required`, `nullable`, `enum` and formats). What does not match is collected in `violations`
 * (the test asserts it is empty), so one run lists every gap between the document and the service.
 */
export function contractChecker(): { middleware: Middleware; violations: string[]; checked: () => number } {
  const document = JSON.parse(readFileSync(DOCUMENT, 'utf8')) as Json & {
    paths: Record<string, Record<string, { responses: Record<string, Json> }>>;
    components: { responses?: Record<string, Json> };
  };
  // OpenAPI 3.0 schemas: `nullable`, `example` and the like are not JSON Schema keywords.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(nullableToJsonSchema(document) as Json, 'openapi');
  const violations: string[] = [];
  let count = 0;

  const middleware: Middleware = {
    async onResponse({ request, response, schemaPath }) {
      const method = request.method.toLowerCase();
      const name = `${request.method} ${schemaPath} → ${response.status}`;
      const operation = document.paths[schemaPath]?.[method];
      if (!operation) {
        violations.push(`${name}: no such operation in the document`);
        return undefined;
      }
      const status = String(response.status);
      let documented = operation.responses[status];
      let where = `#/paths/${pointer(schemaPath)}/${method}/responses/${status}`;
      if (!documented) {
        violations.push(`${name}: status not documented`);
        return undefined;
      }
      if (typeof documented.$ref === 'string') {
        where = documented.$ref;
        documented = document.components.responses?.[where.split('/').pop() as string] ?? {};
      }
      count += 1;
      const content = documented.content as Record<string, Json> | undefined;
      const type = (response.headers.get('Content-Type') ?? '').split(';')[0].trim();
      if (!content) {
        if (response.status !== 204 && response.headers.get('Content-Length') !== '0' && type) {
          violations.push(`${name}: answered ${type}, the document says no content`);
        }
        return undefined;
      }
      if (!content[type]) {
        violations.push(`${name}: answered ${type}, the document says ${Object.keys(content).join(', ')}`);
        return undefined;
      }
      if (!type.endsWith('json')) return undefined;
      const body: unknown = await response.clone().json();
      const validate = ajv.getSchema(`openapi${where}/content/${pointer(type)}/schema`);
      if (!validate) {
        violations.push(`${name}: no schema at ${where}`);
      } else if (!validate(body)) {
        violations.push(`${name}: ${ajv.errorsText(validate.errors, { dataVar: 'body' })}`);
      }
      return undefined;
    },
  };
  return { middleware, violations, checked: () => count };
}
