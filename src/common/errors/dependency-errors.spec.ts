import { ArgumentsHost, Logger } from '@nestjs/common';
import { MaxRetriesPerRequestError } from 'ioredis/built/errors';
import Redis from 'ioredis';
import { Client, DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { freePort } from '../../infra/embedded/free-port';
import { isDependencyUnavailable } from './dependency-errors';
import { DomainError } from './domain-error';
import { mapError, ProblemFilter } from './problem.filter';

/** A server error as pg-protocol's parser builds it from an ErrorResponse message. */
function serverError(code: string, message: string, severity = 'ERROR'): DatabaseError {
  const error = new DatabaseError(message, 100, 'error');
  Object.assign(error, { severity, code, file: 'postgres.c', line: '3300', routine: 'ProcessInterrupts' });
  return error;
}

/** TypeORM wraps every failed statement so: the pg error is its `driverError`. */
function queryFailed(driverError: Error): QueryFailedError {
  return new QueryFailedError('SELECT 1', [], driverError);
}

/** A port nothing listens on: one the OS just handed out and took back. */
const closedPort = freePort;

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('isDependencyUnavailable', () => {
  describe('real errors of the clients', () => {
    it('pg connecting to a port nobody listens on: ECONNREFUSED', async () => {
      const client = new Client({ host: '127.0.0.1', port: await closedPort(), user: 'x', database: 'x' });
      client.on('error', () => undefined);
      const error = await rejection(client.connect());
      expect((error as Error & { code?: string }).code).toBe('ECONNREFUSED');
      expect(isDependencyUnavailable(error)).toBe(true);
      expect(isDependencyUnavailable(queryFailed(error))).toBe(true);
    });

    it('ioredis with the offline queue off and no connection', async () => {
      const redis = new Redis({
        host: '127.0.0.1',
        port: await closedPort(),
        enableOfflineQueue: false,
        lazyConnect: true,
        retryStrategy: () => null,
      });
      try {
        const error = await rejection(redis.ping());
        expect(error.message).toContain('enableOfflineQueue');
        expect(isDependencyUnavailable(error)).toBe(true);
      } finally {
        redis.disconnect();
      }
    });

    it('ioredis giving up on a command after its reconnection attempts', async () => {
      const redis = new Redis({
        host: '127.0.0.1',
        port: await closedPort(),
        maxRetriesPerRequest: 1,
        retryStrategy: (attempt) => (attempt > 3 ? null : 1),
      });
      redis.on('error', () => undefined);
      try {
        const error = await rejection(redis.get('key'));
        expect(error.name).toBe('MaxRetriesPerRequestError');
        expect(isDependencyUnavailable(error)).toBe(true);
      } finally {
        redis.disconnect();
      }
    });
  });

  describe('shapes constructed as the clients build them', () => {
    it.each([
      [
        '57P01 admin shutdown (fast stop, pg_terminate_backend)',
        serverError('57P01', 'terminating connection due to administrator command', 'FATAL'),
      ],
      [
        '57P02 crash shutdown (immediate stop)',
        serverError('57P02', 'terminating connection because of crash of another server process', 'FATAL'),
      ],
      ['57P03 cannot connect now', serverError('57P03', 'the database system is starting up', 'FATAL')],
      ['53300 too many connections', serverError('53300', 'sorry, too many clients already', 'FATAL')],
      ['08006 connection failure', serverError('08006', 'connection failure')],
      ['08P01 protocol violation', serverError('08P01', 'invalid frontend message type')],
      [
        '57P01 wrapped by TypeORM',
        queryFailed(serverError('57P01', 'terminating connection due to administrator command', 'FATAL')),
      ],
      ['pg: Connection terminated', new Error('Connection terminated')],
      [
        'pg: not queryable after an error',
        new Error('Client has encountered a connection error and is not queryable'),
      ],
      ['pg: closed client', queryFailed(new Error('Client was closed and is not queryable'))],
      ['pg: client query_timeout', new Error('Query read timeout')],
      ['pg-pool: checkout timeout', new Error('timeout exceeded when trying to connect')],
      [
        'pg-pool: connect timeout, with its cause',
        new Error('Connection terminated due to connection timeout', {
          cause: new Error('Connection terminated unexpectedly'),
        }),
      ],
      ['a socket error code', Object.assign(new Error('write EPIPE'), { code: 'EPIPE', syscall: 'write' })],
      ['ETIMEDOUT', Object.assign(new Error('connect ETIMEDOUT 10.0.0.1:5432'), { code: 'ETIMEDOUT' })],
      [
        'happy eyeballs: an AggregateError of refusals',
        Object.assign(
          new AggregateError(
            [Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })],
            '',
          ),
          {},
        ),
      ],
      [
        'a failed ROLLBACK after a lost connection',
        new QueryFailedError(
          'ROLLBACK',
          [],
          new Error('Client has encountered a connection error and is not queryable'),
        ),
      ],
      [
        'an error wrapping a TypeORM error in its cause',
        new Error('Could not load the user', {
          cause: queryFailed(
            serverError('57P01', 'terminating connection due to administrator command', 'FATAL'),
          ),
        }),
      ],
      ['ioredis: Connection is closed.', new Error('Connection is closed.')],
      ['ioredis: MaxRetriesPerRequestError', new MaxRetriesPerRequestError(2)],
      ['ioredis: command timeout', new Error('Command timed out')],
      [
        'Redis loading its data set',
        Object.assign(new Error('LOADING Redis is loading the dataset in memory'), { name: 'ReplyError' }),
      ],
    ])('%s', (_label, error) => {
      expect(isDependencyUnavailable(error)).toBe(true);
      expect(mapError(error)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', headers: { 'Retry-After': '5' } });
    });
  });

  describe('what is not an outage', () => {
    it.each([
      [
        'a unique violation',
        queryFailed(serverError('23505', 'duplicate key value violates unique constraint')),
      ],
      ['an undefined table', queryFailed(serverError('42P01', 'relation "x" does not exist'))],
      [
        'a cancelled statement (handled on its own)',
        serverError('57014', 'canceling statement due to user request'),
      ],
      ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
      ['a file error', Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' })],
      ['a message that only mentions a connection', new Error('the connection string is invalid')],
      ['not an error at all', 'Connection terminated'],
    ])('%s', (_label, error) => {
      expect(isDependencyUnavailable(error)).toBe(false);
    });

    it('a cancelled statement and a not-ready probe still answer 503 with Retry-After', () => {
      expect(
        mapError(queryFailed(serverError('57014', 'canceling statement due to statement timeout'))),
      ).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        headers: { 'Retry-After': '5' },
      });
      expect(mapError(new DomainError('SERVICE_UNAVAILABLE', 'Not ready'))).toMatchObject({
        headers: { 'Retry-After': '5' },
      });
    });

    it('stops on a cycle of causes', () => {
      const error = new Error('outer') as Error & { cause?: unknown };
      error.cause = { driverError: error, errors: [error] };
      expect(isDependencyUnavailable(error)).toBe(false);
    });
  });
});

