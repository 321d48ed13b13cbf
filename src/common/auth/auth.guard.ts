import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
import { DomainError } from '../errors/domain-error';
import { AUTH_OPTIONS, AuthenticatedOptions, IS_PUBLIC, OPTIONAL_AUTH } from './decorators';
import { ALLOW_WITHOUT_MFA, mfaRequiredFor } from './mfa-policy';
import { hasRole, Principal } from './principal';
import { API_KEY_STRATEGY, JWT_STRATEGY } from './strategy-names';

/**
 * The global guard, deny by default: `@Public()` routes pass; every other route needs a bearer
 * access token or an X-Api-Key (401 UNAUTHENTICATED otherwise); then `@Authenticated({ roles })`
 * is enforced (403 FORBIDDEN), and an API key may only call routes marked `apiKey: true`.
 * `@OptionalAuth()` routes are public, but credentials sent are checked (401 when bad) so that the
 * handler can show more to the issuer or an admin. A strategy that could not check a credential
 * (its lookup failed) is never a 401: its error propagates (503 while a dependency is down).
 * An administrator's session that has not passed a second factor is refused with 403
 * MFA_ENROLMENT_REQUIRED on every route but those marked `@AllowWithoutMfa()` (ADR 0044).
 */
@Injectable()
export class AuthGuard extends PassportAuthGuard([JWT_STRATEGY, API_KEY_STRATEGY]) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(OPTIONAL_AUTH, targets)) {
      const { headers } = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>();
      if (headers.authorization !== undefined || headers['x-api-key'] !== undefined) {
        await super.canActivate(context);
        this.assertMfa(context.switchToHttp().getRequest<{ user?: Principal }>().user, context);
      }
      return true;
    }
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    await super.canActivate(context);
    const principal = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (!principal) throw unauthenticated();
    this.assertMfa(principal, context);

    const options =
      this.reflector.getAllAndOverride<AuthenticatedOptions | undefined>(AUTH_OPTIONS, targets) ?? {};
    if (principal.kind === 'api_key' && !options.apiKey) {
      throw new DomainError('FORBIDDEN', 'This operation is not available to API keys');
    }
    if (options.roles?.length && !hasRole(principal, ...options.roles)) {
      throw new DomainError('FORBIDDEN', `Requires one of the roles: ${options.roles.join(', ')}`);
    }
    return true;
  }

  /** An administrator whose session lacks the second factor may only enrol, read /me and sign out. */
  private assertMfa(principal: Principal | undefined, context: ExecutionContext): void {
    if (principal?.kind !== 'user' || principal.mfa || !mfaRequiredFor(principal.roles)) return;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(ALLOW_WITHOUT_MFA, targets)) return;
    throw new DomainError(
      'MFA_ENROLMENT_REQUIRED',
      'Administrators need a second factor: enrol TOTP (POST /api/v1/auth/mfa/totp, then /confirm), or sign in again with your code',
    );
  }

  /**
   * Passport reports a credential it refuses as `user === false` (a strategy's `fail`), and
   * anything a strategy threw (the user or key could not be read: database down) as `error`.
   * Only the first is the caller's fault (401); the second propagates to the problem filter, which
   * answers 503 for an outage and 500 for a bug, so a valid token is never refused for it.
   */
  override handleRequest<TUser = Principal>(error: unknown, user: TUser | false | null): TUser {
    if (error instanceof Error) throw error;
    if (error) throw new Error('Authentication strategy failed', { cause: error });
    if (!user) throw unauthenticated();
    return user;
  }
}

function unauthenticated(): DomainError {
  return new DomainError('UNAUTHENTICATED', 'A valid bearer access token or API key is required', {
    headers: { 'WWW-Authenticate': 'Bearer' },
  });
}
