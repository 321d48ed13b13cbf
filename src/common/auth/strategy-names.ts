/**
 * The names the global AuthGuard runs, and the header of API keys. The strategies themselves live
 * in the auth module (src/modules/platform/auth/strategies), which knows users and API keys.
 */
export const JWT_STRATEGY = 'jwt';
export const API_KEY_STRATEGY = 'api-key';
export const API_KEY_HEADER = 'X-Api-Key';
