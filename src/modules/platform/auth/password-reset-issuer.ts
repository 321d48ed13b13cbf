import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { sealSecret } from '../../../common/auth/sealed-secrets';
import { randomSecret, sha256Hex } from '../../../common/auth/secrets';
import { Clock } from '../../../infra/clock/clock';
import { InjectConfig } from '../../../infra/config/config';
import type { AppConfig } from '../../../infra/config/config';
import { OutboxService } from '../../../infra/events/outbox.service';
import type { UserEntity } from '../users/entities/user.entity';
import { PasswordResetTokensRepository } from './password-reset-tokens.repository';

/** Reset links carry this prefix, so a leaked one is recognisable (like jbr_ refresh tokens). */
const RESET_TOKEN_PREFIX = 'jbp_';

export const PASSWORD_RESET_EVENTS = {
  /** Someone asked for a reset of an address (known or not): the worker looks it up. */
  requested: 'auth.password_reset_requested',
  /** Carries a reset link's secret, sealed, to the mail module; nothing else subscribes to it. */
  issued: 'auth.password_reset_issued',
} as const;

/**
 * Makes a user's one-time reset token (ADR 0045): a random secret stored only as its SHA-256,
 * valid PASSWORD_RESET_TTL_MINUTES, revoking the user's older ones; the secret goes to the mail
 * module in an outbox event of the same transaction.
 */
@Injectable()
export class PasswordResetIssuer {
  constructor(
    private readonly tokens: PasswordResetTokensRepository,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** `requestedBy`: the security administrator forcing the reset, or null when the user asked. */
  async issue(em: EntityManager, user: UserEntity, requestedBy: string | null): Promise<void> {
    const now = this.clock.now();
    await this.tokens.revokeLive(em, user.id, now);
    const token = `${RESET_TOKEN_PREFIX}${randomSecret(32)}`;
    const expiresAt = new Date(now.getTime() + this.config.PASSWORD_RESET_TTL_MINUTES * 60_000);
    await this.tokens.insert(em, {
      userId: user.id,
      tokenHash: sha256Hex(token),
      requestedBy,
      createdAt: now,
      expiresAt,
      usedAt: null,
      revokedAt: null,
    });
    await this.outbox.publish(em, {
      type: PASSWORD_RESET_EVENTS.issued,
      aggregateType: 'user',
      aggregateId: user.id,
      data: {
        userId: user.id,
        email: user.email,
        displayName: user.displayName,
        locale: user.locale,
        forced: requestedBy !== null,
        // Sealed: the outbox row must not hold a usable link (sealed-secrets.ts).
        sealedToken: sealSecret(this.config.JWT_ACCESS_SECRET, token),
        expiresAt: expiresAt.toISOString(),
      },
    });
  }
}
