import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../../common/audit/audit.service';
import { mfaRequiredFor } from '../../../../common/auth/mfa-policy';
import { PasswordHasher } from '../../../../common/auth/passwords';
import { UserPrincipal } from '../../../../common/auth/principal';
import { DomainError } from '../../../../common/errors/domain-error';
import { Clock } from '../../../../infra/clock/clock';
import type { UserEntity } from '../../users/entities/user.entity';
import { UsersRepository } from '../../users/users.repository';
import { LoginLockout } from '../login-lockout';
import { RefreshTokensRepository } from '../refresh-tokens.repository';
import { loginLocked } from '../session-tokens';
import { RecoveryCodesResponseDto, RemoveTotpDto } from './dto/mfa.dto';
import { notEnrolled } from './mfa-enrolment.service';
import { MFA_AUDIT, recordMfa } from './mfa-audit';
import { MfaRepository } from './mfa.repository';
import { SecondFactor } from './second-factor';

function codeInvalid(): DomainError {
  return new DomainError('MFA_CODE_INVALID', 'The code is not valid (or was used already)');
}

/**
 * Removing a person's own authenticator (not for administrative roles), new recovery codes, and
 * the security administrator's reset (ADR 0044). A wrong code or password here counts toward the
 * account's login lockout, so a stolen session cannot guess codes.
 */
@Injectable()
export class MfaManagementService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly repository: MfaRepository,
    private readonly secondFactor: SecondFactor,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly lockout: LoginLockout,
    private readonly passwords: PasswordHasher,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Removes the caller's authenticator after a current code or the password. */
  async remove(actor: UserPrincipal, dto: RemoveTotpDto): Promise<void> {
    if (!dto.code === !dto.password) {
      throw DomainError.validation([{ field: 'code', message: 'send either code or password' }]);
    }
    const user = await this.userOf(actor.userId);
    if (mfaRequiredFor(user.roles)) {
      throw new DomainError(
        'MFA_REQUIRED_FOR_ROLE',
        'Administrative roles must keep a second factor; a security administrator can reset it',
      );
    }
    if (!(await this.repository.hasConfirmedTotp(user.id))) throw notEnrolled();
    const failure = dto.code
      ? codeInvalid()
      : new DomainError('INVALID_CREDENTIALS', 'The password is not correct');
    await this.verify(actor, user, failure, (em) =>
      dto.code
        ? this.secondFactor.acceptTotp(em, user.id, dto.code)
        : this.passwords.verify(user.passwordHash, dto.password as string),
    );
    await this.dataSource.transaction(async (em) => {
      await this.repository.deleteAll(em, user.id);
      await recordMfa(this.audit, em, actor, MFA_AUDIT.removed, user.id, {
        method: dto.code ? 'totp' : 'password',
      });
    });
  }

  /** New recovery codes after a current code; the old ones stop working. */
  async regenerateRecoveryCodes(actor: UserPrincipal, code: string): Promise<RecoveryCodesResponseDto> {
    const user = await this.userOf(actor.userId);
    if (!(await this.repository.hasConfirmedTotp(user.id))) throw notEnrolled();
    await this.verify(actor, user, codeInvalid(), (em) => this.secondFactor.acceptTotp(em, user.id, code));
    return this.dataSource.transaction(async (em) => {
      const recoveryCodes = await this.secondFactor.issueRecoveryCodes(em, user.id);
      await recordMfa(this.audit, em, actor, MFA_AUDIT.recoveryCodesRegenerated, user.id, {
        recoveryCodes: recoveryCodes.length,
      });
      return { recoveryCodes };
    });
  }

  /**
   * A security administrator removes a user's authenticator and recovery codes and signs the user
   * out everywhere (token version raised, refresh tokens revoked): the user must enrol again.
   */
  async reset(actor: UserPrincipal, userId: string): Promise<void> {
    if (actor.userId === userId) {
      throw new DomainError(
        'BUSINESS_RULE_VIOLATION',
        'A security administrator cannot reset their own MFA; another security administrator can',
      );
    }
    await this.dataSource.transaction(async (em) => {
      const user = await this.users.findById(userId, em);
      if (!user) throw DomainError.notFound('User');
      const now = this.clock.now();
      const removed = await this.repository.deleteAll(em, user.id);
      await this.users.raiseTokenVersion(em, user.id);
      await this.refreshTokens.revokeAllOfUser(em, user.id, now);
      await recordMfa(this.audit, em, actor, MFA_AUDIT.reset, user.id, { removed });
    });
  }

  /**
   * Runs `check` (in its own transaction); a failure counts toward the lockout, is audited, and
   * answers `failure`.
   */
  private async verify(
    actor: UserPrincipal,
    user: UserEntity,
    failure: DomainError,
    check: (em: EntityManager) => Promise<boolean>,
  ): Promise<void> {
    const lockedMs = await this.lockout.lockedFor(user.email);
    if (lockedMs > 0) throw loginLocked(lockedMs);
    if (await this.dataSource.transaction(check)) return;
    const lockMs = await this.lockout.recordFailure(user.email);
    await this.dataSource.transaction((em) =>
      recordMfa(this.audit, em, actor, MFA_AUDIT.codeRejected, user.id, {
        code: failure.code,
        locked: lockMs > 0,
      }),
    );
    throw failure;
  }

  private async userOf(userId: string): Promise<UserEntity> {
    const user = await this.users.findById(userId);
    if (!user) throw DomainError.notFound('User');
    return user;
  }
}
