import { Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { SkipThrottle } from '@nestjs/throttler';
import { applyOpenApiConventions, collectOperationFacts, OperationFacts } from './openapi-conventions';

@Controller('things')
class ThingsController {
  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string, @Param('code') _code: string): string {
    return id;
  }

  @Post(':id/touch')
  @SkipThrottle()
  touch(@Param('id') id: string): string {
    return id;
  }
}

@SkipThrottle()
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
  content?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  $ref?: string;
  description?: string;
}

type Doc = {
  servers: Array<Record<string, unknown>>;
  paths: Record<
    string,
    Record<string, { parameters: Array<Record<string, unknown>>; responses: Record<string, DocResponse> }>
  >;
  components: {
    responses: Record<string, DocResponse>;
    headers: Record<string, { schema: unknown }>;
  };
};

describe('OpenAPI conventions', () => {
  it('reads throttling and ParseUUIDPipe parameters from the controllers, by operationId', async () => {
    const module = await Test.createTestingModule({
      controllers: [ThingsController, ProbesController],
    }).compile();
    const app = module.createNestApplication({ logger: false });
    const facts = collectOperationFacts(app, (c, m) => `${c.replace(/Controller$/, '')}_${m}`);
    expect(Object.fromEntries(facts)).toEqual({
      Things_get: { throttled: true, uuidPathParams: ['id'] },
      Things_touch: { throttled: false, uuidPathParams: [] },
      Probes_live: { throttled: false, uuidPathParams: [] },
    });
    await app.close();
  });

  const facts = new Map<string, OperationFacts>([
    ['Things_get', { throttled: true, uuidPathParams: ['id'] }],
    ['Probes_live', { throttled: false, uuidPathParams: [] }],
    ['Files_download', { throttled: true, uuidPathParams: [] }],
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

  it('documents errors as problem+json, whatever the content type the route produces', () => {
    expect(doc.paths['/things/{id}'].get.responses['404'].content).toEqual({
      'application/problem+json': problem,
    });
    expect(doc.paths['/files/{id}'].get.responses['404'].content).toEqual({
      'application/problem+json': problem,
    });
    expect(doc.paths['/files/{id}'].get.responses['200'].content).toHaveProperty('application/octet-stream');
  });

  it('adds 429 where the rate limiter runs and 500 where the operation can fail at all', () => {
    expect(doc.paths['/things/{id}'].get.responses['429']).toEqual({
      $ref: '#/components/responses/TooManyRequests',
    });
    expect(doc.paths['/things/{id}'].get.responses['500']).toEqual({
      $ref: '#/components/responses/InternalError',
    });
    expect(Object.keys(doc.paths['/probes/live'].get.responses)).toEqual(['200', '400', '431']);
    expect(Object.keys(doc.components.responses.TooManyRequests.headers ?? {})).toContain('Retry-After');
    expect(doc.components.responses.TooManyRequests.content).toHaveProperty('application/problem+json');
  });

  it('adds the 400 and 431 any request can get where the operation does not document them (ADR 0034)', () => {
    expect(doc.paths['/probes/live'].get.responses['400']).toEqual({
      $ref: '#/components/responses/MalformedRequest',
    });
    expect(doc.paths['/things/{id}'].get.responses['431']).toEqual({
      $ref: '#/components/responses/RequestHeaderFieldsTooLarge',
    });
    expect(doc.components.responses.MalformedRequest.description).toMatch(/JSON_TOO_DEEP/);
    expect(doc.components.responses.RequestHeaderFieldsTooLarge.content).toHaveProperty(
      'application/problem+json',
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
