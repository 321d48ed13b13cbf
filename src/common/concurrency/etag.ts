import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { HttpResponse } from '../../infra/http/http-types';
import { DomainError } from '../errors/domain-error';

/**
 * Optimistic concurrency for mutable resources: each carries an integer `version`, served as a
 * strong ETag `"<version>"`. A PATCH or state action may send it back in If-Match; a stale one
 * answers 409 VERSION_MISMATCH and changes nothing.
 */
export function etagFor(version: number): string {
  return `"${version}"`;
}

export function setEtag(response: HttpResponse, version: number): void {
  response.header('ETag', etagFor(version));
}

/** Sets the ETag of a versioned answer and returns the answer (`return withEtag(res, dto)`). */
export function withEtag<T extends { version: number }>(res: HttpResponse, body: T): T {
  setEtag(res, body.version);
  return body;
}

/**
 * Parses If-Match into the expected version; absent or `*` means "any version". Accepts `"3"` and the
 * weak ETags of conditional reads, `W/"3-<digest>"` (conditional.ts): the version is the number
 * before the dash (ADR 0051).
 */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*' || header.trim() === '') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,12})(?:-[A-Za-z0-9_-]{1,32})?"\s*$/.exec(header);
  if (!match) {
    throw DomainError.validation([
      { field: 'If-Match', message: 'If-Match must be an ETag this API served, like "3"' },
    ]);
  }
  return Number(match[1]);
}

/** Throws VERSION_MISMATCH when the caller's If-Match version is not the current one. */
export function assertVersion(current: number, expected: number | undefined): void {
  if (expected !== undefined && expected !== current) {
    throw new DomainError(
      'VERSION_MISMATCH',
      `The resource is at version ${current}; you sent If-Match for ${expected}`,
      {
        extra: { currentVersion: current },
      },
    );
  }
}

/**
 * For changes that must never overwrite another's (drafts, score sheets, team edits): If-Match is
 * required, 428 PRECONDITION_REQUIRED without it. `what` names the thing in the message.
 */
export function requireIfMatch(expected: number | undefined, what: string): asserts expected is number {
  if (expected === undefined) {
    throw new DomainError(
      'PRECONDITION_REQUIRED',
      `Send If-Match with the ETag you read: ${what} must not overwrite each other`,
    );
  }
}

/** `@IfMatch() expectedVersion: number | undefined` on a PATCH or state action. */
export const IfMatch = createParamDecorator(
  (_data: unknown, context: ExecutionContext): number | undefined => {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    return parseIfMatch(request.headers['if-match']);
  },
);

/** An ETag this API served: `"3"`, or a conditional read's `W/"3-<digest>"` (ADR 0051). */
export const IF_MATCH_PATTERN = '^(\\*|(W/)?"[0-9]{1,12}(-[A-Za-z0-9_-]{1,32})?")$';

/** Metadata of a handler that takes If-Match (@ApiIfMatch()), read by the OpenAPI conventions. */
export const IF_MATCH = 'concurrency:if-match';

/**
 * Documents the If-Match header of an operation; the OpenAPI conventions add its answers
 * (VERSION_MISMATCH, a malformed If-Match). Where the service requires it, the operation declares
 * PRECONDITION_REQUIRED in @ApiErrors.
 */
export const ApiIfMatch = (): MethodDecorator =>
  applyDecorators(
    SetMetadata(IF_MATCH, true),
    ApiHeader({
      name: 'If-Match',
      required: false,
      description:
        'The ETag you read; the change is refused with 409 VERSION_MISMATCH if the resource changed since',
      schema: {
        type: 'string',
        pattern: IF_MATCH_PATTERN,
        maxLength: 50,
        example: '"3"',
      },
    }),
  );
