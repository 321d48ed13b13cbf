import { Type } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Role } from '../../src/common/auth/principal';
import { Clock } from '../../src/infra/clock/clock';
import { TokenResponseDto } from '../../src/modules/platform/auth/dto/auth.dto';
import type { LoginResponseDto } from '../../src/modules/platform/auth/mfa/dto/mfa.dto';
import { MfaEnrolmentService } from '../../src/modules/platform/auth/mfa/mfa-enrolment.service';
import { totpCode } from '../../src/modules/platform/auth/mfa/totp';
import { TestClock } from './test-clock';

/**
 * TOTP for tests (ADR 0044): codes of the server's own totpCode (otpauth; mfa.e2e checks it against
 * an RFC 6238 test vector) at the test clock's time, never Date.now(). The server accepts the codes
 * of one step before and after now, each once.
 */
export const TOTP_STEP_MS = 30_000;

export function totpCodeAt(secret: string, at: Date | number): string {
  return totpCode(secret, typeof at === 'number' ? new Date(at) : at);
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
 * The steps (relative to now) whose codes a test may send, in order. A test clock stands still, so
 * the step before now is as good as now and leaves more for later; on the real clock the time may
 * pass into the next step before the server checks, so only now and the next one are safe.
 */
function usableSteps(clock: Clock): number[] {
  return clock instanceof TestClock ? [-1, 0, 1] : [0, 1];
}

/**
 * Enrols a user through the services as a person would (start, then confirm with a code). The
 * confirmation uses the earliest usable step, leaving the later ones for sign-ins.
 */
export async function enrolTotp(
  get: <T>(type: Type<T>) => T,
  clock: Clock,
  user: { userId: string; organizationId: string; roles: Role[] },
): Promise<TotpEnrolment> {
  const enrolment = get(MfaEnrolmentService);
  const principal = { kind: 'user' as const, ...user };
  const { secret } = await enrolment.start(principal);
  const at = clock.now().getTime() + usableSteps(clock)[0] * TOTP_STEP_MS;
  const confirmed = await enrolment.confirm(principal, totpCodeAt(secret, at));
  return { secret, recoveryCodes: confirmed.recoveryCodes, tokens: confirmed.tokens };
}

/**
 * A code of the user's authenticator not used yet (a usable step after the last used one), or null
 * when the test clock has not moved on enough.
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
  for (const step of usableSteps(clock).map((offset) => now + offset)) {
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
