import type { AuthenticationMethod } from './mfa-policy';
import type { Role } from './principal';

export const ACCESS_TOKEN_ISSUER = 'jiebang';
export const ACCESS_TOKEN_AUDIENCE = 'jiebang-api';

/** The claims of an access token (HS256 JWT). Expiry is checked against the injected clock. */
export interface AccessTokenClaims {
  sub: string;
  org: string;
  roles: Role[];
  /** The user's token_version at issue; raising it invalidates every access token issued before. */
  ver: number;
  /** How the session was authenticated (RFC 8176): `['pwd']` or `['pwd', 'otp']` (ADR 0044). */
  amr?: AuthenticationMethod[];
  iat: number;
  exp: number;
}
