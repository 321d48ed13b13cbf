import type { EventEmitter } from 'node:events';
import {
  DataSource,
  QueryRunner,
  QueryRunnerAlreadyReleasedError,
  QueryRunnerProviderAlreadyReleasedError,
} from 'typeorm';

/**
 * Gives TypeORM's "already released" errors the connection error that released the query runner,
 * as their `cause` (ADR 0035).
 *
 * When PostgreSQL ends a session between two statements of a transaction (a fast shutdown's 57P01,
 * an immediate one's 57P02, a dropped socket), pg has no query to fail and emits `error` on the
 * client; TypeORM then releases the query runner with that error (so the pool drops the client).
 * The transaction's next statement fails with QueryRunnerAlreadyReleasedError (through the runner
 * or the query builder) or QueryRunnerProviderAlreadyReleasedError (`manager.query`), neither of
 * which says why: the problem filter answered 500. With the cause attached it sees the outage and
 * answers 503. A runner released by the code itself (a bug: a transaction's manager used after the
 * transaction ended) has no such cause and stays a 500.
 */
export function keepConnectionLossCause(dataSource: DataSource): void {
  const driver = dataSource.driver;
  const createQueryRunner = driver.createQueryRunner.bind(driver);
  driver.createQueryRunner = (mode) => watchConnection(createQueryRunner(mode));

  // EntityManager.query goes through DataSource.query, which refuses a released runner itself.
  const query = dataSource.query.bind(dataSource) as (...args: unknown[]) => Promise<unknown>;
  dataSource.query = (async (...args: unknown[]) => {
    try {
      return await query(...args);
    } catch (error) {
      const runner = args[2] as QueryRunner | undefined;
      if (error instanceof QueryRunnerProviderAlreadyReleasedError && runner) {
        attachCause(error, lostConnections.get(runner));
      }
      throw error;
    }
  }) as DataSource['query'];
}

/** The error each query runner's connection was lost with, if it was. */
const lostConnections = new WeakMap<QueryRunner, unknown>();

function attachCause(error: Error, cause: unknown): void {
  if (cause !== undefined && error.cause === undefined) {
    Object.defineProperty(error, 'cause', { value: cause, configurable: true, writable: true });
  }
}

function watchConnection(runner: QueryRunner): QueryRunner {
  let connection: EventEmitter | undefined;
  const onError = (error: unknown): void => {
    if (!lostConnections.has(runner)) lostConnections.set(runner, error);
  };

  const connect = runner.connect.bind(runner) as () => Promise<EventEmitter>;
  runner.connect = async () => {
    const client = await connect();
    if (!connection && typeof client?.on === 'function') {
      connection = client;
      connection.on('error', onError);
    }
    return client;
  };

  const release = runner.release.bind(runner);
  runner.release = () => {
    // Released on purpose: the client goes back to the pool, whose next user is another runner.
    connection?.removeListener('error', onError);
    return release();
  };

  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  runner.query = (async (...args: unknown[]) => {
    try {
      return await query(...args);
    } catch (error) {
      if (error instanceof QueryRunnerAlreadyReleasedError) attachCause(error, lostConnections.get(runner));
      throw error;
    }
  }) as QueryRunner['query'];
  return runner;
}
