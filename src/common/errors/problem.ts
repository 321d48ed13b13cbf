import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_STATUS, ERROR_TITLES, problemType } from './error-codes';
import type { ErrorCode } from './error-codes';
import { FieldError } from './domain-error';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * What sendProblem needs of a response: Fastify's reply and Express's response both have it
 * (the request pipeline and the problem filter hand it a Fastify reply, ADR 0050).
 */
export interface ProblemResponse {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
  send(body: string): unknown;
}

/** An X-Request-Id the platform generated, the example of every problem's requestId (and of EXAMPLE_IDS.request). */
export const EXAMPLE_REQUEST_ID = '31f8546b-5f05-4b77-aa17-a67f56d9eaaa';

export class FieldErrorDto implements FieldError {
  @ApiProperty({ example: 'email' })
  field: string;

  @ApiProperty({ example: 'email must be an email' })
  message: string;
}

/** RFC 9457 problem details, with the stable `code` integrators branch on. */
export class ProblemDto {
  @ApiProperty({ example: 'urn:jiebang:problem:validation-failed' })
  type: string;

  @ApiProperty({ example: 'The request is not valid' })
  title: string;

  @ApiProperty({ type: 'integer', example: 400 })
  status: number;

  @ApiProperty({ example: 'One or more fields are not valid' })
  detail: string;

  @ApiProperty({ enum: Object.keys(ERROR_STATUS), example: 'VALIDATION_FAILED' })
  code: ErrorCode;

  @ApiPropertyOptional({ type: [FieldErrorDto] })
  errors?: FieldErrorDto[];

  @ApiPropertyOptional({
    example: EXAMPLE_REQUEST_ID,
    description: 'The X-Request-Id of the request, to quote to support',
  })
  requestId?: string;
}

export function buildProblem(
  code: ErrorCode,
  detail: string,
  extra: { errors?: FieldError[]; requestId?: string; [key: string]: unknown } = {},
): ProblemDto & Record<string, unknown> {
  const { errors, requestId, ...rest } = extra;
  return {
    type: problemType(code),
    title: ERROR_TITLES[code],
    status: ERROR_STATUS[code],
    detail,
    code,
    ...rest,
    ...(errors && errors.length ? { errors } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

/** Writes a problem+json answer: the one way every layer (filter, body parser, middleware) answers an error. */
export function sendProblem(
  response: ProblemResponse,
  code: ErrorCode,
  detail: string,
  extra: {
    errors?: FieldError[];
    requestId?: string;
    headers?: Record<string, string>;
    [key: string]: unknown;
  } = {},
): void {
  const { headers, ...rest } = extra;
  const problem = buildProblem(code, detail, rest);
  for (const [name, value] of Object.entries(headers ?? {})) response.header(name, value);
  response.status(problem.status);
  // With the charset, as Express's send() added it to every text body.
  response.header('Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
  response.send(JSON.stringify(problem));
}
