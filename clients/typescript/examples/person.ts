/**
 * The person's side of docs/integration.md, compiled and tested with the rest of the repository
 * (test/unit/typed-client.spec.ts): a user logs in with e-mail and password (and a TOTP code when
 * the account has one), and the client sends the access token and refreshes it before it expires.
 */
import { createJiebangClient } from '../index';
import type { JiebangClient, Schemas } from '../index';
import { JiebangError } from './portal';

// A person logs in: POST /auth/login, then Bearer; POST /auth/refresh before the access token expires.
export async function signIn(
  baseUrl: string,
  email: string,
  password: string,
  now: () => number = Date.now,
  totpCode?: () => Promise<string>,
): Promise<JiebangClient> {
  const anonymous = createJiebangClient({ baseUrl });
  const login = await anonymous.POST('/api/v1/auth/login', { body: { email, password } });
  if (login.error) throw new JiebangError(login.error);
  let tokens: Schemas['TokenResponseDto'];
  if ('mfaRequired' in login.data) {
    // The account has a TOTP authenticator (every administrator has): the second step.
    if (!totpCode) throw new Error('This account signs in with a TOTP code as well');
    const second = await anonymous.POST('/api/v1/auth/login/mfa', {
      body: { mfaToken: login.data.mfaToken, code: await totpCode() },
    });
    if (second.error) throw new JiebangError(second.error);
    tokens = second.data;
  } else {
    tokens = login.data;
  }
  let expiresAt = now() + tokens.expiresIn * 1000;
  let refreshing: Promise<void> | null = null;

  // A refresh token is usable once: concurrent requests share one refresh.
  const refresh = async (): Promise<void> => {
    const { data, error } = await anonymous.POST('/api/v1/auth/refresh', {
      body: { refreshToken: tokens.refreshToken },
    });
    if (error) throw new JiebangError(error);
    tokens = data;
    expiresAt = now() + data.expiresIn * 1000;
  };

  return createJiebangClient({
    baseUrl,
    token: async () => {
      if (now() >= expiresAt - 60_000) {
        refreshing ??= refresh().finally(() => (refreshing = null));
        await refreshing;
      }
      return tokens.accessToken;
    },
  });
}
