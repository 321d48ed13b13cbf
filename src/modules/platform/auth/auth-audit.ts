/** The audit actions of sign-in and sessions; those of MFA are in mfa/mfa-audit.ts. */
export const AUTH_AUDIT = {
  registered: 'auth.registered',
  loginFailed: 'auth.login_failed',
  login: 'auth.login',
  refreshTokenReused: 'auth.refresh_token_reused',
  logout: 'auth.logout',
} as const;
