import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { DataSource } from 'typeorm';
import { AuditService } from '../../../../common/audit/audit.service';
import { ACCESS_TOKEN_ISSUER } from '../../../../common/auth/access-token';
import { PASSWORD_AND_OTP } from '../../../../common/auth/mfa-policy';
import { DomainError } from '../../../../common/errors/domain-error';
import { Clock } from '../../../../infra/clock/clock';
import type { UserEntity } from '../../users/entities/user.entity';
import { UsersRepository } from '../../users/users.repository';
import { AUTH_AUDIT } from '../auth-audit';
import { TokenResponseDto } from '../dto/auth.dto';
import { LoginLockout } from '../login-lockout';
import { loginLocked, SessionTokens } from '../session-tokens';
import { LoginMfaDto, MfaChallengeResponseDto } from './dto/mfa.dto';
import { MFA_AUDIT } from './mfa-audit';
import { MfaRepository } from './mfa.repository';
import { SecondFactor } from './second-factor';

/** The audience of the challenge between the two steps: never accepted as an access token. */
export const MFA_TOKEN_AUDIENCE = 'jiebang-mfa';
export const MFA_TOKEN_TTL_SECONDS = 300;

interface MfaTokenClaims {
  sub: string;
  ver: number;
}

function mfaTokenInvalid(): DomainError {
  return new DomainError(
    'MFA_TOKEN_INVALID',
    'The sign-in challenge is not valid or has expired; sign in again',
  );
}

/**
 * The second step of signing in (ADR 0044): after the right password, a person with a confirmed
 * authenticator gets a short-lived signed challenge instead of tokens, and exchanges it with a
 * TOTP code or a recovery code. A wrong code counts toward the account's login lockout like a
 * wrong password; the lockout is cleared only when the second step succeeds.
 */
@Injectable()
export class MfaLoginService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jwt: JwtService,
    private readonly users: UsersRepository,
    private readonly repository: MfaRepository,
    private readonly secondFactor: SecondFactor,
    private readonly sessions: SessionTokens,
    private readonly lockout: LoginLockout,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Whether the user's sign-in needs the second step (a confirmed authenticator). */
  isEnrolled(userId: string): Promise<boolean> {
    return this.repository.hasConfirmedTotp(userId);
  }

  async challenge(user: UserEntity): Promise<MfaChallengeResponseDto> {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const claims = { sub: user.id, ver: user.tokenVersion, iat, exp: iat + MFA_TOKEN_TTL_SECONDS };
    const mfaToken = await this.jwt.signAsync(claims, {
      algorithm: 'HS256',
      issuer: ACCESS_TOKEN_ISSUER,
      audience: MFA_TOKEN_AUDIENCE,
      jwtid: randomUUID(),
    });
    return {
      mfaRequired: true,
      mfaToken,
      expiresIn: MFA_TOKEN_TTL_SECONDS,
      methods: ['totp', 'recovery_code'],
    };
  }

  async complete(dto: LoginMfaDto): Promise<TokenResponseDto> {
    if (!dto.code === !dto.recoveryCode) {
      throw DomainError.validation([{ field: 'code', message: 'send either code or recoveryCode' }]);
    }
    const user = await this.challengedUser(dto.mfaToken);
    const lockedMs = await this.lockout.lockedFor(user.email);
    if (lockedMs > 0) throw loginLocked(lockedMs);

    const method = dto.code ? 'totp' : 'recovery_code';
    const accepted = await this.dataSource.transaction((em) =>
      dto.code
        ? this.secondFactor.acceptTotp(em, user.id, dto.code)
        : this.secondFactor.acceptRecoveryCode(em, user.id, dto.recoveryCode as string),
    );
    if (!accepted) {
      const lockMs = await this.lockout.recordFailure(user.email);
      await this.dataSource.transaction((em) =>
        this.audit.record(em, {
          actor: { kind: 'anonymous', userId: user.id },
          action: AUTH_AUDIT.loginFailed,
          objectType: 'user',
          objectId: user.id,
          after: { email: user.email, reason: `wrong_${method}`, locked: lockMs > 0 },
        }),
      );
      throw new DomainError('MFA_CODE_INVALID', 'The code is not valid (or was used already)');
    }
    await this.lockout.clear(user.email);
    return this.dataSource.transaction(async (em) => {
      const actor = {
        kind: 'user' as const,
        userId: user.id,
        organizationId: user.organizationId,
        roles: user.roles,
      };
      if (method === 'recovery_code') {
        const left = await this.repository.unusedRecoveryCodes(user.id, em);
        await this.audit.record(em, {
          actor,
          action: MFA_AUDIT.recoveryCodeUsed,
          objectType: 'user',
          objectId: user.id,
          after: { recoveryCodesLeft: left },
        });
      }
      await this.audit.record(em, {
        actor,
        action: AUTH_AUDIT.login,
        objectType: 'user',
        objectId: user.id,
        after: { amr: [...PASSWORD_AND_OTP], method },
      });
      return this.sessions.issue(em, user, randomUUID(), PASSWORD_AND_OTP);
    });
  }

  /** The enabled user the challenge was issued to, unchanged since (same token version). */
  private async challengedUser(mfaToken: string): Promise<UserEntity> {
    let claims: MfaTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<MfaTokenClaims & object>(mfaToken, {
        algorithms: ['HS256'],
        issuer: ACCESS_TOKEN_ISSUER,
        audience: MFA_TOKEN_AUDIENCE,
        clockTimestamp: Math.floor(this.clock.now().getTime() / 1000),
      });
    } catch {
      throw mfaTokenInvalid();
    }
    const user = typeof claims.sub === 'string' ? await this.users.findById(claims.sub) : null;
    if (!user || !user.enabled || user.tokenVersion !== claims.ver) throw mfaTokenInvalid();
    return user;
  }
}
