import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { sha256Hex } from '../../../../common/auth/secrets';
import { Clock } from '../../../../infra/clock/clock';
import { MfaRepository } from './mfa.repository';
import { TotpSecretCipher } from './totp-secret-cipher';
import { matchingStep, newRecoveryCodes, normalizeRecoveryCode } from './totp';

/** Checks the second factor of a confirmed authenticator: TOTP codes (each once) and recovery codes. */
@Injectable()
export class SecondFactor {
  constructor(
    private readonly repository: MfaRepository,
    private readonly cipher: TotpSecretCipher,
    private readonly clock: Clock,
  ) {}

  /** Whether `code` is a current code not used before; its time step is taken when it is. */
  async acceptTotp(em: EntityManager, userId: string, code: string): Promise<boolean> {
    const row = await this.repository.findTotp(userId, em);
    if (!row?.confirmedAt) return false;
    const now = this.clock.now();
    const step = matchingStep(this.cipher.decrypt(row.secretEncrypted, userId), code, now);
    return step !== null && this.repository.claimStep(em, userId, step, now);
  }

  /** Whether `code` is an unused recovery code of the user; it is used up when it is. */
  acceptRecoveryCode(em: EntityManager, userId: string, code: string): Promise<boolean> {
    const hash = sha256Hex(normalizeRecoveryCode(code));
    return this.repository.claimRecoveryCode(em, userId, hash, this.clock.now());
  }

  /** New recovery codes replacing the old ones: the codes, to show once (stored hashed). */
  async issueRecoveryCodes(em: EntityManager, userId: string): Promise<string[]> {
    const codes = newRecoveryCodes();
    const hashes = codes.map((code) => sha256Hex(normalizeRecoveryCode(code)));
    await this.repository.replaceRecoveryCodes(em, userId, hashes, this.clock.now());
    return codes;
  }
}
