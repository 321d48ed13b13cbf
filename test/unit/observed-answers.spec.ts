import { Controller, Get, NotFoundException, Param, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import { ProblemFilter } from '../../src/common/errors/problem.filter';
import { DomainError } from '../../src/common/errors/domain-error';
import { installRequestPipeline } from '../../src/infra/http/request-pipeline';
import { OpenApiLike, recordAnswers, undocumentedAnswers } from '../support/observed-answers';
import { createHttpAdapter } from '../../src/infra/http/http-adapter';

const problem = (codes: string[]) => ({
  description: codes.join(', '),
  'x-error-codes': codes,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } },
});

/** A small document: two operations, errors inline, shared, or listed only by their schema. */
const document: OpenApiLike = {
  paths: {
    '/api/v1/things/{id}': {
      get: {
        responses: {
          '200': { description: 'ok' },
          '404': { $ref: '#/components/responses/Problem_404_NOT_FOUND' },
        },
      },
      post: {
        responses: {
          '201': { description: 'created' },
          '409': problem(['VERSION_MISMATCH', 'INVALID_STATE_TRANSITION']),
          '422': {
            description: 'schema only',
            content: {
              'application/problem+json': {
                schema: { allOf: [{ $ref: '#' }, { properties: { code: { enum: ['DEADLINE_PASSED'] } } }] },
              },
            },
          },
        },
      },
    },
    '/api/v1/things/mine': { get: { responses: { '200': { description: 'ok' } } } },
    '/health/live': { get: { responses: { '200': { description: 'ok' } } } },
  },
  components: { responses: { Problem_404_NOT_FOUND: problem(['NOT_FOUND']) } },
};

describe('undocumentedAnswers', () => {
  it('passes documented statuses and codes, whether the response is inline, shared or a schema enum', () => {
    expect(
      undocumentedAnswers(document, [
        { method: 'GET', route: '/api/v1/things/:id', status: 200 },
        { method: 'GET', route: '/api/v1/things/:id', status: 404, code: 'NOT_FOUND' },
        { method: 'POST', route: '/api/v1/things/:id', status: 409, code: 'INVALID_STATE_TRANSITION' },
        { method: 'POST', route: '/api/v1/things/:id', status: 422, code: 'DEADLINE_PASSED' },
        { method: 'GET', route: '/health/live', status: 200 },
      ]),
    ).toEqual([]);
  });

  it('names each undocumented status and code once, with its operation', () => {
    expect(
      undocumentedAnswers(document, [
        { method: 'GET', route: '/api/v1/things/:id', status: 409, code: 'CONFLICT' },
        { method: 'GET', route: '/api/v1/things/:id', status: 409, code: 'CONFLICT' },
        { method: 'GET', route: '/api/v1/things/:id', status: 404, code: 'NDA_REQUIRED' },
        { method: 'POST', route: '/api/v1/things/:id', status: 422, code: 'BUSINESS_RULE_VIOLATION' },
        { method: 'POST', route: '/api/v1/things/:id', status: 200 },
        { method: 'GET', route: '/health/live', status: 500, code: 'INTERNAL_ERROR' },
      ]),
    ).toEqual([
      'GET /api/v1/things/{id} → 404 NDA_REQUIRED: code NDA_REQUIRED not documented for 404 (documented: NOT_FOUND)',
      'GET /api/v1/things/{id} → 409 CONFLICT: status 409 not documented',
      'GET /health/live → 500 INTERNAL_ERROR: an unexpected error (500) answered a request of the suite',
      'POST /api/v1/things/{id} → 200: status 200 not documented',
      'POST /api/v1/things/{id} → 422 BUSINESS_RULE_VIOLATION: code BUSINESS_RULE_VIOLATION not documented for 422 (documented: DEADLINE_PASSED)',
    ]);
  });

  it('names every 500, documented or not: a fault to find, never an answer of the contract', () => {
    const documented = {
      ...document,
      paths: {
        ...document.paths,
        '/api/v1/things/{id}': {
          ...document.paths['/api/v1/things/{id}'],
          get: {
            ...document.paths['/api/v1/things/{id}'].get,
            responses: {
              ...document.paths['/api/v1/things/{id}'].get?.responses,
              '500': { 'x-error-codes': ['INTERNAL_ERROR'] },
            },
          },
        },
      },
    };
    expect(
      undocumentedAnswers(documented, [
        { method: 'GET', route: '/api/v1/things/:id', status: 500, code: 'INTERNAL_ERROR' },
      ]),
    ).toEqual([
      'GET /api/v1/things/{id} → 500 INTERNAL_ERROR: an unexpected error (500) answered a request of the suite',
    ]);
  });

  it('finds the operation of an answer given before routing by its path, literal segments first', () => {
    expect(
      undocumentedAnswers(document, [
        { method: 'POST', route: '/api/v1/things/7', status: 400, code: 'MALFORMED_JSON' },
        { method: 'GET', route: '/api/v1/things/mine', status: 404, code: 'NOT_FOUND' },
      ]),
    ).toEqual([
      'GET /api/v1/things/mine → 404 NOT_FOUND: status 404 not documented',
      'POST /api/v1/things/{id} → 400 MALFORMED_JSON: status 400 not documented',
    ]);
  });

  it('leaves alone what the document does not describe: other paths and methods', () => {
    expect(
      undocumentedAnswers(document, [
        { method: 'GET', route: '/api/v1/admin/queues/api/queues', status: 500 },
        { method: 'DELETE', route: '/api/v1/things/:id', status: 405, code: 'METHOD_NOT_ALLOWED' },
        { method: 'OPTIONS', route: '/api/v1/things/:id', status: 204 },
        { method: 'GET', route: '/docs', status: 200 },
      ]),
    ).toEqual([]);
  });
});

