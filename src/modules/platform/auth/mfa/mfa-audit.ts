import type { EntityManager } from 'typeorm';
import type { AuditActor, AuditService } from '../../../../common/audit/audit.service';

/** The audit actions of MFA (ADR 0044); failed codes at sign-in are `auth.login_failed`. */
export const MFA_AUDIT = {
  enrolmentStarted: 'auth.mfa_totp_enrolment_started',
  confirmed: 'auth.mfa_totp_confirmed',
  removed: 'auth.mfa_totp_removed',
  reset: 'auth.mfa_reset',
  recoveryCodesRegenerated: 'auth.mfa_recovery_codes_regenerated',
  recoveryCodeUsed: 'auth.mfa_recovery_code_used',
  codeRejected: 'auth.mfa_code_rejected',
} as const;

/** One MFA audit row about a user (the object), with what happened in `after`. */
export function recordMfa(
  audit: AuditService,
  em: EntityManager,
  actor: AuditActor,
  action: (typeof MFA_AUDIT)[keyof typeof MFA_AUDIT],
  userId: string,
  after: Record<string, number | boolean | string>,
): Promise<void> {
  return audit.record(em, { actor, action, objectType: 'user', objectId: userId, after });
}
