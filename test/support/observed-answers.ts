import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const DOCUMENT = join(__dirname, '..', '..', 'docs', 'openapi.json');
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

/** One answer the API gave: the operation's method and route, its status and problem `code`. */
export interface ObservedAnswer {
  method: string;
  /** The route template the platform matched (`/api/v1/challenges/:id`), or else the request path. */
  route: string;
  status: number;
  code?: string;
}

type Json = Record<string, unknown>;

export interface OpenApiLike {
  paths: Record<string, Record<string, { responses?: Record<string, Json> } | undefined>>;
  components?: { responses?: Record<string, Json> };
}

/** `/api/v1/challenges/:id` → `/api/v1/challenges/{id}`. */
export const openApiPath = (route: string): string => route.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * The operation of the document an answer belongs to: its route template when the platform matched
 * a route, else (an answer given without a route, e.g. to an unknown path) the template the request
 * path matches, preferring literal segments (`/challenges/mine` over `/challenges/{id}`).
 */
function templateOf(document: OpenApiLike, route: string): string | undefined {
  const candidate = openApiPath(route);
  if (document.paths[candidate]) return candidate;
  const matches = Object.keys(document.paths).filter((template) =>
    new RegExp(
      `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`,
    ).test(candidate),
  );
  return matches.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))[0];
}

/** The codes a documented response lists: `x-error-codes`, else the `code` enum of its schema. */
function documentedCodes(response: Json): string[] | undefined {
  if (Array.isArray(response['x-error-codes'])) return response['x-error-codes'] as string[];
  const content = response.content as Record<string, { schema?: Json }> | undefined;
  const schema = content?.['application/problem+json']?.schema;
  const parts = (schema?.allOf as Json[] | undefined) ?? (schema ? [schema] : []);
  for (const part of parts) {
    const code = (part.properties as Record<string, { enum?: string[] }> | undefined)?.code;
    if (code?.enum) return code.enum;
  }
  return undefined;
}

/**
 * Every observed answer the document does not describe, once each: a status the operation does
 * not document, or a problem `code` its response for that status does not list. Answers of routes
 * outside the document (the queue dashboard, test-only controllers, unknown paths) are not its
 * business and pass.
 */
export function undocumentedAnswers(document: OpenApiLike, answers: ObservedAnswer[]): string[] {
  const found = new Set<string>();
  for (const answer of answers) {
    const method = answer.method.toLowerCase();
    if (!METHODS.includes(method)) continue;
    const template = templateOf(document, answer.route);
    const operation = template ? document.paths[template][method] : undefined;
    if (!template || !operation) continue;
    const name = `${answer.method.toUpperCase()} ${template} → ${answer.status}${answer.code ? ` ${answer.code}` : ''}`;
    // Documented everywhere, yet never an answer to give: a 500 is a fault to find, not a contract.
    if (answer.status === 500) {
      found.add(`${name}: an unexpected error (500) answered a request of the suite`);
      continue;
    }
    let response = operation.responses?.[String(answer.status)];
    if (!response) {
      found.add(`${name}: status ${answer.status} not documented`);
      continue;
    }
    if (typeof response.$ref === 'string') {
      response = document.components?.responses?.[response.$ref.split('/').pop() as string] ?? {};
    }
    if (answer.code === undefined) continue;
    const codes = documentedCodes(response);
    if (codes && !codes.includes(answer.code)) {
      found.add(
        `${name}: code ${answer.code} not documented for ${answer.status} (documented: ${codes.join(', ')})`,
      );
    } else if (!codes && answer.status >= 400) {
      found.add(`${name}: the ${answer.status} response lists no codes`);
    }
  }
  return [...found].sort();
}

/**
 * Records every answer of an in-process app (install it before configureApp, so that its hooks run
 * first and see every answer, the request pipeline's refusals included): method, route template,
 * status and the problem `code`, from Fastify's `onSend` (the body, before compression) and
 * `onResponse` hooks.
 */
export function recordAnswers(app: INestApplication): ObservedAnswer[] {
  const answers: ObservedAnswer[] = [];
  const codes = new WeakMap<FastifyRequest, string | undefined>();
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const type = String(reply.getHeader('Content-Type') ?? '');
    if (
      type.startsWith('application/problem+json') &&
      (typeof payload === 'string' || Buffer.isBuffer(payload))
    ) {
      try {
        codes.set(request, (JSON.parse(payload.toString()) as { code?: string }).code);
      } catch {
        codes.set(request, undefined);
      }
    }
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    answers.push({
      method: request.method,
      route: typeof route === 'string' ? route : request.url.split('?')[0],
      status: reply.statusCode,
      code: codes.get(request),
    });
    done();
  });
  return answers;
}

/** Throws, listing them, when the committed docs/openapi.json does not document some answers. */
export function assertAnswersDocumented(answers: ObservedAnswer[]): void {
  const document = JSON.parse(readFileSync(DOCUMENT, 'utf8')) as OpenApiLike;
  const gaps = undocumentedAnswers(document, answers);
  if (gaps.length) {
    throw new Error(
      `The API gave ${gaps.length} answer(s) docs/openapi.json does not document ` +
        `(declare the code with @ApiErrors on the operation, then npm run openapi):\n  ${gaps.join('\n  ')}`,
    );
  }
}
