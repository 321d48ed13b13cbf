/**
 * The typed client of the jiebang API: `schema.d.ts` is generated from docs/openapi.json by
 * openapi-typescript (`npm run client`; do not edit it), and requests go through openapi-fetch, so
 * paths, parameters, bodies and answers are checked by the compiler. See docs/integration.md.
 *
 *   const api = createJiebangClient({ baseUrl: 'https://jiebang.example.cn', apiKey });
 *   const { data, error } = await api.GET('/api/v1/challenges', { params: { query: { limit: 50 } } });
 *
 * Every call resolves to `{ data }` on 2xx or `{ error }` (the problem+json body) otherwise, with
 * `response` for status and headers (ETag, X-Request-Id, X-RateLimit-*); it rejects only when the
 * request itself fails (network, abort).
 */
import createClient from 'openapi-fetch';
import type { Client, ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './schema.js';

export type { components, operations, paths };

/** The named schemas of the document: `Schemas['ChallengeResponseDto']`. */
export type Schemas = components['schemas'];

/** An RFC 9457 problem: every 4xx/5xx answer; branch on its stable `code`. */
export type Problem = Schemas['ProblemDto'];

export type JiebangClient = Client<paths>;

export interface JiebangClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** The deployment's origin, e.g. `https://jiebang.example.cn` (the paths carry `/api/v1`). */
  baseUrl: string;
  /**
   * A user's access token, sent as `Authorization: Bearer`; a function is asked before every
   * request (to hand out a refreshed token).
   */
  token?: string | (() => string | undefined | Promise<string | undefined>) | undefined;
  /** An integration key (POST /api/v1/api-keys), sent as `X-Api-Key`. */
  apiKey?: string | undefined;
}

/** A client for one caller: anonymous, a user (`token`) or an integration (`apiKey`). */
export function createJiebangClient(options: JiebangClientOptions): JiebangClient {
  const { baseUrl, token, apiKey, ...rest } = options;
  const client = createClient<paths>({ ...rest, baseUrl: baseUrl.replace(/\/+$/, '') });
  if (token !== undefined || apiKey !== undefined) {
    client.use({
      async onRequest({ request }) {
        const bearer = typeof token === 'function' ? await token() : token;
        if (bearer) request.headers.set('Authorization', `Bearer ${bearer}`);
        if (apiKey) request.headers.set('X-Api-Key', apiKey);
        return request;
      },
    });
  }
  return client;
}

/** The ETag of a response as the `If-Match` value to send back (`"3"`). */
export function etagOf(response: Response): string | undefined {
  return response.headers.get('ETag') ?? undefined;
}
