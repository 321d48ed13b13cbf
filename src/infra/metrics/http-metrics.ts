import type { INestApplication } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fastifyOf } from '../http/request-pipeline';
import { Metrics } from './metrics';

/** The `route` label of a request no route matched (404s, refusals before routing): never its URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The HTTP histogram (ADR 0063): one observation per answer, in Fastify's `onResponse` hook (after
 * the answer is sent, so it adds nothing to the response time), labelled by the route TEMPLATE
 * Fastify matched (`/api/v1/challenges/:id`), never the raw URL, so the label set stays bounded;
 * the duration is Fastify's own `reply.elapsedTime`. One hash look-up per request.
 */
export function installHttpMetrics(app: INestApplication): void {
  const histogram = app.get(Metrics).httpDuration;
  fastifyOf(app).addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    histogram.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? UNMATCHED_ROUTE,
        status_code: reply.statusCode,
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
