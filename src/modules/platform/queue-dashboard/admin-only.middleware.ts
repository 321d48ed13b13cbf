import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import passport from 'passport';
import { isAdmin, Principal } from '../../../common/auth/principal';
import { JWT_STRATEGY } from '../../../common/auth/strategy-names';
import { sendProblem } from '../../../common/errors/problem';

/** The HttpOnly cookie a browser carries to the dashboard, set by POST /queue-dashboard/session. */
export const DASHBOARD_COOKIE = 'jb_queue_dashboard';

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

type Authenticate = (req: IncomingMessage, res: unknown, next: (error?: unknown) => void) => void;

/**
 * The queue dashboard is a Fastify plugin outside Nest's guards, so this `onRequest` hook of its
 * scope checks the caller with the same JWT strategy: a bearer access token, or the dashboard
 * cookie holding one; admins only. Refusals are answered here (the plugin's own error handler
 * would not answer problem+json).
 */
export function adminOnly(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  const req = request.raw;
  if (!req.headers.authorization) {
    const token = readCookie(req.headers.cookie, DASHBOARD_COOKIE);
    if (token) req.headers.authorization = `Bearer ${token}`;
  }
  const authenticate = passport.authenticate(
    JWT_STRATEGY,
    { session: false },
    (error: unknown, principal: Principal | false) => {
      if (error || !principal) {
        sendProblem(reply, 'UNAUTHENTICATED', 'An admin access token is required', {
          requestId: request.id,
          headers: { 'WWW-Authenticate': 'Bearer' },
        });
      } else if (!isAdmin(principal)) {
        sendProblem(reply, 'FORBIDDEN', 'The queue dashboard is for admins only', { requestId: request.id });
      } else {
        done();
      }
    },
  ) as Authenticate;
  authenticate(req, reply.raw, (error?: unknown) => {
    // Only reached if the strategy neither succeeded nor failed through the callback.
    if (error)
      sendProblem(reply, 'UNAUTHENTICATED', 'An admin access token is required', { requestId: request.id });
  });
}