@Controller('things')
class ThingsController {
  @Get(':id')
  get(@Param('id') id: string): string {
    if (id === 'gone') throw new NotFoundException();
    if (id === 'late') throw new DomainError('DEADLINE_PASSED', 'too late');
    return id;
  }

  @Post(':id')
  touch(): string {
    return 'ok';
  }
}

describe('recordAnswers', () => {
  it('records method, route template, status and problem code of every answer, the body parser’s too', async () => {
    // Fastify routes a request before it parses the body: a body refused as malformed JSON is
    // recorded under its route template (Express answered it before routing, under its path).
    const module = await Test.createTestingModule({ controllers: [ThingsController] }).compile();
    const app = module.createNestApplication(createHttpAdapter(), { bodyParser: false, logger: false });
    const answers = recordAnswers(app);
    installRequestPipeline(app, { bodyLimit: '1kb', jsonMaxDepth: 32 });
    app.setGlobalPrefix('api/v1');
    app.useGlobalFilters(new ProblemFilter());
    await app.init();
    await (app.getHttpAdapter().getInstance() as FastifyInstance).ready();
    const http = request(app.getHttpServer());
    try {
      await http.get('/api/v1/things/7').expect(200);
      await http.get('/api/v1/things/gone').expect(404);
      await http.get('/api/v1/things/late').expect(422);
      await http.post('/api/v1/things/7').set('Content-Type', 'application/json').send('{"a":').expect(400);
      expect(answers).toEqual([
        { method: 'GET', route: '/api/v1/things/:id', status: 200, code: undefined },
        { method: 'GET', route: '/api/v1/things/:id', status: 404, code: 'NOT_FOUND' },
        { method: 'GET', route: '/api/v1/things/:id', status: 422, code: 'DEADLINE_PASSED' },
        { method: 'POST', route: '/api/v1/things/:id', status: 400, code: 'MALFORMED_JSON' },
      ]);
    } finally {
      await app.close();
    }
  });
});
