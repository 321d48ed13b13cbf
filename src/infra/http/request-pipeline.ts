import type { INestApplication } from '@nestjs/common';
import express, { NextFunction, Request, Response } from 'express';
import { sendProblem } from '../../common/errors/problem';
import { mapError } from '../../common/errors/problem.filter';
import { requestIdFrom, runWithRequestContext } from '../../common/request-context/request-context';

/**
 * What runs before Nest's router, in order: request id (echoed as X-Request-Id), JSON body
 * parsing with a size limit (its errors answered as problem+json here, since they happen before
 * any route), then the async context that carries the request id into logs, audit and events.
 */
export function installRequestPipeline(app: INestApplication, bodyLimit: string): void {
  app.use((req: Request & { id?: string }, res: Response, next: NextFunction) => {
    req.id = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('X-Request-Id', req.id);
    next();
  });

  const parseJson = express.json({ limit: bodyLimit, type: ['application/json', 'application/*+json'] });
  app.use((req: Request & { id?: string }, res: Response, next: NextFunction) => {
    parseJson(req, res, (error?: unknown) => {
      if (!error) return next();
      const mapped = mapError(error);
      // The unread rest of an oversized body is discarded, not parsed.
      sendProblem(res, mapped.code, mapped.detail, { requestId: req.id });
    });
  });

  app.use((req: Request & { id?: string }, _res: Response, next: NextFunction) => {
    runWithRequestContext({ requestId: req.id }, next);
  });
}
