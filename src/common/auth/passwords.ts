import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import { InjectConfig } from '../../infra/config/config';
import type { AppConfig } from '../../infra/config/config';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * argon2id password hashes at the configured cost (PASSWORD_HASH_MEMORY_KIB, PASSWORD_HASH_PASSES;
 * by default OWASP's 64 MiB and 3 passes). A hash carries its own parameters, so verifying a hash
 * made at another cost still works, and raising the cost applies to new hashes only.
 */
@Injectable()
export class PasswordHasher {
  private readonly options: { type: typeof argon2.argon2id; memoryCost: number; timeCost: number };
  /**
   * A real hash to verify against when the email is unknown, so that an unknown email and a wrong
   * password take the same time (no user enumeration by timing).
   */
  private dummy?: Promise<string>;

  constructor(@InjectConfig() config: Pick<AppConfig, 'PASSWORD_HASH_MEMORY_KIB' | 'PASSWORD_HASH_PASSES'>) {
    this.options = {
      type: argon2.argon2id,
      memoryCost: config.PASSWORD_HASH_MEMORY_KIB,
      timeCost: config.PASSWORD_HASH_PASSES,
    };
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, this.options);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /** A hash of this cost to verify against when there is no user, for the same time. */
  dummyHash(): Promise<string> {
    this.dummy ??= this.hash('not-a-real-password-only-for-timing');
    return this.dummy;
  }
}
