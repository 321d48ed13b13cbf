import { Logger } from '@nestjs/common';
import { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner } from 'typeorm';
import { TransactionCommitEvent } from 'typeorm/subscriber/event/TransactionCommitEvent';
import { TransactionRollbackEvent } from 'typeorm/subscriber/event/TransactionRollbackEvent';

type Callback = () => Promise<void>;
interface Pending {
  depth: number;
  callback: Callback;
}

const pending = new WeakMap<QueryRunner, Pending[]>();
const installed = new WeakSet<DataSource>();
const logger = new Logger('AfterCommit');

function depthOf(queryRunner: QueryRunner): number {
  return (queryRunner as unknown as { transactionDepth: number }).transactionDepth;
}

/**
 * Runs callbacks once the outermost transaction has committed; forgets them on rollback (of the
 * savepoint they were registered in, or of the whole transaction). The commit awaits them; their
 * errors are logged, never thrown, since the transaction has committed by then.
 */
class AfterCommitSubscriber implements EntitySubscriberInterface {
  async afterTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const runner = event.queryRunner;
    if (runner.isTransactionActive) return;
    const callbacks = pending.get(runner) ?? [];
    pending.delete(runner);
    for (const { callback } of callbacks) {
      await callback().catch((error: unknown) =>
        logger.warn({ err: error }, `After-commit action failed: ${(error as Error).message}`),
      );
    }
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    const runner = event.queryRunner;
    if (!runner.isTransactionActive) {
      pending.delete(runner);
      return;
    }
    const depth = depthOf(runner);
    const kept = (pending.get(runner) ?? []).filter((p) => p.depth <= depth);
    pending.set(runner, kept);
  }
}

export function installAfterCommitHooks(dataSource: DataSource): void {
  if (installed.has(dataSource)) return;
  installed.add(dataSource);
  dataSource.subscribers.push(new AfterCommitSubscriber());
}

/** Registers `callback` to run after the transaction of `em` commits; `em` must be in a transaction. */
export function afterCommit(em: EntityManager, callback: Callback): void {
  const runner = em.queryRunner;
  if (!runner || !runner.isTransactionActive) {
    throw new Error('afterCommit needs the EntityManager of an open transaction');
  }
  if (!installed.has(em.connection))
    throw new Error('installAfterCommitHooks was not called for this DataSource');
  const list = pending.get(runner) ?? [];
  list.push({ depth: depthOf(runner), callback });
  pending.set(runner, list);
}
