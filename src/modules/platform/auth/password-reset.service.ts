import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { Principal, requireUser } from '../../../common/auth/principal';
import { sha256Hex } from '../../../common/auth/secrets';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { normalizeEmail } from '../users/email';
import { UserPasswordsService } from '../users/user-passwords.service';
import { LoginLockout } from './login-lockout';
import { PASSWORD_RESET_EVENTS, PasswordResetIssuer } from './password-reset-issuer';
import { PasswordResetTokensRepository } from './password-reset-tokens.repository';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { ResetRequestLimit } from './reset-request-limit';

export const PASSWORD_RESET_AUDIT = {
  reset: 'auth.password_reset',
  forced: 'auth.password_reset_forced',
} as const;

function invalidToken(): DomainError {
  return new DomainError('ONE_TIME_TOKEN_INVALID', 'The reset link is not valid; ask for a new one');
}

/**
 * Password reset by a mailed one-time token, and the reset a security administrator forces
 * (ADR 0045). Confirming a reset or forcing one ends every session of the user.
 */
@Injectable()
export class PasswordResetService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly userPasswords: UserPasswordsService,
    private readonly tokens: PasswordResetTokensRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly issuer: PasswordResetIssuer,
    private readonly limit: ResetRequestLimit,
    private readonly lockout: LoginLockout,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  /**
   * Records the request, the same work for any address (no lookup here, so neither the answer
   * nor its time tells whether the address is a user's); the worker looks it up and mails.
   */
  async request(email: string): Promise<void> {
    const normalized = normalizeEmail(email);
    await this.limit.take(normalized);
    await this.dataSource.transaction((em) =>
      this.outbox.publish(em, {
        type: PASSWORD_RESET_EVENTS.requested,
        aggregateType: 'password_reset_request',
        aggregateId: randomUUID(),
        data: { email: normalized },
      }),
    );
  }

  /** Sets the new password with a live token, once; every session of the user ends. */
  async confirm(token: string, newPassword: string): Promise<void> {
    const email = await this.dataSource.transaction(async (em) => {
      const now = this.clock.now();
      const claimed = await this.tokens.claim(em, sha256Hex(token), now);
      if (!claimed) throw invalidToken();
      const current = await this.userPasswords.lockUser(em, claimed.userId);
      if (!current || !current.enabled) throw invalidToken();
      const user = await this.userPasswords.replace(em, current, newPassword, now);
      await this.refreshTokens.revokeAllOfUser(em, user.id, now);
      await this.tokens.revokeLive(em, user.id, now);
      await this.audit.record(em, {
        actor: { kind: 'anonymous', userId: user.id },
        action: PASSWORD_RESET_AUDIT.reset,
        objectType: 'user',
        objectId: user.id,
        after: { tokenId: claimed.id },
      });
      return user.email;
    });
    // The owner proved control of the mailbox: failed sign-ins before no longer lock it.
    await this.lockout.clear(email);
  }

  /**
   * A security administrator's forced reset: the password stops working, every session ends, and
   * an enabled user gets a reset mail.
   */
  async force(actor: Principal, userId: string): Promise<void> {
    const admin = requireUser(actor);
    await this.dataSource.transaction(async (em) => {
      const now = this.clock.now();
      const current = await this.userPasswords.lockUser(em, userId);
      if (!current) throw DomainError.notFound('User');
      const user = await this.userPasswords.lock(em, current, now);
      await this.refreshTokens.revokeAllOfUser(em, userId, now);
      if (user.enabled) await this.issuer.issue(em, user, admin.userId);
      else await this.tokens.revokeLive(em, userId, now);
      await this.audit.record(em, {
        actor: admin,
        action: PASSWORD_RESET_AUDIT.forced,
        objectType: 'user',
        objectId: userId,
        after: { mailed: user.enabled },
      });
    });
  }
}
