import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { catchError, from, mergeMap, Observable, of, throwError } from 'rxjs';
import { Principal } from '../auth/principal';
import { DomainError } from '../errors/domain-error';
import { JsonObject, JsonValue } from '../json';
import { IDEMPOTENCY_OPT_OUT, IDEMPOTENCY_WITHHOLD } from './idempotency.decorators';
import { IdempotencyService, requestHash } from './idempotency.service';

export const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** Response headers worth replaying. */
const REPLAYED_HEADERS = ['etag', 'location'];

/** What the interceptor reads of the request: Fastify's (`routeOptions.url`, ADR 0050). */
interface IdempotentRequest {
  method: string;
  url: string;
  originalUrl?: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  user?: Principal;
  routeOptions?: { url?: string };
}

/** What it reads and sets of the response: Fastify's reply. */
interface IdempotentResponse {
  statusCode: number;
  status(code: number): unknown;
  header(name: string, value: string): unknown;
  getHeader(name: string): string | number | string[] | undefined;
}

function callerScope(principal: Principal | undefined): string {
  if (!principal) return 'anonymous';
  return principal.kind === 'user' ? `user:${principal.userId}` : `api_key:${principal.apiKeyId}`;
}

/** Whether the global interceptor takes `Idempotency-Key` on this route: every POST not opted out. */
export function acceptsIdempotencyKey(
  reflector: Reflector,
  method: string,
  targets: Parameters<Reflector['getAllAndOverride']>[1],
): boolean {
  return method === 'POST' && reflector.getAllAndOverride<string>(IDEMPOTENCY_OPT_OUT, targets) === undefined;
}

/**
 * Idempotency-Key on every POST (registered globally, after the guards so the caller is known):
 * the same key and body replay the first answer (with `Idempotency-Replayed: true`); a different
 * body answers 422; a concurrent duplicate 409. Keys are per caller and route. Failed requests
 * release their key. Routes marked `@NoIdempotencyKey(reason)` ignore the header; fields named by
 * `@IdempotencyWithholds(...)` are never stored, so never replayed.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly reflector: Reflector,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<IdempotentRequest>();
    const response = context.switchToHttp().getResponse<IdempotentResponse>();
    const targets = [context.getHandler(), context.getClass()];
    if (!acceptsIdempotencyKey(this.reflector, request.method, targets)) return next.handle();
    const key = request.headers['idempotency-key'];
    if (key === undefined) return next.handle();
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw DomainError.validation([
        { field: 'Idempotency-Key', message: 'Idempotency-Key must be 1 to 255 visible ASCII characters' },
      ]);
    }
    const withheld =
      this.reflector.get<string[] | undefined>(IDEMPOTENCY_WITHHOLD, context.getHandler()) ?? [];
    const url = request.originalUrl ?? request.url;
    // The route template (`/api/v1/payments/:id/confirm`), as Express's `route.path` was.
    const route = request.routeOptions?.url ?? url.split('?')[0];
    const scope = `${callerScope(request.user)} ${request.method} ${route}`;
    const claim = await this.idempotency.claim(scope, key, requestHash(request.method, url, request.body));

    if (claim.kind === 'replay') {
      response.status(claim.status);
      for (const [name, value] of Object.entries(claim.headers ?? {})) response.header(name, String(value));
      response.header('Idempotency-Replayed', 'true');
      return of(claim.body);
    }

    return next.handle().pipe(
      mergeMap((body: unknown) =>
        from(
          this.idempotency.complete(
            scope,
            key,
            response.statusCode,
            withhold((body ?? null) as JsonValue, withheld),
            Object.fromEntries(
              REPLAYED_HEADERS.flatMap((name) => {
                const value = response.getHeader(name);
                return value === undefined ? [] : [[name, String(value)]];
              }),
            ) as JsonObject,
          ),
        ).pipe(mergeMap(() => of(body))),
      ),
      catchError((error: unknown) =>
        from(this.idempotency.release(scope, key)).pipe(mergeMap(() => throwError(() => error))),
      ),
    );
  }
}

/** The answer as stored: without the one-time secrets of `fields`. */
function withhold(body: JsonValue, fields: string[]): JsonValue {
  if (!fields.length || !body || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([name]) => !fields.includes(name)));
}
