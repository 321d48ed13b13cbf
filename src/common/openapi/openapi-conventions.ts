import { INestApplication, ParseUUIDPipe, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { Reflector } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AUTH_OPTIONS, AuthenticatedOptions, IS_PUBLIC, OPTIONAL_AUTH } from '../auth/decorators';
import { ROLES, type Role } from '../auth/principal';
import { ALLOW_WITHOUT_MFA } from '../auth/mfa-policy';
import { IF_MATCH } from '../concurrency/etag';
import { API_ERRORS, DeclaredErrors } from '../errors/api-errors';
import { ERROR_STATUS, ERROR_TITLES, ErrorCode } from '../errors/error-codes';
import { buildProblem, PROBLEM_CONTENT_TYPE } from '../errors/problem';
import { acceptsIdempotencyKey } from '../idempotency/idempotency.interceptor';
import { STRICT_RATE_LIMIT } from '../rate-limit/rate-limit.decorators';
import { EXAMPLE_IDS } from './examples';

/**
 * What the code says about one operation that the swagger explorer does not see: whether the
 * global rate limiter runs on it (no @SkipThrottle()), which path parameters go through
 * ParseUUIDPipe, who may call it, what input it reads, and the error codes its own code path
 * declares (@ApiErrors). Keyed by operationId.
 */
export interface OperationFacts {
  throttled: boolean;
  uuidPathParams: string[];
  /** `public` (@Public), `optional` (@OptionalAuth: credentials checked when sent) or `required`. */
  auth?: 'public' | 'optional' | 'required';
  /** The guard can refuse a signed-in caller: roles are required, or API keys are not accepted. */
  restricted?: boolean;
  /** The roles the guard lets through (`@Authenticated({ roles })`); absent: any signed-in caller. */
  roles?: Role[];
  /** An administrator's session may call it before passing MFA (@AllowWithoutMfa, ADR 0044). */
  allowWithoutMfa?: boolean;
  /** Under the strict limit of login, registration and refresh (@StrictRateLimit). */
  strictRateLimit?: boolean;
  /** Reads a JSON body (@Body(), not multipart). */
  jsonBody?: boolean;
  /** Reads validated input: a body, a query DTO. */
  validatedInput?: boolean;
  /** The codes the path parameters' pipes answer for a malformed value (404 for ids, ADR 9). */
  paramPipeCodes?: ErrorCode[];
  /** Takes If-Match (@ApiIfMatch). */
  ifMatch?: boolean;
  /** Takes Idempotency-Key: a POST not opted out with @NoIdempotencyKey (ADR 11). */
  idempotent?: boolean;
  /** @ApiErrors() of the handler. */
  declared?: DeclaredErrors;
}

