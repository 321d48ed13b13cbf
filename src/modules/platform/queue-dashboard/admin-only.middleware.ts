import type { NextFunction, Request, Response } from 'express';
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

/**
 * The queue dashboard is express middleware outside Nest's guards, so it checks the caller here
 * with the same JWT strategy: a bearer access token, or the dashboard cookie holding one; admins only.
 */
export function adminOnly(req: Request & { id?: string }, res: Response, next: NextFunction): void {
  if (!req.headers.authorization) {
    const token = readCookie(req.headers.cookie, DASHBOARD_COOKIE);
    if (token) req.headers.authorization = `Bearer ${token}`;
  }
  const authenticate = passport.authenticate(
    JWT_STRATEGY,
    { session: false },
    (error: unknown, principal: Principal | false) => {
      if (error || !principal) {
        sendProblem(res, 'UNAUTHENTICATED', 'An admin access token is required', {
          requestId: req.id,
          headers: { 'WWW-Authenticate': 'Bearer' },
        });
      } else if (!isAdmin(principal)) {
        sendProblem(res, 'FORBIDDEN', 'The queue dashboard is for admins only', { requestId: req.id });
      } else {
        next();
      }
    },
  ) as (req: Request, res: Response, next: NextFunction) => void;
  authenticate(req, res, next);
}
