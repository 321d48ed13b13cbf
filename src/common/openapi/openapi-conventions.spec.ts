import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { SkipThrottle } from '@nestjs/throttler';
import { Authenticated, OptionalAuth, Public } from '../auth/decorators';
import { ApiIfMatch } from '../concurrency/etag';
import { ApiErrors } from '../errors/api-errors';
import { createHttpAdapter } from '../../infra/http/http-adapter';
import {
  applyOpenApiConventions,
  collectOperationFacts,
  errorCodesOf,
  OperationFacts,
} from './openapi-conventions';

@Controller('things')
class ThingsController {
  @Get(':id')
  @OptionalAuth()
  get(@Param('id', new ParseUUIDPipe()) id: string, @Param('code') _code: string): string {
    return id;
  }

  @Post(':id/touch')
  @SkipThrottle()
  @Authenticated({ roles: ['admin'] })
  @ApiIfMatch()
  @ApiErrors('NOT_FOUND', { INVALID_STATE_TRANSITION: 'not in this state' })
  touch(
    @Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string,
    @Body() _body: object,
  ): string {
    return id;
  }
}

@SkipThrottle()
@Public()
@Controller('probes')
class ProbesController {
  @Get('live')
  live(): string {
    return 'ok';
  }
}

const problem = { schema: { $ref: '#/components/schemas/ProblemDto' } };

function documentWith(paths: Record<string, unknown>): OpenAPIObject {
  return {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths,
    components: { schemas: {} },
  } as unknown as OpenAPIObject;
}

interface DocResponse {
  description?: string;
  content?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  $ref?: string;
}

type Doc = {
  servers: Array<Record<string, unknown>>;
  paths: Record<
    string,
    Record<
      string,
      {
        parameters: Array<Record<string, unknown>>;
        responses: Record<string, DocResponse & Record<string, unknown>>;
      }
    >
  >;
  components: {
    responses: Record<string, DocResponse>;
    headers: Record<string, { schema: unknown }>;
    examples: Record<string, { value: unknown }>;
  };
};

