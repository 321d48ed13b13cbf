import { EventEmitter } from 'node:events';
import { DatabaseError } from 'pg';
import {
  DataSource,
  QueryRunnerAlreadyReleasedError,
  QueryRunnerProviderAlreadyReleasedError,
} from 'typeorm';
import { isDependencyUnavailable } from '../../common/errors/dependency-errors';
import { keepConnectionLossCause } from './connection-loss';

/** What pg-protocol builds from a fast shutdown's FATAL ErrorResponse. */
function adminShutdown(): DatabaseError {
  const error = new DatabaseError('terminating connection due to administrator command', 100, 'error');
  Object.assign(error, { severity: 'FATAL', code: '57P01' });
  return error;
}

/** A pg client as far as TypeORM's query runner uses it: an emitter that answers queries. */
class FakeClient extends EventEmitter {
  query = jest.fn(async () => ({ rows: [{ one: 1 }], rowCount: 1, command: 'SELECT' }));
}

/**
 * A DataSource never connected, whose driver takes its clients from a fake pool: the query runner
 * is TypeORM's own (PostgresQueryRunner), only the network is missing.
 */
function dataSourceWithFakePool(): { dataSource: DataSource; client: FakeClient; released: unknown[] } {
  const dataSource = new DataSource({ type: 'postgres', url: 'postgres://x@127.0.0.1:1/x' });
  const client = new FakeClient();
  const released: unknown[] = [];
  Object.assign(dataSource.driver, {
    master: {
      connect: (callback: (error: unknown, client: FakeClient, release: (error?: unknown) => void) => void) =>
        callback(undefined, client, (error?: unknown) => released.push(error)),
    },
  });
  keepConnectionLossCause(dataSource);
  return { dataSource, client, released };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('keepConnectionLossCause', () => {
  it('a session ended by the server between two statements: the next one fails as an outage (503)', async () => {
    const { dataSource, client, released } = dataSourceWithFakePool();
    const runner = dataSource.createQueryRunner();
    await runner.startTransaction();
    await runner.query('SELECT 1');

    // pg has no query to fail: it emits `error`, and TypeORM releases the runner with it.
    const lost = adminShutdown();
    client.emit('error', lost);
    expect(runner.isReleased).toBe(true);
    expect(released).toEqual([lost]);

    const next = await rejection(runner.query('INSERT INTO teams DEFAULT VALUES'));
    expect(next).toBeInstanceOf(QueryRunnerAlreadyReleasedError);
    expect(next.cause).toBe(lost);
    expect(isDependencyUnavailable(next)).toBe(true);
    // Raw SQL through the transaction's manager: DataSource.query refuses the released runner itself.
    const raw = await rejection(runner.manager.query('SELECT 1 FROM users WHERE id = $1', ['x']));
    expect(raw).toBeInstanceOf(QueryRunnerProviderAlreadyReleasedError);
    expect(raw.cause).toBe(lost);
    expect(isDependencyUnavailable(raw)).toBe(true);
    // COMMIT too (and the ROLLBACK TypeORM then tries, which it swallows).
    expect(isDependencyUnavailable(await rejection(runner.commitTransaction()))).toBe(true);
  });

  it('without this, TypeORM gives no cause and the problem filter answers 500', async () => {
    const dataSource = new DataSource({ type: 'postgres', url: 'postgres://x@127.0.0.1:1/x' });
    const client = new FakeClient();
    Object.assign(dataSource.driver, {
      master: {
        connect: (callback: (e: unknown, c: FakeClient, r: () => void) => void) =>
          callback(undefined, client, () => undefined),
      },
    });
    const runner = dataSource.createQueryRunner();
    await runner.query('SELECT 1');
    client.emit('error', adminShutdown());
    const next = await rejection(runner.query('SELECT 2'));
    expect(next).toBeInstanceOf(QueryRunnerAlreadyReleasedError);
    expect(isDependencyUnavailable(next)).toBe(false);
    expect(isDependencyUnavailable(await rejection(runner.manager.query('SELECT 2')))).toBe(false);
  });

  it('a runner released by the code and used again is a bug: no cause, still a 500', async () => {
    const { dataSource, released } = dataSourceWithFakePool();
    const runner = dataSource.createQueryRunner();
    await runner.query('SELECT 1');
    await runner.release();
    expect(released).toEqual([undefined]);
    const misuse = await rejection(runner.query('SELECT 2'));
    expect(misuse).toBeInstanceOf(QueryRunnerAlreadyReleasedError);
    expect(misuse.cause).toBeUndefined();
    expect(isDependencyUnavailable(misuse)).toBe(false);
    const raw = await rejection(runner.manager.query('SELECT 2'));
    expect(raw).toBeInstanceOf(QueryRunnerProviderAlreadyReleasedError);
    expect(isDependencyUnavailable(raw)).toBe(false);
  });

  it('a client released to the pool carries no listener of the runner that used it', async () => {
    const { dataSource, client } = dataSourceWithFakePool();
    const listeners = client.listenerCount('error');
    const first = dataSource.createQueryRunner();
    await first.query('SELECT 1');
    expect(client.listenerCount('error')).toBeGreaterThan(listeners);
    await first.release();
    expect(client.listenerCount('error')).toBe(listeners);

    // The next runner on the same client: an error after the first let go is not the first's.
    const second = dataSource.createQueryRunner();
    await second.query('SELECT 1');
    const lost = adminShutdown();
    client.emit('error', lost);
    expect((await rejection(second.query('SELECT 2'))).cause).toBe(lost);
    expect((await rejection(first.query('SELECT 2'))).cause).toBeUndefined();
  });

  it('a failing statement is left as it is (its own error, not a released runner)', async () => {
    const { dataSource, client } = dataSourceWithFakePool();
    const runner = dataSource.createQueryRunner();
    const duplicate = new DatabaseError('duplicate key value violates unique constraint', 100, 'error');
    Object.assign(duplicate, { code: '23505' });
    client.query.mockRejectedValueOnce(duplicate);
    const error = await rejection(runner.query('INSERT INTO teams DEFAULT VALUES'));
    expect((error as Error & { driverError?: unknown }).driverError).toBe(duplicate);
    expect(isDependencyUnavailable(error)).toBe(false);
  });
});
