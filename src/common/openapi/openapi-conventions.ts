import { INestApplication, ParseUUIDPipe } from '@nestjs/common';
import { METHOD_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem';

/**
 * What the code says about one operation that the swagger explorer does not see: whether the
 * global rate limiter runs on it (no @SkipThrottle()) and which path parameters go through
 * ParseUUIDPipe. Keyed by operationId.
 */
export interface OperationFacts {
  throttled: boolean;
  uuidPathParams: string[];
}

type Schema = Record<string, unknown>;
type Operation = {
  operationId?: string;
  parameters?: Array<{ name: string; in: string; schema?: Schema }>;
  responses?: Record<string, Schema>;
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;
const THROTTLER_SKIP_DEFAULT = 'THROTTLER:SKIPdefault';
/** A UUID in its canonical text form is 36 characters; ParseUUIDPipe and @IsUUID() refuse anything else. */
const UUID_LENGTH = 36;
/** The throttler's window (rate-limit.module.ts): Reset and Retry-After never exceed it. */
const RATE_LIMIT_WINDOW_SECONDS = 60;
const INT32_MAX = 2_147_483_647;

const ref = (kind: 'headers' | 'responses' | 'schemas', name: string) => ({
  $ref: `#/components/${kind}/${name}`,
});

/** Response headers every operation may carry, as OpenAPI header objects. */
export const RESPONSE_HEADERS: Record<string, Schema> = {
  'X-Request-Id': {
    description: "The caller's X-Request-Id when it is 1–128 of [A-Za-z0-9._:-], else a new UUID",
    schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$', maxLength: 128 },
  },
  'Access-Control-Allow-Origin': {
    description: "Only when the request's Origin is one of CORS_ORIGINS (no CORS otherwise)",
    schema: { type: 'string', format: 'uri', maxLength: 2048 },
  },
  'X-RateLimit-Limit': {
    description: 'Requests allowed per client address per minute (RATE_LIMIT_PER_MINUTE)',
    schema: { type: 'integer', format: 'int32', minimum: 1, maximum: INT32_MAX },
  },
  'X-RateLimit-Remaining': {
    description: 'Requests left in the current window',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: INT32_MAX },
  },
  'X-RateLimit-Reset': {
    description: 'Seconds until the current window ends',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: RATE_LIMIT_WINDOW_SECONDS },
  },
  'Retry-After': {
    description: 'Seconds to wait before retrying',
    schema: { type: 'integer', format: 'int32', minimum: 1, maximum: RATE_LIMIT_WINDOW_SECONDS },
  },
};

const RATE_LIMIT_HEADERS = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'];
const COMMON_HEADERS = ['X-Request-Id', 'Access-Control-Allow-Origin'];

function headerRefs(names: string[]): Record<string, Schema> {
  return Object.fromEntries(names.map((name) => [name, ref('headers', name)]));
}

/**
 * Reads the facts from the application's controllers (works in Nest's preview mode too: only
 * metadata is read). The operationId must be built the way the document builder builds it.
 */
export function collectOperationFacts(
  app: INestApplication,
  operationId: (controllerKey: string, methodKey: string) => string,
): Map<string, OperationFacts> {
  const container = (
    app as unknown as {
      container: { getModules(): Map<string, { controllers: Map<unknown, { metatype: unknown }> }> };
    }
  ).container;
  const facts = new Map<string, OperationFacts>();
  for (const module of container.getModules().values()) {
    for (const { metatype } of module.controllers.values()) {
      if (typeof metatype !== 'function') continue;
      const controller = metatype as { name: string; prototype: Record<string, unknown> };
      const classSkips = Reflect.getMetadata(THROTTLER_SKIP_DEFAULT, controller) === true;
      for (const methodKey of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[methodKey];
        if (methodKey === 'constructor' || typeof handler !== 'function') continue;
        if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const handlerSkip = Reflect.getMetadata(THROTTLER_SKIP_DEFAULT, handler) as boolean | undefined;
        facts.set(operationId(controller.name, methodKey), {
          throttled: !(handlerSkip ?? classSkips),
          uuidPathParams: uuidPathParams(controller, methodKey),
        });
      }
    }
  }
  return facts;
}

function uuidPathParams(controller: object, methodKey: string): string[] {
  // @Param() stores its metadata on the class, per method.
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, methodKey) ?? {}) as Record<
    string,
    { data?: unknown; pipes?: unknown[] }
  >;
  return Object.entries(args)
    .filter(([key]) => Number(key.split(':')[0]) === (RouteParamtypes.PARAM as number))
    .filter(([, arg]) =>
      (arg.pipes ?? []).some((pipe) => pipe instanceof ParseUUIDPipe || pipe === ParseUUIDPipe),
    )
    .map(([, arg]) => arg.data)
    .filter((name): name is string => typeof name === 'string');
}

/**
 * The document-wide conventions the controllers do not repeat (ADR 0033), all true of the running
 * service by construction:
 * - errors are `application/problem+json` (every error goes through sendProblem);
 * - every operation can answer 400 (the request pipeline refuses text PostgreSQL cannot store in
 *   the path, query or body, and bodies nested deeper than JSON_MAX_DEPTH, before any route) and
 *   431 (the HTTP server refuses headers over its limit), ADR 0034;
 * - every operation that can fail can also answer 500 INTERNAL_ERROR and 503 SERVICE_UNAVAILABLE
 *   with Retry-After (a dependency down, ADR 0035), and every rate-limited one 429 RATE_LIMITED
 *   with Retry-After;
 * - every response carries X-Request-Id, Access-Control-Allow-Origin when CORS allows the origin,
 *   and, where the rate limiter runs, the X-RateLimit-* headers it sets;
 * - ParseUUIDPipe path parameters and `format: uuid` strings are 36-character UUIDs;
 * - the servers entry is this deployment (relative, so the document fits every environment).
 */
