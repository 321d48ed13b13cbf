import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PasswordResetTokenEntity } from './entities/password-reset-token.entity';

/** password_reset_tokens, by intention. */
@Injectable()
export class PasswordResetTokensRepository {
  async insert(em: EntityManager, row: Omit<PasswordResetTokenEntity, 'id'>): Promise<void> {
    await em.insert(PasswordResetTokenEntity, row);
  }

  /** Revokes the user's live tokens (a newer one supersedes them; a reset ends them all). */
  async revokeLive(em: EntityManager, userId: string, now: Date): Promise<number> {
    const result = await em
      .createQueryBuilder()
      .update(PasswordResetTokenEntity)
      .set({ revokedAt: now })
      .where('user_id = :userId AND used_at IS NULL AND revoked_at IS NULL', { userId })
      .execute();
    return result.affected ?? 0;
  }

  /**
   * Uses a live token, atomically: of two concurrent confirmations exactly one gets the user back
   * (the conditional UPDATE holds the row lock; the other then matches nothing).
   */
  async claim(
    em: EntityManager,
    tokenHash: string,
    now: Date,
  ): Promise<{ id: string; userId: string } | null> {
    const [rows] = await em.query<[Array<{ id: string; user_id: string }>, number]>(
      `UPDATE password_reset_tokens SET used_at = $2
       WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
       RETURNING id, user_id`,
      [tokenHash, now],
    );
    const row = rows[0];
    return row ? { id: row.id, userId: row.user_id } : null;
  }
}
