import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { AuthenticationMethod, PASSWORD_ONLY } from '../../../common/auth/mfa-policy';
import { PasswordHasher } from '../../../common/auth/passwords';
import { Principal, UserPrincipal } from '../../../common/auth/principal';
import { sha256Hex } from '../../../common/auth/secrets';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { toOrganizationResponse } from '../organizations/dto/organization.dto';
import { OrganizationsRepository } from '../organizations/organizations.repository';
import { OrganizationsService } from '../organizations/organizations.service';
import { toUserResponse } from '../users/dto/user.dto';
import { normalizeEmail } from '../users/email';
import type { UserEntity } from '../users/entities/user.entity';
import { UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { MeResponseDto, RegisterDto, RegisterResponseDto, TokenResponseDto } from './dto/auth.dto';
import { AUTH_AUDIT } from './auth-audit';
import { LoginLockout } from './login-lockout';
import { LoginResponseDto } from './mfa/dto/mfa.dto';
import { MfaLoginService } from './mfa/mfa-login.service';
import { MfaRepository } from './mfa/mfa.repository';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { loginLocked, SessionTokens } from './session-tokens';

export { AUTH_AUDIT };

function userPrincipal(user: UserEntity): UserPrincipal {
  return { kind: 'user', userId: user.id, organizationId: user.organizationId, roles: user.roles };
}

function invalidCredentials(): DomainError {
  return new DomainError('INVALID_CREDENTIALS', 'The email or password is not correct');
}

function invalidRefreshToken(): DomainError {
  return new DomainError('REFRESH_TOKEN_INVALID', 'The refresh token is not valid; sign in again');
}

type RefreshOutcome = { ok: true; tokens: TokenResponseDto } | { ok: false };

@Injectable()
export class AuthService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionTokens,
    private readonly mfaLogin: MfaLoginService,
    private readonly mfa: MfaRepository,
    private readonly users: UsersRepository,
    private readonly usersService: UsersService,
    private readonly organizations: OrganizationsRepository,
    private readonly organizationsService: OrganizationsService,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly lockout: LoginLockout,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly passwords: PasswordHasher,
  ) {}

  /** Disabling a user (UsersService.update) revokes its refresh tokens in the same transaction. */
  onModuleInit(): void {
    this.usersService.onUserDisabled(async (em, userId, at) => {
      await this.refreshTokens.revokeAllOfUser(em, userId, at);
    });
  }

  /** Self-registration: a new organization and its first user (issuer or applicant), signed in. */
  async register(dto: RegisterDto): Promise<RegisterResponseDto> {
    return this.dataSource.transaction(async (em) => {
      const organization = await this.organizationsService.createInTransaction(
        em,
        { kind: 'anonymous' },
        {
          name: dto.organizationName,
          type: dto.organizationType,
          creditCode: dto.creditCode,
          regionCode: dto.regionCode,
        },
      );
      const user = await this.usersService.createMemberInTransaction(
        em,
        { kind: 'anonymous' },
        {
          organizationId: organization.id,
          email: dto.email,
          displayName: dto.displayName,
          password: dto.password,
          roles: [dto.role],
          locale: dto.locale,
        },
      );
      await this.audit.record(em, {
        actor: userPrincipal(user),
        action: AUTH_AUDIT.registered,
        objectType: 'user',
        objectId: user.id,
        after: { userId: user.id, organizationId: organization.id, role: dto.role },
      });
      const tokens = await this.sessions.issue(em, user, randomUUID(), PASSWORD_ONLY);
      return { user: toUserResponse(user), organization: toOrganizationResponse(organization), tokens };
    });
  }

  /**
   * Email + password. Unknown email, wrong password and disabled user all answer the same
   * 401 INVALID_CREDENTIALS after the same argon2 work; consecutive failures lock the email.
   * With a confirmed TOTP authenticator the answer is the challenge of the second step (ADR 0044),
   * and the failures are cleared only when that step succeeds.
   */
  async login(email: string, password: string): Promise<LoginResponseDto> {
    const normalized = normalizeEmail(email);
    const lockedMs = await this.lockout.lockedFor(normalized);
    if (lockedMs > 0) throw loginLocked(lockedMs);

    const user = await this.users.findByEmail(normalized);
    const passwordOk = await this.passwords.verify(
      user?.passwordHash ?? (await this.passwords.dummyHash()),
      password,
    );
    if (!user || !passwordOk || !user.enabled) {
      const reason = !user ? 'unknown_email' : !passwordOk ? 'wrong_password' : 'disabled';
      const lockMs = await this.lockout.recordFailure(normalized);
      await this.dataSource.transaction((em) =>
        this.audit.record(em, {
          actor: { kind: 'anonymous', userId: user?.id },
          action: AUTH_AUDIT.loginFailed,
          objectType: user ? 'user' : 'login',
          objectId: user?.id ?? normalized,
          after: { email: normalized, reason, locked: lockMs > 0 },
        }),
      );
      throw invalidCredentials();
    }
    if (await this.mfaLogin.isEnrolled(user.id)) return this.mfaLogin.challenge(user);
    await this.lockout.clear(normalized);
    return this.dataSource.transaction(async (em) => {
      await this.audit.record(em, {
        actor: userPrincipal(user),
        action: AUTH_AUDIT.login,
        objectType: 'user',
        objectId: user.id,
        after: { amr: [...PASSWORD_ONLY] },
      });
      return this.sessions.issue(em, user, randomUUID(), PASSWORD_ONLY);
    });
  }

  /**
   * Exchanges a refresh token for a new pair (rotation). A token already used once means it was
   * stolen or replayed: its whole family is revoked and the answer is 401 REFRESH_TOKEN_INVALID.
   * The new pair keeps the family's `amr`; a password-only family of a user who has since enrolled
   * TOTP is revoked (sign in again, with the code).
   */
  async refresh(refreshToken: string): Promise<TokenResponseDto> {
    const tokenHash = sha256Hex(refreshToken);
    const outcome = await this.dataSource.transaction(async (em): Promise<RefreshOutcome> => {
      const now = this.clock.now();
      const claimed = await this.refreshTokens.claim(em, tokenHash, now);
      if (!claimed) {
        const known = await this.refreshTokens.findByHash(em, tokenHash);
        if (known && known.rotatedAt && !known.revokedAt) {
          await this.refreshTokens.revokeFamily(em, known.familyId, now);
          await this.audit.record(em, {
            actor: { kind: 'anonymous', userId: known.userId },
            action: AUTH_AUDIT.refreshTokenReused,
            objectType: 'user',
            objectId: known.userId,
            after: { familyId: known.familyId },
          });
        }
        return { ok: false };
      }
      const user = await this.users.findById(claimed.userId, em);
      const amr = claimed.amr as AuthenticationMethod[];
      const stale = !amr.includes('otp') && user !== null && (await this.mfa.hasConfirmedTotp(user.id, em));
      if (!user || !user.enabled || stale) {
        await this.refreshTokens.revokeFamily(em, claimed.familyId, now);
        return { ok: false };
      }
      return { ok: true, tokens: await this.sessions.issue(em, user, claimed.familyId, amr) };
    });
    if (!outcome.ok) throw invalidRefreshToken();
    return outcome.tokens;
  }

  /** Revokes the family of the given refresh token (this sign-in on every device it was refreshed on). */
  async logout(actor: Principal, refreshToken: string): Promise<void> {
    if (actor.kind !== 'user') throw new DomainError('FORBIDDEN', 'Only a signed-in person can log out');
    await this.dataSource.transaction(async (em) => {
      const token = await this.refreshTokens.findByHash(em, sha256Hex(refreshToken));
      const familyId = token && token.userId === actor.userId ? token.familyId : null;
      if (familyId) await this.refreshTokens.revokeFamily(em, familyId, this.clock.now());
      await this.audit.record(em, {
        actor,
        action: AUTH_AUDIT.logout,
        objectType: 'user',
        objectId: actor.userId,
        after: { familyId, revoked: familyId !== null },
      });
    });
  }

  async me(actor: Principal): Promise<MeResponseDto> {
    if (actor.kind === 'api_key') {
      return {
        kind: 'api_key',
        roles: actor.roles,
        apiKey: { id: actor.apiKeyId, organizationId: actor.organizationId, scopes: actor.scopes },
        organization: actor.organizationId
          ? await this.organizations
              .findById(actor.organizationId)
              .then((o) => (o ? toOrganizationResponse(o) : null))
          : null,
      };
    }
    const user = await this.users.findById(actor.userId);
    if (!user) throw DomainError.notFound('User');
    const organization = await this.organizations.findById(user.organizationId);
    return {
      kind: 'user',
      roles: user.roles,
      user: toUserResponse(user),
      organization: organization ? toOrganizationResponse(organization) : null,
    };
  }
}