export function applyOpenApiConventions(
  document: OpenAPIObject,
  facts: Map<string, OperationFacts>,
): OpenAPIObject {
  const doc = document as unknown as {
    servers?: Schema[];
    paths: Record<string, Record<string, Operation | undefined>>;
    components: Record<string, Record<string, Schema> | undefined>;
  };
  doc.servers = [
    {
      url: '/',
      description: 'This deployment (production, staging or local): the origin that serves this document',
      'x-internal': false,
    },
  ];
  const components = doc.components;
  components.headers = { ...(components.headers ?? {}), ...RESPONSE_HEADERS };
  components.responses = {
    ...(components.responses ?? {}),
    TooManyRequests: {
      description: 'RATE_LIMITED: too many requests from this address; retry after Retry-After seconds',
      headers: headerRefs(['Retry-After', ...COMMON_HEADERS, ...RATE_LIMIT_HEADERS]),
      content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('schemas', 'ProblemDto') } },
    },
    MalformedRequest: {
      description:
        'VALIDATION_FAILED: the path, a query parameter, or a string or field name of the body holds ' +
        'U+0000 or an unpaired UTF-16 surrogate; JSON_TOO_DEEP: the body nests deeper than ' +
        'JSON_MAX_DEPTH; MALFORMED_JSON: the body is not JSON (ADR 0034)',
      headers: headerRefs(COMMON_HEADERS),
      content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('schemas', 'ProblemDto') } },
    },
    RequestHeaderFieldsTooLarge: {
      description:
        'REQUEST_HEADER_FIELDS_TOO_LARGE: the request line and headers are over the HTTP server limit ' +
        '(16 KiB); the connection closes after the answer',
      headers: headerRefs(['X-Request-Id']),
      content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('schemas', 'ProblemDto') } },
    },
    InternalError: {
      description: 'INTERNAL_ERROR: an unexpected error; quote requestId to support',
      headers: headerRefs([...COMMON_HEADERS, ...RATE_LIMIT_HEADERS]),
      content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('schemas', 'ProblemDto') } },
    },
    ServiceUnavailable: {
      description:
        'SERVICE_UNAVAILABLE: PostgreSQL or Redis is down or restarting (ADR 0035); nothing was ' +
        'changed unless the answer was lost after a commit (retry with the same Idempotency-Key). ' +
        'Retry after Retry-After seconds',
      headers: headerRefs(['Retry-After', ...COMMON_HEADERS, ...RATE_LIMIT_HEADERS]),
      content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('schemas', 'ProblemDto') } },
    },
  };

  for (const item of Object.values(doc.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const fact = operation.operationId ? facts.get(operation.operationId) : undefined;
      const throttled = fact?.throttled ?? true;
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'path' && fact?.uuidPathParams.includes(parameter.name)) {
          parameter.schema = { ...(parameter.schema ?? {}), type: 'string', format: 'uuid' };
        }
      }
      const responses = (operation.responses ??= {});
      const codes = Object.keys(responses);
      const canFail = codes.some((code) => /^[45]\d\d$/.test(code));
      for (const code of codes) {
        const response = responses[code];
        if (!response || '$ref' in response) continue;
        if (/^[45]\d\d$/.test(code)) {
          const content = response.content as Record<string, { schema?: Schema }> | undefined;
          const schema = Object.values(content ?? {})[0]?.schema ?? ref('schemas', 'ProblemDto');
          response.content = { [PROBLEM_CONTENT_TYPE]: { schema } };
        }
        const names = [...COMMON_HEADERS, ...(throttled ? RATE_LIMIT_HEADERS : [])];
        if (code === '429' || code === '503') names.unshift('Retry-After');
        response.headers = { ...(response.headers ?? {}), ...headerRefs(names) };
      }
      if (!responses['400']) responses['400'] = ref('responses', 'MalformedRequest');
      if (!responses['431']) responses['431'] = ref('responses', 'RequestHeaderFieldsTooLarge');
      if (canFail && throttled && !responses['429']) responses['429'] = ref('responses', 'TooManyRequests');
      if (canFail && !responses['500']) responses['500'] = ref('responses', 'InternalError');
      if (canFail && !responses['503']) responses['503'] = ref('responses', 'ServiceUnavailable');
    }
  }
  completeSchemas(doc);
  return document;
}

/**
 * Everywhere in the document (components, parameters, bodies): `format: uuid` strings get the
 * UUID's length; arrays of distinct enum values (@ArrayUnique + @IsIn each) hold at most as many
 * items as the enum has values; integers without a format get int32 when their declared bounds fit
 * in 32 bits, int64 otherwise (amounts in fen).
 */
function completeSchemas(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(completeSchemas);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const schema = node as Schema;
  if (schema.type === 'string' && schema.format === 'uuid' && schema.maxLength === undefined) {
    schema.maxLength = UUID_LENGTH;
  }
  const items = schema.items as Schema | undefined;
  if (
    schema.type === 'array' &&
    schema.maxItems === undefined &&
    schema.uniqueItems === true &&
    Array.isArray(items?.enum)
  ) {
    schema.maxItems = items.enum.length;
  }
  if (schema.type === 'integer' && schema.format === undefined) {
    const { minimum, maximum } = schema as { minimum?: number; maximum?: number };
    const fits =
      minimum !== undefined && maximum !== undefined && minimum >= -INT32_MAX - 1 && maximum <= INT32_MAX;
    schema.format = fits ? 'int32' : 'int64';
  }
  Object.values(schema).forEach(completeSchemas);
}
