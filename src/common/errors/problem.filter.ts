import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { currentRequestId } from '../request-context/request-context';
import { DEPENDENCY_RETRY_AFTER_SECONDS, isDependencyUnavailable } from './dependency-errors';
import { DomainError, FieldError } from './domain-error';
import { ERROR_STATUS, ErrorCode } from './error-codes';
import { ProblemResponse, sendProblem } from './problem';

interface Mapped {
  code: ErrorCode;
  detail: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  extra?: Record<string, unknown>;
}

const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** Errors raised by body-parser before a route runs: they carry `type` and `status`. */
interface BodyParserError {
  type: string;
  status: number;
  message: string;
}

/** Errors Fastify raises itself (a content type it cannot parse, a broken multipart body): `FST_…` codes. */
interface PlatformError {
  code: string;
  statusCode: number;
  message: string;
}

function isPlatformError(error: unknown): error is PlatformError {
  return (
    error instanceof Error &&
    typeof (error as Partial<PlatformError>).code === 'string' &&
    (error as unknown as PlatformError).code.startsWith('FST_') &&
    typeof (error as Partial<PlatformError>).statusCode === 'number'
  );
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as BodyParserError).type === 'string' &&
    typeof (error as BodyParserError).status === 'number'
  );
}

/**
 * Maps anything thrown to a code; unknown errors become an opaque INTERNAL_ERROR. Every
 * SERVICE_UNAVAILABLE carries Retry-After, whoever raised it.
 */
export function mapError(error: unknown): Mapped {
  const mapped = mapKnownError(error);
  if (mapped.code !== 'SERVICE_UNAVAILABLE' || mapped.headers?.['Retry-After']) return mapped;
  return { ...mapped, headers: { ...mapped.headers, 'Retry-After': String(DEPENDENCY_RETRY_AFTER_SECONDS) } };
}

function mapKnownError(error: unknown): Mapped {
  if (error instanceof DomainError) {
    return {
      code: error.code,
      detail: error.message,
      errors: error.options.errors,
      headers: error.options.headers,
      extra: error.options.extra,
    };
  }
  if (isBodyParserError(error)) {
    if (error.type === 'entity.too.large')
      return { code: 'PAYLOAD_TOO_LARGE', detail: 'The request body is too large' };
    if (error.type === 'entity.too.deep') {
      const { maxDepth } = error as BodyParserError & { maxDepth?: number };
      return { code: 'JSON_TOO_DEEP', detail: error.message, extra: { maxDepth } };
    }
    if (error.type === 'entity.parse.failed')
      return { code: 'MALFORMED_JSON', detail: 'The request body is not valid JSON' };
    if (error.status === 415) return { code: 'UNSUPPORTED_MEDIA_TYPE', detail: error.message };
    if (error.status >= 400 && error.status < 500) return { code: 'BAD_REQUEST', detail: error.message };
  }
  if (isPlatformError(error) && error.statusCode >= 400 && error.statusCode < 500) {
    if (error.statusCode === 413)
      return { code: 'PAYLOAD_TOO_LARGE', detail: 'The request body is too large' };
    if (error.statusCode === 415) return { code: 'UNSUPPORTED_MEDIA_TYPE', detail: error.message };
    return { code: 'BAD_REQUEST', detail: error.message };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = HTTP_STATUS_CODES[status] ?? (status < 500 ? 'BAD_REQUEST' : 'INTERNAL_ERROR');
    return { code, detail: status < 500 ? error.message : 'An unexpected error occurred' };
  }
  if (error instanceof QueryFailedError) {
    const pgCode = (error.driverError as { code?: string } | undefined)?.code;
    // 22021 and 22P05: text PostgreSQL cannot store (U+0000, in text or jsonb), which the request
    // pipeline refuses first (ADR 0034); this is the backstop for text that reaches a query another way.
    if (['22P02', '22003', '22007', '22008', '22021', '22P05'].includes(pgCode ?? ''))
      return { code: 'VALIDATION_FAILED', detail: 'A value is not of the expected form' };
    if (pgCode === '23505')
      return { code: 'ALREADY_EXISTS', detail: 'A record with these values already exists' };
    // Services check these first; the database constraints are the backstop under races.
    if (pgCode === '23503')
      return { code: 'VALIDATION_FAILED', detail: 'A value refers to a record that does not exist' };
    if (pgCode === '23514')
      return { code: 'VALIDATION_FAILED', detail: 'A value breaks a rule of the data (a check constraint)' };
    if (pgCode === '40001' || pgCode === '40P01' || pgCode === '55P03')
      return { code: 'CONFLICT', detail: 'A concurrent change conflicted with this request; retry it' };
    if (pgCode === '57014')
      return { code: 'SERVICE_UNAVAILABLE', detail: 'The database took too long; retry later' };
  }
  // PostgreSQL or Redis down, restarting or cut off (however wrapped): the caller should retry.
  if (isDependencyUnavailable(error)) {
    return {
      code: 'SERVICE_UNAVAILABLE',
      detail: 'A service this request needs is unavailable; retry later',
    };
  }
  return { code: 'INTERNAL_ERROR', detail: 'An unexpected error occurred' };
}

/** A Fastify reply (`sent`, its Node response `raw`) or an Express response (`headersSent`). */
interface AnsweringResponse extends ProblemResponse {
  sent?: boolean;
  headersSent?: boolean;
  raw?: { headersSent: boolean };
}

/**
 * The one place errors become HTTP answers: RFC 9457 problem+json with a stable `code`,
 * never a stack trace. 5xx are logged with their cause (503, a dependency down, as a warning); 4xx
 * are the caller's and not logged as errors.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<AnsweringResponse>();
    const mapped = mapError(error);
    const message = error instanceof Error ? error.message : String(error);
    if (mapped.code === 'SERVICE_UNAVAILABLE') {
      // An outage of a dependency (or a not-ready probe) is expected and passes: a warning, not an error.
      this.logger.warn({ err: error }, `Service unavailable: ${message}`);
    } else if (ERROR_STATUS[mapped.code] >= 500) {
      this.logger.error({ err: error }, `Unhandled error: ${message}`);
    }
    if (response.sent || response.headersSent || response.raw?.headersSent) return;
    sendProblem(response, mapped.code, mapped.detail, {
      ...mapped.extra,
      errors: mapped.errors,
      // Outside the request context (a refusal before the route, an unknown route): the request's own id.
      requestId: currentRequestId() ?? http.getRequest<{ id?: string }>().id,
      headers: mapped.headers,
    });
  }
}
