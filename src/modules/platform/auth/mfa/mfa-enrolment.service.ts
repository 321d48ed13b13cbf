import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../../../../common/audit/audit.service';
import { mfaRequiredFor, PASSWORD_AND_OTP } from '../../../../common/auth/mfa-policy';
import { UserPrincipal } from '../../../../common/auth/principal';
import { DomainError } from '../../../../common/errors/domain-error';
import { Clock } from '../../../../infra/clock/clock';
import type { UserEntity } from '../../users/entities/user.entity';
import { UsersRepository } from '../../users/users.repository';
import { SessionTokens } from '../session-tokens';
import { MfaStatusResponseDto, TotpConfirmedResponseDto, TotpEnrolmentResponseDto } from './dto/mfa.dto';
import { MFA_AUDIT, recordMfa } from './mfa-audit';
import { MfaRepository } from './mfa.repository';
import { SecondFactor } from './second-factor';
import { TotpSecretCipher } from './totp-secret-cipher';
import {
  isTotpSecret,
  matchingStep,
  newTotpSecret,
  TOTP_ALGORITHM,
  TOTP_DIGITS,
  TOTP_ISSUER,
  TOTP_PERIOD_SECONDS,
  totpUri,
} from './totp';

export function alreadyEnrolled(): DomainError {
  return new DomainError(
    'MFA_ALREADY_ENROLLED',
    'A TOTP authenticator is already enrolled; remove it (or have it reset) before enrolling another',
  );
}

export function notEnrolled(): DomainError {
  return new DomainError('MFA_NOT_ENROLLED', 'No confirmed TOTP authenticator: enrol one first');
}

/**
 * Enrolling a TOTP authenticator (ADR 0044): start (a new secret, pending), confirm with a first
 * code (then the sign-in asks for codes, and 10 recovery codes are shown once). Every step is
 * audited; the secret is stored encrypted.
 */
@Injectable()
export class MfaEnrolmentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly repository: MfaRepository,
    private readonly cipher: TotpSecretCipher,
    private readonly secondFactor: SecondFactor,
    private readonly sessions: SessionTokens,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async status(actor: UserPrincipal): Promise<MfaStatusResponseDto> {
    const row = await this.repository.findTotp(actor.userId);
    return {
      totp: !row ? 'none' : row.confirmedAt ? 'confirmed' : 'pending',
      confirmedAt: row?.confirmedAt?.toISOString() ?? null,
      recoveryCodesLeft: row?.confirmedAt ? await this.repository.unusedRecoveryCodes(actor.userId) : 0,
      required: mfaRequiredFor(actor.roles),
      sessionMfa: actor.mfa === true,
    };
  }

  /** A new secret, pending until confirmed (a pending one is replaced). */
  async start(actor: UserPrincipal): Promise<TotpEnrolmentResponseDto> {
    const secret = newTotpSecret();
    const user = await this.dataSource.transaction(async (em) => {
      const current = await this.userOf(em, actor.userId);
      const row = await this.repository.findTotpForUpdate(em, current.id);
      if (row?.confirmedAt) throw alreadyEnrolled();
      await this.repository.savePending(
        em,
        current.id,
        this.cipher.encrypt(secret, current.id),
        this.clock.now(),
      );
      await recordMfa(this.audit, em, actor, MFA_AUDIT.enrolmentStarted, current.id, {
        replacedPending: row !== null,
      });
      return current;
    });
    return {
      secret,
      otpauthUri: totpUri(secret, user.email),
      issuer: TOTP_ISSUER,
      algorithm: TOTP_ALGORITHM,
      digits: TOTP_DIGITS,
      period: TOTP_PERIOD_SECONDS,
    };
  }

  /**
   * Confirms the pending authenticator with a current code: from now on the sign-in asks for a
   * code. Answers the recovery codes and a new session that passed MFA.
   */
  async confirm(actor: UserPrincipal, code: string): Promise<TotpConfirmedResponseDto> {
    return this.dataSource.transaction(async (em) => {
      const user = await this.userOf(em, actor.userId);
      const row = await this.repository.findTotpForUpdate(em, user.id);
      if (!row) throw notEnrolled();
      if (row.confirmedAt) throw alreadyEnrolled();
      const now = this.clock.now();
      const step = matchingStep(this.cipher.decrypt(row.secretEncrypted, user.id), code, now);
      if (step === null) {
        throw new DomainError(
          'MFA_CODE_INVALID',
          'The code does not match the new secret; check the clock of the device',
        );
      }
      await this.repository.confirm(em, user.id, step, now);
      const recoveryCodes = await this.secondFactor.issueRecoveryCodes(em, user.id);
      await recordMfa(this.audit, em, actor, MFA_AUDIT.confirmed, user.id, {
        recoveryCodes: recoveryCodes.length,
      });
      const tokens = await this.sessions.issue(em, user, randomUUID(), PASSWORD_AND_OTP);
      return { recoveryCodes, tokens };
    });
  }

  /**
   * Enrols `userId` with a given base32 secret, confirmed at once (no code: the caller holds the
   * secret), for the demo seed and tests. Audited as done by the system. Answers the recovery codes.
   */
  async enrolWithSecret(userId: string, secret: string): Promise<{ recoveryCodes: string[] }> {
    if (!isTotpSecret(secret)) throw new Error('A TOTP secret is base32 of at least 128 bits');
    return this.dataSource.transaction(async (em) => {
      const user = await this.userOf(em, userId);
      const row = await this.repository.findTotpForUpdate(em, user.id);
      if (row?.confirmedAt) throw alreadyEnrolled();
      const now = this.clock.now();
      await this.repository.savePending(em, user.id, this.cipher.encrypt(secret, user.id), now);
      await this.repository.confirm(em, user.id, null, now);
      const recoveryCodes = await this.secondFactor.issueRecoveryCodes(em, user.id);
      const system: AuditActor = { kind: 'system' };
      await recordMfa(this.audit, em, system, MFA_AUDIT.confirmed, user.id, {
        recoveryCodes: recoveryCodes.length,
      });
      return { recoveryCodes };
    });
  }

  private async userOf(em: EntityManager, userId: string): Promise<UserEntity> {
    const user = await this.users.findById(userId, em);
    if (!user) throw DomainError.notFound('User');
    return user;
  }
}
