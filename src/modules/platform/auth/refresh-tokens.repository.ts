import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { RefreshTokenEntity } from './entities/refresh-token.entity';

export interface ClaimedRefreshToken {
  id: string;
  userId: string;
  familyId: string;
  /** How the family's sign-in was authenticated (RFC 8176). */
  amr: string[];
}

@Injectable()
export class RefreshTokensRepository {
  /**
   * Marks a live token as used, atomically: of two concurrent refreshes with one token exactly one
   * gets the row back (the conditional UPDATE takes the row lock; the other then matches nothing).
   */
  async claim(em: EntityManager, tokenHash: string, now: Date): Promise<ClaimedRefreshToken | null> {
    const result = await em
      .createQueryBuilder()
      .update(RefreshTokenEntity)
      .set({ rotatedAt: now })
      .where('token_hash = :tokenHash AND rotated_at IS NULL AND revoked_at IS NULL AND expires_at > :now', {
        tokenHash,
        now,
      })
      .returning('id, user_id, family_id, amr')
      .execute();
    const row = (result.raw as Array<{ id: string; user_id: string; family_id: string; amr: string[] }>)[0];
    return row ? { id: row.id, userId: row.user_id, familyId: row.family_id, amr: row.amr } : null;
  }

  findByHash(em: EntityManager, tokenHash: string): Promise<RefreshTokenEntity | null> {
    return em.findOne(RefreshTokenEntity, { where: { tokenHash } });
  }

  async revokeFamily(em: EntityManager, familyId: string, now: Date): Promise<number> {
    const result = await em
      .createQueryBuilder()
      .update(RefreshTokenEntity)
      .set({ revokedAt: now })
      .where('family_id = :familyId AND revoked_at IS NULL', { familyId })
      .execute();
    return result.affected ?? 0;
  }

  /** Revokes every live refresh token of the user (disable, forced sign-out). */
  async revokeAllOfUser(em: EntityManager, userId: string, now: Date): Promise<number> {
    const result = await em
      .createQueryBuilder()
      .update(RefreshTokenEntity)
      .set({ revokedAt: now })
      .where('user_id = :userId AND revoked_at IS NULL', { userId })
      .execute();
    return result.affected ?? 0;
  }
}
