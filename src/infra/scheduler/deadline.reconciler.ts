import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DeadlineScheduler } from './deadline.scheduler';

const PAGE = 500;

/**
 * At worker start, re-enqueues the job of every pending deadline (deterministic ids make it a no-op
 * for jobs that exist), so deadlines survive a flushed or lost Redis and enqueues that failed after
 * commit.
 */
@Injectable()
export class DeadlineReconciler implements OnApplicationBootstrap {
  private readonly logger = new Logger(DeadlineReconciler.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scheduler: DeadlineScheduler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const count = await this.reconcile();
    if (count) this.logger.log(`Re-enqueued ${count} pending deadlines`);
  }

  async reconcile(): Promise<number> {
    let count = 0;
    let after: string | null = null;
    for (;;) {
      const rows: Array<{ id: string; entity_type: string; entity_id: string; kind: string; due_at: Date }> =
        await this.dataSource.query(
          `SELECT id, entity_type, entity_id, kind, due_at FROM deadlines
           WHERE status = 'pending' AND ($1::uuid IS NULL OR id > $1::uuid) ORDER BY id LIMIT ${PAGE}`,
          [after],
        );
      for (const row of rows) {
        await this.scheduler.enqueue({
          entityType: row.entity_type,
          entityId: row.entity_id,
          kind: row.kind,
          dueAt: row.due_at,
        });
      }
      count += rows.length;
      if (rows.length < PAGE) return count;
      after = rows[rows.length - 1].id;
    }
  }
}
