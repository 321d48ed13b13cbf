import { createHash } from 'node:crypto';
import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';

/**
 * Conditional GETs and caching of public reads (ADR 0051). Platform-neutral: only `header` and
 * `status` of the response are used (Express's response and Fastify's reply both have them).
 */
export interface HeaderResponse {
  header(name: string, value: string): unknown;
  getHeader(name: string): unknown;
  status(code: number): unknown;
}

/** How long a shared cache may keep an anonymous public read (the status by the clock may lag this much). */
export const PUBLIC_READ_MAX_AGE_SECONDS = 5;

/**
 * A weak ETag `W/"<version>-<digest>"`: the resource's version first (If-Match reads it, so any
 * ETag served for a resource is accepted back on its changes), then a digest of everything else
 * the body depends on. Without a version (a listing): `W/"<digest>"`.
 */
export function weakEtag(
  version: number | null,
  ...parts: Array<string | number | null | undefined>
): string {
  const digest = createHash('sha1')
    .update(parts.map((p) => (p === null || p === undefined ? '' : String(p))).join('\u0000'))
    .digest('base64url')
    .slice(0, 16);
  return version === null ? `W/"${digest}"` : `W/"${version}-${digest}"`;
}

/** Whether If-None-Match names this ETag (weak comparison, RFC 9110 §13.1.2), or is `*`. */
export function ifNoneMatchMatches(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return value.split(',').some((tag) => tag.trim().replace(/^W\//, '') === opaque);
}

/**
 * ETag and Cache-Control of a public read: an anonymous answer may be kept briefly by shared caches
 * (and varies with the credentials, which change it); an answer to credentials is private and
 * revalidated every time (`no-cache`: stored, never reused without a 304 first).
 */
export function setReadCaching(res: HeaderResponse, anonymous: boolean, etag: string): void {
  res.header('ETag', etag);
  res.header(
    'Cache-Control',
    anonymous ? `public, max-age=${PUBLIC_READ_MAX_AGE_SECONDS}` : 'private, no-cache',
  );
  // Kept beside what is there already (CORS answers vary with Origin).
  const vary = res.getHeader('Vary');
  const before = Array.isArray(vary) ? vary.join(', ') : typeof vary === 'string' ? vary : '';
  res.header('Vary', before ? `${before}, Authorization, X-Api-Key` : 'Authorization, X-Api-Key');
}

const CACHING_HEADERS = {
  ETag: {
    description:
      'A weak ETag of this representation (W/"<version>-<digest>" for one resource, W/"<digest>" for a page): ' +
      "send it back in If-None-Match to get 304 while it is current; a resource's is accepted in If-Match on its changes",
    schema: { type: 'string', maxLength: 64 },
  },
  'Cache-Control': {
    description: `public, max-age=${PUBLIC_READ_MAX_AGE_SECONDS} without credentials; private, no-cache with them`,
    schema: { type: 'string', maxLength: 64 },
  },
  Vary: {
    description: 'Authorization, X-Api-Key (the answer depends on the credentials)',
    schema: { type: 'string', maxLength: 128 },
  },
};

/**
 * Documents a conditional read (ADR 0051): the If-None-Match header, the ETag, Cache-Control and
 * Vary of the 200, and the 304 without a body. Put it below the operation's @ApiOkResponse.
 */
export const ApiConditionalRead = (): MethodDecorator =>
  applyDecorators(
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description: 'ETags you hold (comma-separated) or *: 304 Not Modified, no body, when one is current',
      schema: { type: 'string', maxLength: 1024, example: 'W/"4-Yq3b0mJt1hQe9w2K"' },
    }),
    ApiResponse({ status: 200, headers: CACHING_HEADERS }),
    ApiResponse({
      status: 304,
      description: 'Not Modified: If-None-Match names the current representation; no body',
      headers: CACHING_HEADERS,
    }),
  );
