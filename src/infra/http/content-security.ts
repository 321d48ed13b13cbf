import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * helmet everywhere, with two Content-Security-Policies. The API's answers carry helmet's strict
 * default (no inline code, `upgrade-insecure-requests`). The browser pages (Swagger UI at /docs,
 * the queue dashboard) get one that works over plain HTTP under any host name: no
 * `upgrade-insecure-requests` (which sent their scripts and styles to https and left a blank page
 * on http://<host>:3000/docs), and the inline styles and scripts those pages ship. Nothing from
 * other sites: bull-board's Google Fonts stylesheet stays blocked (it falls back to system fonts).
 */
export function installSecurityHeaders(
  use: (handler: RequestHandler) => void,
  browserPagePrefixes: readonly string[],
): void {
  const strict = helmet();
  const browserPage = helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        fontSrc: ["'self'", 'data:'],
        imgSrc: ["'self'", 'data:'],
        upgradeInsecureRequests: null,
      },
    },
  });
  use((req: Request, res: Response, next: NextFunction) => {
    const page = browserPagePrefixes.some(
      (prefix) => req.path === prefix || req.path.startsWith(`${prefix}/`),
    );
    (page ? browserPage : strict)(req, res, next);
  });
}
