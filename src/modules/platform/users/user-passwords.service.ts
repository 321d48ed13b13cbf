import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PasswordHasher } from '../../../common/auth/passwords';
import { randomSecret } from '../../../common/auth/secrets';
import { UserEntity } from './entities/user.entity';
import { UsersRepository } from './users.repository';

/**
 * A user's password, for the auth module's change, reset and forced reset (ADR 0045). Every change
 * raises the user's token_version, so access tokens issued before stop working at once; the caller
 * revokes the refresh tokens and audits in the same transaction.
 */
@Injectable()
export class UserPasswordsService {
  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordHasher,
  ) {}

  /** Whether `password` is the user's current one (argon2 work either way). */
  async verify(user: UserEntity, password: string): Promise<boolean> {
    return this.passwords.verify(user.passwordHash, password);
  }

  /** The user row, locked until the transaction ends (null when there is none). */
  lockUser(em: EntityManager, userId: string): Promise<UserEntity | null> {
    return this.users.findByIdForUpdate(em, userId);
  }

  /** Sets a new password (argon2id) on a user row locked with `lockUser`. */
  async replace(em: EntityManager, user: UserEntity, password: string, now: Date): Promise<UserEntity> {
    return this.store(em, user, await this.passwords.hash(password), now);
  }

  /**
   * Makes the password unusable (a forced reset): the hash of a random secret nobody knows, so a
   * sign-in with the old password fails exactly as any wrong password does, in the same time.
   */
  async lock(em: EntityManager, user: UserEntity, now: Date): Promise<UserEntity> {
    return this.store(em, user, await this.passwords.hash(randomSecret(32)), now);
  }

  private async store(em: EntityManager, user: UserEntity, hash: string, now: Date): Promise<UserEntity> {
    user.passwordHash = hash;
    user.tokenVersion += 1;
    user.version += 1;
    user.updatedAt = now;
    return em.save(user);
  }
}
