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