describe('OpenAPI conventions', () => {
  it('reads throttling and ParseUUIDPipe parameters from the controllers, by operationId', async () => {
    const module = await Test.createTestingModule({
      controllers: [ThingsController, ProbesController],
    }).compile();
    const app = module.createNestApplication(createHttpAdapter(), { logger: false });
    const facts = collectOperationFacts(app, (c, m) => `${c.replace(/Controller$/, '')}_${m}`);
    expect(Object.fromEntries(facts)).toEqual({
      Things_get: {
        throttled: true,
        uuidPathParams: ['id'],
        auth: 'optional',
        restricted: true,
        allowWithoutMfa: false,
        strictRateLimit: false,
        jsonBody: false,
        validatedInput: false,
        paramPipeCodes: ['BAD_REQUEST'],
        ifMatch: false,
        idempotent: false,
        declared: undefined,
      },
      Things_touch: {
        throttled: false,
        uuidPathParams: ['id'],
        auth: 'required',
        restricted: true,
        roles: ['admin'],
        allowWithoutMfa: false,
        strictRateLimit: false,
        jsonBody: true,
        validatedInput: true,
        paramPipeCodes: ['NOT_FOUND'],
        ifMatch: true,
        idempotent: true,
        declared: {
          codes: ['NOT_FOUND', 'INVALID_STATE_TRANSITION'],
          notes: { INVALID_STATE_TRANSITION: 'not in this state' },
        },
      },
      Probes_live: expect.objectContaining({ throttled: false, auth: 'public', paramPipeCodes: [] }),
    });
    await app.close();
  });

  const notFound = { codes: ['NOT_FOUND' as const], notes: {} };
  const facts = new Map<string, OperationFacts>([
    ['Things_get', { throttled: true, uuidPathParams: ['id'], auth: 'public', declared: notFound }],
    ['Probes_live', { throttled: false, uuidPathParams: [], auth: 'public' }],
    ['Files_download', { throttled: true, uuidPathParams: [], auth: 'required', declared: notFound }],
    [
      'Things_touch',
      {
        throttled: false,
        uuidPathParams: [],
        auth: 'required',
        restricted: true,
        roles: ['admin', 'audit_admin'],
        jsonBody: true,
        validatedInput: true,
        ifMatch: true,
        declared: { codes: ['INVALID_STATE_TRANSITION'], notes: { INVALID_STATE_TRANSITION: 'not now' } },
      },
    ],
  ]);
  const doc = applyOpenApiConventions(
    documentWith({
      '/things/{id}': {
        get: {
          operationId: 'Things_get',
          parameters: [
            { name: 'id', in: 'path', schema: { type: 'string' } },
            { name: 'code', in: 'path', schema: { type: 'string' } },
            { name: 'year', in: 'query', schema: { type: 'integer', minimum: 2000, maximum: 2100 } },
            { name: 'totalFen', in: 'query', schema: { type: 'integer', minimum: 0 } },
            {
              name: 'kinds',
              in: 'query',
              schema: { type: 'array', uniqueItems: true, items: { type: 'string', enum: ['a', 'b', 'c'] } },
            },
            { name: 'tags', in: 'query', schema: { type: 'array', items: { type: 'string', enum: ['a'] } } },
          ],
          responses: {
            '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } },
            '404': { description: 'none', content: { 'application/json': problem } },
          },
        },
      },
      '/things/{id}/touch': {
        post: { operationId: 'Things_touch', responses: { '200': { description: 'ok' } } },
      },
      '/probes/live': {
        get: { operationId: 'Probes_live', responses: { '200': { description: 'ok' } } },
      },
      '/files/{id}': {
        get: {
          operationId: 'Files_download',
          responses: {
            '200': {
              description: 'bytes',
              content: { 'application/octet-stream': { schema: { type: 'string' } } },
            },
            '404': { description: 'none', content: { 'application/octet-stream': problem } },
          },
        },
      },
    }),
    facts,
  ) as unknown as Doc;

  const shared = (name: string) => doc.components.responses[name];

  it('generates the error responses from codes: declared ones and those of the operation kind', () => {
    const responses = doc.paths['/things/{id}'].get.responses;
    expect(Object.keys(responses)).toEqual(['200', '400', '404', '429', '431', '500', '503']);
    expect(responses['404']).toEqual({ $ref: '#/components/responses/Problem_404_NOT_FOUND' });
    expect(doc.paths['/files/{id}'].get.responses['404']).toEqual(responses['404']);
    expect(Object.keys(doc.paths['/files/{id}'].get.responses)).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '429',
      '431',
      '500',
      '503',
    ]);
    expect(shared('Problem_404_NOT_FOUND')).toMatchObject({
      'x-error-codes': ['NOT_FOUND'],
      content: {
        'application/problem+json': {
          schema: {
            allOf: [
              { $ref: '#/components/schemas/ProblemDto' },
              { properties: { status: { enum: [404] }, code: { enum: ['NOT_FOUND'] } } },
            ],
          },
          examples: { NOT_FOUND: { $ref: '#/components/examples/Problem_NOT_FOUND' } },
        },
      },
    });
    expect(doc.components.examples.Problem_NOT_FOUND.value).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(doc.components.examples).not.toHaveProperty('Problem_CONFLICT');
  });

  it('groups codes by status, in ERROR_STATUS order, and keeps the notes of an operation inline', () => {
    const responses = doc.paths['/things/{id}/touch'].post.responses;
    expect(Object.keys(responses)).toEqual([
      '200',
      '400',
      '401',
      '403',
      '409',
      '413',
      '415',
      '431',
      '500',
      '503',
    ]);
    expect(shared('Problem_400_VALIDATION_FAILED_MALFORMED_JSON_JSON_TOO_DEEP_unthrottled')).toMatchObject({
      'x-error-codes': ['VALIDATION_FAILED', 'MALFORMED_JSON', 'JSON_TOO_DEEP'],
    });
    // Written by the HTTP server before the app: the request id alone, no CORS, no rate limit.
    expect(
      Object.keys(shared('Problem_431_REQUEST_HEADER_FIELDS_TOO_LARGE_unthrottled').headers ?? {}),
    ).toEqual(['X-Request-Id']);
    expect(responses['409']).toMatchObject({
      description:
        '`VERSION_MISMATCH`: the resource has changed since you read it; `INVALID_STATE_TRANSITION`: not now',
      'x-error-codes': ['VERSION_MISMATCH', 'INVALID_STATE_TRANSITION'],
    });
    expect(Object.keys(responses['409'].headers ?? {})).toEqual([
      'X-Request-Id',
      'Access-Control-Allow-Origin',
    ]);
  });

  it('says who may call: x-roles on the operation, the roles in its 403 (one shared response per roles)', () => {
    const operation = doc.paths['/things/{id}/touch'].post as { 'x-roles'?: string[]; responses: object };
    expect(operation['x-roles']).toEqual(['admin', 'audit_admin']);
    expect(doc.paths['/things/{id}/touch'].post.responses['403']).toEqual({
      $ref: '#/components/responses/Problem_403_FORBIDDEN_MFA_ENROLMENT_REQUIRED_for_admin_audit_admin_unthrottled',
    });
    // Administrators' sessions also need MFA (ADR 0044): the same 403 names both codes.
    expect(
      shared('Problem_403_FORBIDDEN_MFA_ENROLMENT_REQUIRED_for_admin_audit_admin_unthrottled').description,
    ).toMatch(/^`FORBIDDEN`: only the roles `admin`, `audit_admin` may call; `MFA_ENROLMENT_REQUIRED`: /);
  });

  it('documents only what is refused before any route where nothing else can fail (liveness), and 429 and 503 with Retry-After', () => {
    expect(Object.keys(doc.paths['/probes/live'].get.responses)).toEqual(['200', '400', '431']);
    expect(Object.keys(shared('Problem_429_RATE_LIMITED').headers ?? {})).toContain('Retry-After');
    expect(Object.keys(shared('Problem_503_SERVICE_UNAVAILABLE').headers ?? {})).toContain('Retry-After');
  });

  it('derives the conventional codes from facts alone', () => {
    expect(errorCodesOf({ throttled: false, uuidPathParams: [], auth: 'public' })).toEqual([
      'VALIDATION_FAILED',
      'REQUEST_HEADER_FIELDS_TOO_LARGE',
    ]);
    expect(
      errorCodesOf({
        throttled: true,
        uuidPathParams: [],
        auth: 'required',
        restricted: true,
        idempotent: true,
      }),
    ).toEqual([
      'VALIDATION_FAILED',
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'MFA_ENROLMENT_REQUIRED',
      'IDEMPOTENCY_KEY_IN_USE',
      'IDEMPOTENCY_KEY_REUSED',
      'RATE_LIMITED',
      'REQUEST_HEADER_FIELDS_TOO_LARGE',
      'INTERNAL_ERROR',
      'SERVICE_UNAVAILABLE',
    ]);
    expect(errorCodesOf({ throttled: false, uuidPathParams: [], auth: 'optional' })).toContain(
      'UNAUTHENTICATED',
    );
    // Enrolment, /me and logout (@AllowWithoutMfa) are open to an administrator without MFA.
    expect(
      errorCodesOf({ throttled: true, uuidPathParams: [], auth: 'required', allowWithoutMfa: true }),
    ).not.toContain('MFA_ENROLMENT_REQUIRED');
    expect(errorCodesOf({ throttled: true, uuidPathParams: [], auth: 'required' })).toContain(
      'MFA_ENROLMENT_REQUIRED',
    );
  });

  it('puts the rate-limit headers on throttled operations only, the request id everywhere', () => {
    const headers = (path: string, code: string) =>
      Object.keys(doc.paths[path].get.responses[code].headers as Record<string, unknown>);
    expect(headers('/things/{id}', '200')).toEqual([
      'X-Request-Id',
      'Access-Control-Allow-Origin',
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-RateLimit-Reset',
    ]);
    expect(headers('/probes/live', '200')).toEqual(['X-Request-Id', 'Access-Control-Allow-Origin']);
    expect(doc.components.headers['X-RateLimit-Limit'].schema).toMatchObject({
      type: 'integer',
      format: 'int32',
    });
  });

  it('bounds UUIDs and arrays of distinct enum values, and gives integers a format from their bounds', () => {
    const [id, code, year, total, kinds, tags] = doc.paths['/things/{id}'].get.parameters.map(
      (p) => p.schema,
    );
    expect(id).toEqual({ type: 'string', format: 'uuid', maxLength: 36 });
    expect(code).toEqual({ type: 'string' });
    expect(year).toMatchObject({ format: 'int32' });
    expect(total).toMatchObject({ format: 'int64' });
    expect(kinds).toMatchObject({ maxItems: 3 });
    expect(tags).not.toHaveProperty('maxItems');
  });

  it('declares this deployment as the server, public', () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/', 'x-internal': false })]);
  });
});