describe('ProblemFilter logging of a 503', () => {
  function respond(error: unknown): { status?: number; headers: Record<string, string> } {
    const sent: { status?: number; headers: Record<string, string> } = { headers: {} };
    // A reply double: the status and headers sendProblem sets (Fastify's reply.header, ADR 0050).
    const response = {
      sent: false,
      header: (name: string, value: string) => (sent.headers[name] = value),
      status(code: number) {
        sent.status = code;
        return this;
      },
      send: () => undefined,
    };
    const host = {
      switchToHttp: () => ({ getResponse: () => response, getRequest: () => ({ id: 'req-1' }) }),
    } as unknown as ArgumentsHost;
    new ProblemFilter().catch(error, host);
    return sent;
  }

  afterEach(() => jest.restoreAllMocks());

  it('logs an outage (and a not-ready probe) as a warning, a bug as an error', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

    expect(respond(new DomainError('SERVICE_UNAVAILABLE', 'Not ready: database down'))).toMatchObject({
      status: 503,
      headers: { 'Retry-After': '5' },
    });
    expect(respond(queryFailed(serverError('57P01', 'terminating connection', 'FATAL'))).status).toBe(503);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(error).not.toHaveBeenCalled();

    expect(respond(new TypeError('x is undefined')).status).toBe(500);
    expect(error).toHaveBeenCalledTimes(1);
  });
});
