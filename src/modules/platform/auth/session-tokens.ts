import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { EntityManager } from 'typeorm';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  AccessTokenClaims,
} from '../../../common/auth/access-token';
import { AuthenticationMethod } from '../../../common/auth/mfa-policy';
import { randomSecret, sha256Hex } from '../../../common/auth/secrets';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { InjectConfig } from '../../../infra/config/config';
import type { AppConfig } from '../../../infra/config/config';
import type { UserEntity } from '../users/entities/user.entity';
import { TokenResponseDto } from './dto/auth.dto';
import { RefreshTokenEntity } from './entities/refresh-token.entity';

const REFRESH_TOKEN_PREFIX = 'jbr_';

/** 429 LOGIN_LOCKED with Retry-After, for the password step and the second step alike. */
export function loginLocked(ms: number): DomainError {
  const seconds = Math.ceil(ms / 1000);
  return new DomainError('LOGIN_LOCKED', `Too many failed sign-ins for this account; retry in ${seconds} s`, {
    headers: { 'Retry-After': String(seconds) },
  });
}

/**
 * Issues a session's token pair: an access token (HS256 JWT whose `amr` says how the person
 * signed in, ADR 0044) and an opaque refresh token of the given family, stored hashed with the
 * same `amr`, so a refresh keeps the session's MFA state.
 */
@Injectable()
export class SessionTokens {
  constructor(
    private readonly jwt: JwtService,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async issue(
    em: EntityManager,
    user: UserEntity,
    familyId: string,
    amr: AuthenticationMethod[],
  ): Promise<TokenResponseDto> {
    const now = this.clock.now();
    const iat = Math.floor(now.getTime() / 1000);
    const ttl = this.config.ACCESS_TOKEN_TTL_SECONDS;
    const claims: AccessTokenClaims = {
      sub: user.id,
      org: user.organizationId,
      roles: user.roles,
      ver: user.tokenVersion,
      amr,
      iat,
      exp: iat + ttl,
    };
    const accessToken = await this.jwt.signAsync(claims, {
      algorithm: 'HS256',
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      jwtid: randomUUID(),
    });
    const refreshToken = `${REFRESH_TOKEN_PREFIX}${randomSecret(32)}`;
    await em.insert(RefreshTokenEntity, {
      userId: user.id,
      familyId,
      tokenHash: sha256Hex(refreshToken),
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.REFRESH_TOKEN_TTL_SECONDS * 1000),
      rotatedAt: null,
      revokedAt: null,
      amr: [...amr],
    });
    return { accessToken, refreshToken, expiresIn: ttl, tokenType: 'Bearer' };
  }
}