type Schema = Record<string, unknown>;
type Operation = {
  operationId?: string;
  'x-roles'?: Role[];
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

const ref = (kind: 'examples' | 'headers' | 'responses' | 'schemas', name: string) => ({
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
 * The error codes every operation of a kind can answer, by a fact of the operation — one row per
 * convention, each with where the code comes from. The operation's own codes (@ApiErrors) are
 * added to these; `INTERNAL_ERROR` and `SERVICE_UNAVAILABLE` then go on every operation that can
 * fail at all (only liveness cannot).
 */
export const CONVENTIONAL_ERRORS: ReadonlyArray<{
  because: string;
  codes: (facts: OperationFacts) => ErrorCode[];
}> = [
  {
    because: 'the global guard refuses missing, expired or revoked credentials (and bad ones when sent)',
    codes: (f) => (f.auth === 'public' ? [] : ['UNAUTHENTICATED']),
  },
  {
    because: 'the global guard refuses a role not allowed, or an API key where keys are not accepted',
    codes: (f) => (f.auth === 'required' && f.restricted ? ['FORBIDDEN'] : []),
  },
  {
    because: "the global guard refuses an administrator's session that has not passed a second factor",
    codes: (f) => (f.auth !== 'public' && !f.allowWithoutMfa ? ['MFA_ENROLMENT_REQUIRED'] : []),
  },
  {
    because: 'the validation pipe checks bodies and queries; If-Match and Idempotency-Key are checked too',
    codes: (f) => (f.validatedInput || f.ifMatch || f.idempotent ? ['VALIDATION_FAILED'] : []),
  },
  {
    because: 'the JSON body parser runs before the route: bad JSON, too large, a charset it cannot read',
    codes: (f) =>
      f.jsonBody ? ['MALFORMED_JSON', 'JSON_TOO_DEEP', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'] : [],
  },
  {
    because: 'the pipes of the path parameters (ParseUUIDPipe: a malformed id is not found)',
    codes: (f) => f.paramPipeCodes ?? [],
  },
  {
    because: 'a stale If-Match',
    codes: (f) => (f.ifMatch ? ['VERSION_MISMATCH'] : []),
  },
  {
    because: 'the idempotency interceptor: the first request still runs, or the key came with another body',
    codes: (f) => (f.idempotent ? ['IDEMPOTENCY_KEY_IN_USE', 'IDEMPOTENCY_KEY_REUSED'] : []),
  },
  {
    because: 'the rate limiter',
    codes: (f) => (f.throttled || f.strictRateLimit ? ['RATE_LIMITED'] : []),
  },
];

/** Where anything can fail: a fault of ours, or a dependency (PostgreSQL, Redis) down or too slow. */
const WHEREVER_SOMETHING_CAN_FAIL: ErrorCode[] = ['INTERNAL_ERROR', 'SERVICE_UNAVAILABLE'];

/**
 * What every request can be refused with before it reaches any route (ADR 0034): the request
 * pipeline refuses text PostgreSQL cannot store (U+0000, unpaired surrogates) in the path or query,
 * and the HTTP server refuses headers over its limit. Even liveness answers these, and nothing else.
 */
const BEFORE_ANY_ROUTE: ErrorCode[] = ['VALIDATION_FAILED', 'REQUEST_HEADER_FIELDS_TOO_LARGE'];

/** Every code an operation can answer, in ERROR_STATUS order: its own and those of its kind. */
export function errorCodesOf(facts: OperationFacts): ErrorCode[] {
  const codes = new Set<ErrorCode>(facts.declared?.codes ?? []);
  for (const convention of CONVENTIONAL_ERRORS) convention.codes(facts).forEach((code) => codes.add(code));
  if (codes.size) WHEREVER_SOMETHING_CAN_FAIL.forEach((code) => codes.add(code));
  BEFORE_ANY_ROUTE.forEach((code) => codes.add(code));
  return (Object.keys(ERROR_STATUS) as ErrorCode[]).filter((code) => codes.has(code));
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
      for (const methodKey of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[methodKey];
        if (methodKey === 'constructor' || typeof handler !== 'function') continue;
        if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        facts.set(operationId(controller.name, methodKey), factsOf(controller, methodKey, handler));
      }
    }
  }
  return facts;
}

function factsOf(controller: object, methodKey: string, handler: object): OperationFacts {
  /** The handler's metadata, else the controller's (as the guards read it). */
  const meta = <T>(key: string): T | undefined =>
    (Reflect.getMetadata(key, handler) as T | undefined) ??
    (Reflect.getMetadata(key, controller) as T | undefined);
  const options = meta<AuthenticatedOptions>(AUTH_OPTIONS) ?? {};
  const args = routeArgs(controller, methodKey);
  const has = (type: RouteParamtypes) => args.some(([kind]) => kind === (type as number));
  const consumes = meta<string[]>('swagger/apiConsumes') ?? [];
  const jsonBody = has(RouteParamtypes.BODY) && !consumes.some((type) => type.startsWith('multipart/'));
  return {
    throttled: !(meta<boolean>(THROTTLER_SKIP_DEFAULT) ?? false),
    uuidPathParams: uuidPathParams(args),
    auth: meta<boolean>(OPTIONAL_AUTH) ? 'optional' : meta<boolean>(IS_PUBLIC) ? 'public' : 'required',
    restricted: Boolean(options.roles?.length) || !options.apiKey,
    ...(options.roles?.length ? { roles: ROLES.filter((role) => options.roles?.includes(role)) } : {}),
    allowWithoutMfa: meta<boolean>(ALLOW_WITHOUT_MFA) === true,
    strictRateLimit: meta<boolean>(STRICT_RATE_LIMIT) === true,
    jsonBody,
    validatedInput: has(RouteParamtypes.BODY) || has(RouteParamtypes.QUERY),
    paramPipeCodes: paramPipeCodes(args),
    ifMatch: meta<boolean>(IF_MATCH) === true,
    idempotent: acceptsIdempotencyKey(
      new Reflector(),
      RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod],
      [handler as () => void, controller as () => void],
    ),
    declared: meta<DeclaredErrors>(API_ERRORS),
  };
}

type RouteArg = [kind: number, arg: { data?: unknown; pipes?: unknown[] }];

function routeArgs(controller: object, methodKey: string): RouteArg[] {
  // @Param(), @Body() and the like store their metadata on the class, per method.
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, methodKey) ?? {}) as Record<
    string,
    RouteArg[1]
  >;
  return Object.entries(args).map(([key, arg]) => [Number(key.split(':')[0]), arg]);
}

