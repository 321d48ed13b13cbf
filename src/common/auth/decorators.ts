import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import { Principal, Role } from './principal';

export const IS_PUBLIC = 'auth:public';
export const AUTH_OPTIONS = 'auth:options';
export const OPTIONAL_AUTH = 'auth:optional';

export interface AuthenticatedOptions {
  /** Any of these roles may call; omitted means any authenticated caller. */
  roles?: readonly Role[];
  /** Whether an integration API key may call (it also needs a role above, `integration`). Default false. */
  apiKey?: boolean;
}

/** Opts a route out of the global deny-by-default guard. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/**
 * A public route that also accepts credentials: anonymous callers pass; a bearer token or API key,
 * when sent, must be valid (401 otherwise) and is available as `@Auth() auth: Principal | undefined`.
 * For reads that show more to the owner or an admin (a draft challenge, a reject reason).
 */
export function OptionalAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(OPTIONAL_AUTH, true),
    ApiSecurity({}),
    ApiBearerAuth('bearer'),
    ApiSecurity('apiKey'),
  );
}

/**
 * The one decorator for protected routes: role metadata for the global guard plus the OpenAPI
 * security requirements, kept together so they cannot drift apart. The OpenAPI conventions read
 * the same metadata for the 401 and 403 answers (openapi-conventions.ts).
 */
export function Authenticated(options: AuthenticatedOptions = {}): MethodDecorator & ClassDecorator {
  const decorators: Array<MethodDecorator & ClassDecorator> = [
    SetMetadata(AUTH_OPTIONS, options),
    ApiBearerAuth('bearer'),
  ];
  if (options.apiKey) decorators.push(ApiSecurity('apiKey'));
  return applyDecorators(...decorators);
}

/** The authenticated caller: `@Auth() auth: Principal`. */
export const Auth = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<{ user?: Principal }>();
  return request.user as Principal;
});
