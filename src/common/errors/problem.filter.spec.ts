import { NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { DomainError } from './domain-error';
import { mapError } from './problem.filter';

function pgError(code: string): QueryFailedError {
  return new QueryFailedError('SELECT 1', [], Object.assign(new Error('pg'), { code }));
}

describe('mapError', () => {
  it('keeps a domain error code, message and field errors', () => {
    const mapped = mapError(DomainError.validation([{ field: 'name', message: 'name is required' }]));
    expect(mapped).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'name', message: 'name is required' }],
    });
  });

  it.each([
    [new NotFoundException(), 'NOT_FOUND'],
    [new PayloadTooLargeException(), 'PAYLOAD_TOO_LARGE'],
    [{ type: 'entity.parse.failed', status: 400, message: 'Unexpected end' }, 'MALFORMED_JSON'],
    [{ type: 'entity.too.large', status: 413, message: 'too large' }, 'PAYLOAD_TOO_LARGE'],
    [{ type: 'charset.unsupported', status: 415, message: 'bad charset' }, 'UNSUPPORTED_MEDIA_TYPE'],
    [{ type: 'entity.too.deep', status: 400, message: 'too deep', maxDepth: 32 }, 'JSON_TOO_DEEP'],
    [pgError('22P02'), 'VALIDATION_FAILED'],
    [pgError('22021'), 'VALIDATION_FAILED'],
    [pgError('22P05'), 'VALIDATION_FAILED'],
    [pgError('23505'), 'ALREADY_EXISTS'],
    [pgError('23503'), 'VALIDATION_FAILED'],
    [pgError('23514'), 'VALIDATION_FAILED'],
    [pgError('40001'), 'CONFLICT'],
    [pgError('57014'), 'SERVICE_UNAVAILABLE'],
    [
      Object.assign(new Error('Reached the max retries'), { name: 'MaxRetriesPerRequestError' }),
      'SERVICE_UNAVAILABLE',
    ],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      'SERVICE_UNAVAILABLE',
    ],
    [pgError('ECONNRESET'), 'SERVICE_UNAVAILABLE'],
  ])('maps %p to %s', (error, code) => {
    expect(mapError(error).code).toBe(code);
  });

  it('hides anything unknown behind an opaque INTERNAL_ERROR', () => {
    const mapped = mapError(new Error('connection string postgres://secret@db'));
    expect(mapped).toEqual({ code: 'INTERNAL_ERROR', detail: 'An unexpected error occurred' });
    expect(mapError(pgError('XX000')).detail).not.toContain('pg');
  });
});