function uuidPathParams(args: RouteArg[]): string[] {
  return args
    .filter(([kind]) => kind === (RouteParamtypes.PARAM as number))
    .filter(([, arg]) =>
      (arg.pipes ?? []).some((pipe) => pipe instanceof ParseUUIDPipe || pipe === ParseUUIDPipe),
    )
    .map(([, arg]) => arg.data)
    .filter((name): name is string => typeof name === 'string');
}

/** What a path parameter's pipe answers for a bad value: the status its exceptionFactory gives. */
function paramPipeCodes(args: RouteArg[]): ErrorCode[] {
  const codes = new Set<ErrorCode>();
  for (const [kind, arg] of args) {
    if (kind !== (RouteParamtypes.PARAM as number)) continue;
    for (const pipe of arg.pipes ?? []) {
      if (pipe === ParseUUIDPipe) codes.add('BAD_REQUEST');
      const factory = (pipe as { exceptionFactory?: (error: string) => unknown } | null)?.exceptionFactory;
      if (typeof factory !== 'function') continue;
      const status = (factory('probe') as { getStatus?: () => number }).getStatus?.();
      codes.add(status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST');
    }
  }
  return [...codes];
}

const exampleName = (code: ErrorCode) => `Problem_${code}`;

/** An example answer for every code, shared by the responses (components.examples). */
export function problemExamples(): Record<string, Schema> {
  return Object.fromEntries(
    (Object.keys(ERROR_STATUS) as ErrorCode[]).map((code) => [
      exampleName(code),
      {
        summary: ERROR_TITLES[code],
        value: buildProblem(code, ERROR_TITLES[code], { requestId: EXAMPLE_IDS.request }),
      },
    ]),
  );
}

/**
 * The operation's notes on its codes, FORBIDDEN saying who may call: the roles the guard lets
 * through (ADR 43), then what the operation's own note adds.
 */
function forbiddenNote(fact: OperationFacts): Partial<Record<ErrorCode, string>> {
  const notes = { ...(fact.declared?.notes ?? {}) };
  if (fact.auth !== 'required' || !fact.roles) return notes;
  const listed = fact.roles.map((role) => `\`${role}\``).join(', ');
  const who = `only the role${fact.roles.length > 1 ? 's' : ''} ${listed} may call`;
  notes.FORBIDDEN = notes.FORBIDDEN ? `${who}; ${notes.FORBIDDEN}` : who;
  return notes;
}

/** One problem+json response documenting `codes` (all of one status), for an operation. */
export function errorResponse(
  codes: ErrorCode[],
  notes: Partial<Record<ErrorCode, string>>,
  headers: Record<string, Schema>,
): Schema {
  const status = ERROR_STATUS[codes[0]];
  return {
    description: codes
      .map(
        (code) => `\`${code}\`: ${notes[code] ?? ERROR_TITLES[code].replace(/^./, (c) => c.toLowerCase())}`,
      )
      .join('; '),
    headers,
    'x-error-codes': codes,
    content: {
      [PROBLEM_CONTENT_TYPE]: {
        schema: {
          allOf: [
            ref('schemas', 'ProblemDto'),
            {
              type: 'object',
              properties: {
                status: { type: 'integer', format: 'int32', enum: [status] },
                code: { type: 'string', enum: codes },
              },
            },
          ],
        },
        examples: Object.fromEntries(codes.map((code) => [code, ref('examples', exampleName(code))])),
      },
    },
  };
}

/**
 * The document-wide conventions the controllers do not repeat (ADR 0033, ADR 0038), all true of
 * the running service by construction:
 * - every error response is generated from codes: the operation's own (@ApiErrors) and those of
 *   its kind (CONVENTIONAL_ERRORS), one problem+json response per status, `code` narrowed to them;
 * - the roles the guard lets through: `x-roles` on the operation, and the 403 says them;
 * - every response carries X-Request-Id, Access-Control-Allow-Origin when CORS allows the origin,
 *   and, where the rate limiter runs, the X-RateLimit-* headers it sets (429: Retry-After);
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
  const shared: Record<string, Schema> = {};
  const used = new Set<string>();

  for (const item of Object.values(doc.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const fact: OperationFacts = (operation.operationId ? facts.get(operation.operationId) : undefined) ?? {
        throttled: true,
        uuidPathParams: [],
      };
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'path' && fact.uuidPathParams.includes(parameter.name)) {
          parameter.schema = { ...(parameter.schema ?? {}), type: 'string', format: 'uuid' };
        }
      }
      const headersFor = (status: string) =>
        status === '431'
          ? // Written by the HTTP server's clientError handler, before the app: no CORS, no limiter.
            headerRefs(['X-Request-Id'])
          : headerRefs([
              ...(status === '429' || status === '503' ? ['Retry-After'] : []),
              ...COMMON_HEADERS,
              ...(fact.throttled ? RATE_LIMIT_HEADERS : []),
            ]);
      const responses = (operation.responses ??= {});
      for (const [status, response] of Object.entries(responses)) {
        if (!response || '$ref' in response) continue;
        response.headers = { ...(response.headers ?? {}), ...headersFor(status) };
      }
      const byStatus = new Map<number, ErrorCode[]>();
      for (const code of errorCodesOf(fact)) {
        const status = ERROR_STATUS[code];
        byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
      }
      if (fact.auth === 'required' && fact.roles) operation['x-roles'] = fact.roles;
      const notes = forbiddenNote(fact);
      for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
        const response = errorResponse(codes, notes, headersFor(String(status)));
        codes.forEach((code) => used.add(code));
        const declaredNote = codes.some((code) => fact.declared?.notes[code]);
        if (declaredNote) {
          responses[String(status)] = response;
          continue;
        }
        // The same codes, roles and headers: one shared component, e.g. Problem_404_NOT_FOUND,
        // Problem_403_FORBIDDEN_for_admin.
        const forRoles = codes.includes('FORBIDDEN') && notes.FORBIDDEN ? ['for', ...(fact.roles ?? [])] : [];
        const name = [
          'Problem',
          status,
          ...codes,
          ...forRoles,
          ...(fact.throttled ? [] : ['unthrottled']),
        ].join('_');
        shared[name] = response;
        responses[String(status)] = ref('responses', name);
      }
    }
  }
  components.examples = {
    ...(components.examples ?? {}),
    ...Object.fromEntries(
      Object.entries(problemExamples()).filter(([name]) => used.has(name.slice('Problem_'.length))),
    ),
  };
  components.responses = {
    ...(components.responses ?? {}),
    ...Object.fromEntries(Object.entries(shared).sort(([a], [b]) => a.localeCompare(b))),
  };
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
