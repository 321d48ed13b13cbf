import { SetMetadata } from '@nestjs/common';
import { ADMINISTRATIVE_ROLES, type Role } from './principal';

/**
 * The administrative roles (三员: system, security and audit administrator). Their sessions need a
 * second factor (TOTP, ADR 0044): an administrator who signed in with the password alone may only
 * enrol, read /me and sign out until the session has passed MFA.
 */
export const MFA_REQUIRED_ROLES: readonly Role[] = ADMINISTRATIVE_ROLES;

/** Whether a person holding `roles` must sign in with a second factor. */
export function mfaRequiredFor(roles: readonly Role[]): boolean {
  return roles.some((role) => MFA_REQUIRED_ROLES.includes(role));
}

/** The `amr` (RFC 8176) of a session: the password alone, or the password and a one-time code. */
export type AuthenticationMethod = 'pwd' | 'otp';
export const PASSWORD_ONLY: AuthenticationMethod[] = ['pwd'];
export const PASSWORD_AND_OTP: AuthenticationMethod[] = ['pwd', 'otp'];

export const ALLOW_WITHOUT_MFA = 'auth:allow-without-mfa';

/**
 * A route an administrator may call before the session passed MFA (enrolment, /me, logout). On any
 * other route the global guard answers 403 MFA_ENROLMENT_REQUIRED to such a session.
 */
export const AllowWithoutMfa = (): MethodDecorator & ClassDecorator => SetMetadata(ALLOW_WITHOUT_MFA, true);
