import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { catchError, from, mergeMap, Observable, of, throwError } from 'rxjs';
import { Principal } from '../auth/principal';
import { DomainError } from '../errors/domain-error';
import { JsonObject, JsonValue } from '../json';
import { IdempotencyService, requestHash } from './idempotency.service';
import { IDEMPOTENT } from './idempotent';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** Response headers worth replaying. */
const REPLAYED_HEADERS = ['etag', 'location'];

function callerScope(principal: Principal | undefined): string {
  if (!principal) return 'anonymous';
  return principal.kind === 'user' ? `user:${principal.userId}` : `api_key:${principal.apiKeyId}`;
}

/**
 * Idempotency-Key on POST actions: the same key and body replay the first answer (with
 * `Idempotency-Replayed: true`); a different body answers 422; a concurrent duplicate 409.
 * Keys are per caller and route. Failed requests release their key.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly idempotency: IdempotencyService) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<Request & { user?: Principal }>();
    const response = context.switchToHttp().getResponse<Response>();
    const key = request.headers['idempotency-key'];
    if (key === undefined) return next.handle();
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw DomainError.validation([
        { field: 'Idempotency-Key', message: 'Idempotency-Key must be 1 to 255 visible ASCII characters' },
      ]);
    }
    const route = (request.route as { path?: string } | undefined)?.path ?? request.path;
    const scope = `${callerScope(request.user)} ${request.method} ${route}`;
    const claim = await this.idempotency.claim(
      scope,
      key,
      requestHash(request.method, request.originalUrl, request.body),
    );

    if (claim.kind === 'replay') {
      response.status(claim.status);
      for (const [name, value] of Object.entries(claim.headers ?? {})) response.setHeader(name, value);
      response.setHeader('Idempotency-Replayed', 'true');
      return of(claim.body);
    }

    return next.handle().pipe(
      mergeMap((body: unknown) =>
        from(
          this.idempotency.complete(
            scope,
            key,
            response.statusCode,
            (body ?? null) as JsonValue,
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

/**
 * Marks a POST action as accepting Idempotency-Key, with its OpenAPI header; the OpenAPI
 * conventions add its answers (IDEMPOTENCY_KEY_IN_USE, IDEMPOTENCY_KEY_REUSED, a malformed key).
 */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
    SetMetadata(IDEMPOTENT, true),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'A unique key per intended action (e.g. a UUID). Retrying with the same key and body replays the first answer.',
      schema: {
        type: 'string',
        pattern: KEY_PATTERN.source,
        maxLength: 255,
        example: '5f0c6a0e-8d1b-4a57-9b7e-2c1d3e4f5a6b',
      },
    }),
  );
}
