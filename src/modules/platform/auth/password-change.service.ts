import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { PASSWORD_AND_OTP, PASSWORD_ONLY } from '../../../common/auth/mfa-policy';
import { Principal, requireUser } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { toUserResponse } from '../users/dto/user.dto';
import { InvitationsService } from '../users/invitations.service';
import { UserPasswordsService } from '../users/user-passwords.service';
import { UsersRepository } from '../users/users.repository';
import type { TokenResponseDto } from './dto/auth.dto';
import type { AcceptedInvitationResponseDto } from './dto/password.dto';
import { PasswordResetTokensRepository } from './password-reset-tokens.repository';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { SessionTokens } from './session-tokens';

export const PASSWORD_AUDIT = { changed: 'auth.password_changed' } as const;

/**
 * The signed-in side of passwords (ADR 0045): a person changes their own password, and an
 * invitee sets theirs by accepting an invitation. Both answer with fresh tokens.
 */
@Injectable()
export class PasswordChangeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionTokens,
    private readonly users: UsersRepository,
    private readonly userPasswords: UserPasswordsService,
    private readonly invitations: InvitationsService,
    private readonly resetTokens: PasswordResetTokensRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Changes the caller's password (the current one is required). Every session ends, this one's
   * included: the token version rises and all refresh tokens are revoked; the answer is a new
   * pair, so the caller stays signed in while every other device must sign in again.
   */
  async change(actor: Principal, currentPassword: string, newPassword: string): Promise<TokenResponseDto> {
    const caller = requireUser(actor, 'Only a signed-in person has a password');
    const user = await this.users.findById(caller.userId);
    if (!user) throw DomainError.notFound('User');
    if (!(await this.userPasswords.verify(user, currentPassword))) {
      throw DomainError.validation([{ field: 'currentPassword', message: 'currentPassword is not correct' }]);
    }
    if (currentPassword === newPassword) {
      throw DomainError.validation([
        { field: 'newPassword', message: 'newPassword must differ from the current one' },
      ]);
    }
    return this.dataSource.transaction(async (em) => {
      const now = this.clock.now();
      const locked = await this.userPasswords.lockUser(em, user.id);
      if (!locked) throw DomainError.notFound('User');
      const changed = await this.userPasswords.replace(em, locked, newPassword, now);
      const revoked = await this.refreshTokens.revokeAllOfUser(em, user.id, now);
      await this.resetTokens.revokeLive(em, user.id, now);
      await this.audit.record(em, {
        actor: caller,
        action: PASSWORD_AUDIT.changed,
        objectType: 'user',
        objectId: user.id,
        after: { refreshTokensRevoked: revoked },
      });
      // The new session keeps how the caller signed in: a session that passed MFA stays so.
      return this.sessions.issue(em, changed, randomUUID(), caller.mfa ? PASSWORD_AND_OTP : PASSWORD_ONLY);
    });
  }

  /** Accepts an invitation: the user is created with the invitee's password and signed in. */
  async acceptInvitation(token: string, password: string): Promise<AcceptedInvitationResponseDto> {
    return this.dataSource.transaction(async (em) => {
      const user = await this.invitations.acceptInTransaction(em, token, password);
      const tokens = await this.sessions.issue(em, user, randomUUID(), PASSWORD_ONLY);
      return { user: toUserResponse(user), tokens };
    });
  }
}
