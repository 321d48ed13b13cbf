import { Type } from '@nestjs/common';
import { Secret, TOTP } from 'otpauth';
import { DataSource } from 'typeorm';
import type { Role } from '../../src/common/auth/principal';
import { Clock } from '../../src/infra/clock/clock';
import { TokenResponseDto } from '../../src/modules/platform/auth/dto/auth.dto';
import type { LoginResponseDto } from '../../src/modules/platform/auth/mfa/dto/mfa.dto';
import { MfaEnrolmentService } from '../../src/modules/platform/auth/mfa/mfa-enrolment.service';

/**
 * TOTP for tests (ADR 0044), computed with the `otpauth` library itself from the test clock's
 * time, never Date.now(). The server accepts the codes of one step before and after now, each once.
 */
export const TOTP_STEP_MS = 30_000;

export function totpCodeAt(secret: string, at: Date | number): string {
  const totp = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
  return totp.generate({ timestamp: typeof at === 'number' ? at : at.getTime() });
}

export function totpStepOf(at: Date | number): number {
  return Math.floor((typeof at === 'number' ? at : at.getTime()) / TOTP_STEP_MS);
}

export interface TotpEnrolment {
  secret: string;
  recoveryCodes: string[];
  /** The session of the confirmation: it passed MFA. */
  tokens: TokenResponseDto;
}

/**
 * Enrols a user through the services as a person would (start, then confirm with a code). The
 * confirmation uses the code of the step before now, leaving now and the next step for sign-ins.
 */
export async function enrolTotp(
  get: <T>(type: Type<T>) => T,
  clock: Clock,
  user: { userId: string; organizationId: string; roles: Role[] },
): Promise<TotpEnrolment> {
  const enrolment = get(MfaEnrolmentService);
  const principal = { kind: 'user' as const, ...user };
  const { secret } = await enrolment.start(principal);
  const confirmed = await enrolment.confirm(
    principal,
    totpCodeAt(secret, clock.now().getTime() - TOTP_STEP_MS),
  );
  return { secret, recoveryCodes: confirmed.recoveryCodes, tokens: confirmed.tokens };
}

/**
 * A code of the user's authenticator not used yet (steps now-1, now, now+1 after the last used
 * one), or null when the test clock has not moved on enough.
 */
export async function unusedTotpCode(
  dataSource: DataSource,
  clock: Clock,
  userId: string,
  secret: string,
): Promise<string | null> {
  const [row] = await dataSource.query<Array<{ last_used_step: number | null }>>(
    `SELECT last_used_step FROM user_totp WHERE user_id = $1`,
    [userId],
  );
  const now = totpStepOf(clock.now());
  for (const step of [now - 1, now, now + 1]) {
    if (row?.last_used_step == null || step > row.last_used_step)
      return totpCodeAt(secret, step * TOTP_STEP_MS);
  }
  return null;
}

/** The tokens of a sign-in that needed no second step (fails loudly on a challenge). */
export function passwordOnlyTokens(answer: LoginResponseDto): TokenResponseDto {
  if ('mfaRequired' in answer) throw new Error('The sign-in asks for a second factor (TOTP)');
  return answer;
}
