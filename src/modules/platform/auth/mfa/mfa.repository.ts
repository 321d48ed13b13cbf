import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { RecoveryCodeEntity } from './entities/recovery-code.entity';
import { UserTotpEntity } from './entities/user-totp.entity';

/** The rows of MFA: each person's TOTP authenticator and recovery codes (ADR 0044). */
@Injectable()
export class MfaRepository {
  constructor(private readonly dataSource: DataSource) {}

  findTotp(userId: string, em: EntityManager = this.dataSource.manager): Promise<UserTotpEntity | null> {
    return em.findOne(UserTotpEntity, { where: { userId } });
  }

  findTotpForUpdate(em: EntityManager, userId: string): Promise<UserTotpEntity | null> {
    return em.findOne(UserTotpEntity, { where: { userId }, lock: { mode: 'pessimistic_write' } });
  }

  async hasConfirmedTotp(userId: string, em: EntityManager = this.dataSource.manager): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `SELECT 1 FROM user_totp WHERE user_id = $1 AND confirmed_at IS NOT NULL`,
      [userId],
    );
    return rows.length > 0;
  }

  /** A new pending authenticator, replacing a pending one (never a confirmed one: the caller checks). */
  async savePending(em: EntityManager, userId: string, secretEncrypted: string, now: Date): Promise<void> {
    await em.query(
      `INSERT INTO user_totp (user_id, secret_encrypted, confirmed_at, last_used_step, created_at, updated_at)
       VALUES ($1, $2, NULL, NULL, $3, $3)
       ON CONFLICT (user_id) DO UPDATE SET secret_encrypted = $2, confirmed_at = NULL, last_used_step = NULL,
         created_at = $3, updated_at = $3`,
      [userId, secretEncrypted, now],
    );
  }

  async confirm(em: EntityManager, userId: string, step: number | null, now: Date): Promise<void> {
    await em.query(
      `UPDATE user_totp SET confirmed_at = $2, last_used_step = $3, updated_at = $2 WHERE user_id = $1`,
      [userId, now, step],
    );
  }

  /**
   * Takes the time step of an accepted code, atomically: a code of that step or an earlier one is
   * refused from then on (of two concurrent sign-ins with one code, one gets true).
   */
  async claimStep(em: EntityManager, userId: string, step: number, now: Date): Promise<boolean> {
    const result = await em
      .createQueryBuilder()
      .update(UserTotpEntity)
      .set({ lastUsedStep: step, updatedAt: now })
      .where(
        'user_id = :userId AND confirmed_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < :step)',
        { userId, step },
      )
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Removes the authenticator and the recovery codes; whether there was an authenticator. */
  async deleteAll(em: EntityManager, userId: string): Promise<boolean> {
    await em.delete(RecoveryCodeEntity, { userId });
    const result = await em.delete(UserTotpEntity, { userId });
    return (result.affected ?? 0) > 0;
  }

  async replaceRecoveryCodes(em: EntityManager, userId: string, hashes: string[], now: Date): Promise<void> {
    await em.delete(RecoveryCodeEntity, { userId });
    await em.insert(
      RecoveryCodeEntity,
      hashes.map((codeHash) => ({ userId, codeHash, createdAt: now, usedAt: null })),
    );
  }

  /** Marks an unused code as used, atomically; whether it was one. */
  async claimRecoveryCode(em: EntityManager, userId: string, codeHash: string, now: Date): Promise<boolean> {
    const result = await em
      .createQueryBuilder()
      .update(RecoveryCodeEntity)
      .set({ usedAt: now })
      .where('user_id = :userId AND code_hash = :codeHash AND used_at IS NULL', { userId, codeHash })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  unusedRecoveryCodes(userId: string, em: EntityManager = this.dataSource.manager): Promise<number> {
    return em.count(RecoveryCodeEntity, { where: { userId, usedAt: IsNull() } });
  }
}
