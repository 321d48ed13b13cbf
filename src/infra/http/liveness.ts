import type { FastifyInstance, RouteOptions } from 'fastify';

/** The liveness probe's path and answer (HealthController.live documents them). */
export const LIVENESS_PATH = '/health/live';
export const LIVENESS_BODY = { status: 'ok' } as const;
/** Readiness (the API's HealthController, the worker's WorkerHealth): each dependency's ping must answer within this. */
export const READINESS_PING_TIMEOUT_MS = 1_500;

/**
 * Liveness answered by the platform (ADR 0057). The route stays Nest's — declared and documented by
 * `HealthController.live`, with its hooks: the request id, the security headers, the completion
 * log — but its handler is replaced, when Fastify registers it, by one that answers at once,
 * without Nest's guards, interceptors, pipes and filter. Liveness is public, never rate limited
 * and takes no input, so none of them has anything to do there; skipping them means nothing in
 * the application can make a live process look dead, and the probe costs what a bare Fastify
 * route costs. Readiness (`/health/ready`) still goes through Nest: it asks the dependencies.
 */
export function installLiveness(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.url !== LIVENESS_PATH || !methods.some((m) => m === 'GET' || m === 'HEAD')) return;
    route.handler = (_request, reply) => reply.send(LIVENESS_BODY);
  });
}
