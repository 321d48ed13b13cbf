import type { IncomingMessage } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import express, { NextFunction, Request, Response } from 'express';
import { DomainError } from '../../common/errors/domain-error';
import { sendProblem } from '../../common/errors/problem';
import { mapError } from '../../common/errors/problem.filter';
import { requestIdFrom, runWithRequestContext } from '../../common/request-context/request-context';
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

/** First of all: the request id, echoed as X-Request-Id on every answer, errors of the pipeline included. */
export function installRequestId(app: INestApplication): void {
  app.use((req: Request & { id?: string }, res: Response, next: NextFunction) => {
    req.id = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('X-Request-Id', req.id);
    next();
  });
}

/**
 * What runs before Nest's router, after the request id, helmet and CORS (so that its refusals
 * carry their headers and a browser may read them), in order (ADR 0034):
 * 1. the path and the query string: a path that is not percent-encoded UTF-8, or a path or query
 *    value or name with text PostgreSQL cannot store (U+0000, unpaired surrogates) → 400;
 * 2. JSON body parsing with a size limit (413 PAYLOAD_TOO_LARGE) and a depth limit checked on the
 *    raw bytes before parsing (400 JSON_TOO_DEEP); malformed JSON → 400 MALFORMED_JSON;
 * 3. every string and key of the parsed body checked like the query → 400 VALIDATION_FAILED;
 * 4. the async context that carries the request id into logs, audit and events.
 * Errors here happen before any route, so they are answered here, as problem+json.
 */
export function installRequestPipeline(app: INestApplication, options: RequestPipelineOptions): void {
  app.use((req: Request & { id?: string }, res: Response, next: NextFunction) => {
    const path = pathProblem(req.path);
    if (path) return refuse(req, res, DomainError.validation([{ field: 'path', message: path }], path));
    const errors = findUnstorableText(req.query);
    if (errors.length) return refuse(req, res, DomainError.validation(errors));
    next();
  });

  const parseJson = express.json({
    limit: options.bodyLimit,
    type: ['application/json', 'application/*+json'],
    verify: depthVerifier(options.jsonMaxDepth),
  });
  app.use((req: Request & { id?: string }, res: Response, next: NextFunction) => {
    parseJson(req, res, (error?: unknown) => {
      // The unread rest of an oversized body is discarded, not parsed.
      if (error) return refuse(req, res, error);
      const errors = findUnstorableText(req.body);
      if (errors.length) return refuse(req, res, DomainError.validation(errors));
      next();
    });
  });

  app.use((req: Request & { id?: string }, _res: Response, next: NextFunction) => {
    runWithRequestContext({ requestId: req.id }, next);
  });
}

function refuse(req: Request & { id?: string }, res: Response, error: unknown): void {
  const mapped = mapError(error);
  sendProblem(res, mapped.code, mapped.detail, {
    ...mapped.extra,
    errors: mapped.errors,
    headers: mapped.headers,
    requestId: req.id,
  });
}
