import type { IncomingMessage } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import bodyParser from 'body-parser';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../common/errors/domain-error';
import { sendProblem } from '../../common/errors/problem';
import { mapError } from '../../common/errors/problem.filter';
import { runWithRequestContext } from '../../common/request-context/request-context';
import { findUnstorableText, jsonDepthExceeds, pathProblem } from './hostile-input';

export interface RequestPipelineOptions {
  /** BODY_LIMIT: the largest JSON body, `1mb`. */
  bodyLimit: string;
  /** JSON_MAX_DEPTH: the deepest nesting of objects and arrays a JSON body may have. */
  jsonMaxDepth: number;
}

/** The error body-parser passes on when `verify` throws it: mapped to JSON_TOO_DEEP by mapError. */
export class JsonTooDeepError extends Error {
  readonly status = 400;
  readonly type = 'entity.too.deep';
  constructor(readonly maxDepth: number) {
    super(`The request body nests objects and arrays deeper than ${maxDepth} levels`);
    this.name = 'JsonTooDeepError';
  }
}

/** The Fastify instance under a Nest application (http-adapter.ts). */
export function fastifyOf(app: INestApplication): FastifyInstance {
  return app.getHttpAdapter().getInstance() as FastifyInstance;
}

/**
 * Checks the raw body before it is parsed: refuses nesting deeper than `maxDepth` in one
 * iterative pass, so nothing after the parser (class-transformer, class-validator) recurses on it.
 */
function depthVerifier(maxDepth: number) {
  return (_req: IncomingMessage, _res: unknown, body: Buffer, encoding: string): void => {
    let json: Uint8Array | string = body;
    if (encoding.toLowerCase() !== 'utf-8' && encoding.toLowerCase() !== 'utf8') {
      // UTF-16 bodies: bytes of a non-ASCII character could pass for brackets, so decode first.
      // A charset TextDecoder does not know (UTF-32) is refused like any unsupported one.
      try {
        json = new TextDecoder(encoding).decode(body);
      } catch {
        throw Object.assign(new Error(`unsupported charset "${encoding.toUpperCase()}"`), {
          status: 415,
          type: 'charset.unsupported',
        });
      }
    }
    if (jsonDepthExceeds(json, maxDepth)) throw new JsonTooDeepError(maxDepth);
  };
}

/**
 * Anything refused before the route (a body-parser error, bad text) as a DomainError, so that it
 * reaches the problem filter as it is: Nest's error handler would turn body-parser's SyntaxError
 * into a plain 400 BAD_REQUEST instead of MALFORMED_JSON.
 */
function refusal(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  const mapped = mapError(error);
  return new DomainError(mapped.code, mapped.detail, {
    errors: mapped.errors,
    headers: mapped.headers,
    extra: mapped.extra,
  });
}

/** First of all: the request id (`request.id`, http-adapter.ts), echoed as X-Request-Id on every answer, refusals and preflights included. */
export function installRequestId(app: INestApplication): void {
  fastifyOf(app).addHook('onSend', (request, reply, payload, done) => {
    reply.header('X-Request-Id', request.id);
    done(null, payload);
  });
}

/**
 * What runs before the route's handler, after the request id, the security headers and CORS (so
 * that its refusals carry their headers and a browser may read them), in order (ADR 0034):
 * 1. the path and the query string: a path that is not percent-encoded UTF-8, or a path or query
 *    value or name with text PostgreSQL cannot store (U+0000, unpaired surrogates) → 400;
 * 2. JSON body parsing (`application/json`, `application/*+json`) with body-parser, as a Fastify
 *    content-type parser: a size limit (413 PAYLOAD_TOO_LARGE), a depth limit checked on the raw
 *    bytes before parsing (400 JSON_TOO_DEEP), charsets (415), malformed JSON → 400
 *    MALFORMED_JSON; other bodies are left unread, as before (multipart has its own parser);
 * 3. every string and key of the parsed body checked like the query → 400 VALIDATION_FAILED;
 * 4. the async context that carries the request id into logs, audit and events, around the
 *    guards, interceptors and handler.
 * Refusals go to Nest's error handler as DomainErrors, and so to the problem filter.
 */
export function installRequestPipeline(app: INestApplication, options: RequestPipelineOptions): void {
  const fastify = fastifyOf(app);
  fastify.addHook('onRequest', (request, _reply, done) => {
    const url = request.url;
    const query = url.indexOf('?');
    const path = pathProblem(query === -1 ? url : url.slice(0, query));
    if (path) return done(DomainError.validation([{ field: 'path', message: path }], path));
    const errors = query === -1 ? [] : findUnstorableText(request.query);
    if (errors.length) return done(DomainError.validation(errors));
    done();
  });

  const parseJson = bodyParser.json({
    limit: options.bodyLimit,
    type: ['application/json', 'application/*+json'],
    verify: depthVerifier(options.jsonMaxDepth),
  });
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (request: FastifyRequest, _payload, done) => {
    const raw = request.raw as IncomingMessage & { body?: unknown };
    parseJson(raw, undefined as never, (error?: unknown) => {
      // The unread rest of an oversized body is discarded, not parsed.
      if (error) return done(refusal(error), undefined);
      const errors = findUnstorableText(raw.body);
      if (errors.length) return done(DomainError.validation(errors), undefined);
      done(null, raw.body);
    });
  });

  fastify.addHook('preHandler', (request, _reply, done) => {
    runWithRequestContext({ requestId: request.id }, done);
  });
}

/**
 * Fastify's `frameworkErrors` (http-adapter.ts): a URL whose path parameters are not valid
 * percent-encoding is refused by the router before any hook runs; it gets the answer the path
 * check gives (400 VALIDATION_FAILED naming `path`), with the request id.
 */
export function answerFrameworkError(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  const url = request.raw.url ?? '/';
  const message = pathProblem(url.split('?')[0]) ?? 'The path is not valid percent-encoded UTF-8';
  const mapped = mapError(
    /BAD_URL/.test((error as { code?: string }).code ?? '')
      ? DomainError.validation([{ field: 'path', message }], message)
      : error,
  );
  reply.header('X-Request-Id', request.id);
  sendProblem(reply, mapped.code, mapped.detail, {
    ...mapped.extra,
    errors: mapped.errors,
    headers: mapped.headers,
    requestId: request.id,
  });
}
