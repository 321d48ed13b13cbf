import { createSecretKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  AccessTokenClaims,
} from '../../../../common/auth/access-token';
import { UserPrincipal } from '../../../../common/auth/principal';
import { JWT_STRATEGY } from '../../../../common/auth/strategy-names';
import { Clock } from '../../../../infra/clock/clock';
import { InjectConfig } from '../../../../infra/config/config';
import type { AppConfig } from '../../../../infra/config/config';
import { UsersRepository } from '../../users/users.repository';

export { JWT_STRATEGY };

/**
 * Bearer access tokens. The signature is checked by passport-jwt; expiry against the injected clock;
 * then the user is loaded by primary key on every request, so a disabled user, or a token issued
 * before the user's token_version rose (role change, disable), is refused at once.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(
    @InjectConfig() config: AppConfig,
    private readonly users: UsersRepository,
    private readonly clock: Clock,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject made once, the key jsonwebtoken would make of the string: given the string, it first
      // tries createPublicKey on it at every verification (a thrown and caught parse error, 14% of the
      // API's CPU per submission, docs/adr/0055). passport-jwt's types say string | Buffer; it hands the
      // key to jsonwebtoken as it is, which takes a KeyObject.
      secretOrKey: createSecretKey(Buffer.from(config.JWT_ACCESS_SECRET)) as unknown as Buffer,
      algorithms: ['HS256'],
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      // Expiry is a time decision: made below with the injected clock, not the wall clock.
      ignoreExpiration: true,
    });
  }

  async validate(claims: AccessTokenClaims): Promise<UserPrincipal | false> {
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= this.clock.now().getTime()) return false;
    if (typeof claims.sub !== 'string' || typeof claims.ver !== 'number') return false;
    const user = await this.users.findSessionState(claims.sub);
    if (!user || !user.enabled || user.tokenVersion !== claims.ver) return false;
    const mfa = Array.isArray(claims.amr) && claims.amr.includes('otp');
    return { kind: 'user', userId: user.id, organizationId: user.organizationId, roles: user.roles, mfa };
  }
}
