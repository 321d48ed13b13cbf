import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../clock/clock';
import { InjectConfig } from '../config/config';
import type { AppConfig } from '../config/config';
import { PeriodicSweep } from '../queue/periodic-sweep';
import { ARCHIVE_POLICIES, ArchivePolicy } from './archive-policies';

const DAY_MS = 24 * 60 * 60 * 1000;

export type ArchiveCounts = Record<string, number>;

const quoted = (columns: string[]): string => columns.map((c) => `"${c}"`).join(', ');

/**
 * The worker's retention job (docs/adr/0068): every RETENTION_INTERVAL_MS it moves the settled rows
 * older than their retention from the growing tables to `archive.<table>`, RETENTION_BATCH_SIZE rows
 * per transaction: the batch is locked with `FOR UPDATE SKIP LOCKED`, then each row is deleted and
 * inserted into the archive in one statement (`WITH moved AS (DELETE … RETURNING …) INSERT …`), so a
 * row is either live or archived, never both and never neither. Several workers at once take
 * disjoint batches; the archive's primary key would refuse a row archived twice.
 */
@Injectable()
export class RetentionArchiver implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RetentionArchiver.name);
  private readonly sweeper = new PeriodicSweep('Retention archival', () => this.archiveDue(), this.logger);

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeper.start(this.config.RETENTION_INTERVAL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sweeper.stop();
  }

  /** Archives every due row of every table; returns how many rows moved, by table. */
  async archiveDue(): Promise<ArchiveCounts> {
    const counts: ArchiveCounts = {};
    for (const policy of ARCHIVE_POLICIES) {
      const cutoff = new Date(this.clock.now().getTime() - policy.retentionDays(this.config) * DAY_MS);
      for (;;) {
        const moved = await this.moveBatch(policy, cutoff);
        for (const [table, n] of Object.entries(moved)) counts[table] = (counts[table] ?? 0) + n;
        if ((moved[policy.table] ?? 0) < this.config.RETENTION_BATCH_SIZE) break;
      }
    }
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    if (total) this.logger.log({ archived: counts }, `Archived ${total} rows past their retention`);
    return counts;
  }

  /** One transaction: up to RETENTION_BATCH_SIZE due rows of the table (and their children) moved. */
  moveBatch(policy: ArchivePolicy, cutoff: Date): Promise<ArchiveCounts> {
    return this.dataSource.transaction(async (em) => {
      const locked = await em.query<Array<{ row: string }>>(
        `SELECT t.ctid::text AS "row" FROM "${policy.table}" t WHERE ${policy.due}
         LIMIT $2 FOR UPDATE OF t SKIP LOCKED`,
        [cutoff, this.config.RETENTION_BATCH_SIZE],
      );
      if (!locked.length) return { [policy.table]: 0 };
      const rows = locked.map((r) => r.row);
      const counts: ArchiveCounts = {};
      for (const child of policy.children ?? []) {
        counts[child.table] = await this.move(
          em,
          child.table,
          `"${child.foreignKey}" IN (SELECT "id" FROM "${policy.table}" WHERE ctid = ANY($1::tid[]))`,
          rows,
        );
      }
      counts[policy.table] = await this.move(em, policy.table, `ctid = ANY($1::tid[])`, rows);
      if (counts[policy.table] !== rows.length) {
        throw new Error(
          `Archiving ${policy.table} moved ${counts[policy.table]} of the ${rows.length} rows it locked: rolled back`,
        );
      }
      return counts;
    });
  }

  /** Deletes the rows `where` selects and inserts them into the archive, in one statement. */
  private async move(em: EntityManager, table: string, where: string, rows: string[]): Promise<number> {
    const columns = quoted(await this.columnsOf(em, table));
    const [result] = await em.query<Array<{ n: number }>>(
      `WITH moved AS (DELETE FROM "${table}" WHERE ${where} RETURNING ${columns}),
            archived AS (INSERT INTO "archive"."${table}" (${columns}, "archived_at")
                         SELECT ${columns}, $2::timestamptz FROM moved RETURNING 1)
       SELECT count(*)::int AS n FROM archived`,
      [rows, this.clock.now()],
    );
    return result.n;
  }

  /**
   * The live table's columns, read in the batch's transaction (not cached: a migration may add a
   * column while this worker runs, and a cached list would drop its values from the archive);
   * refuses when the archive lacks one (a migration forgot it).
   */
  private async columnsOf(em: EntityManager, table: string): Promise<string[]> {
    const found = await em.query<Array<{ schema: string; column: string }>>(
      `SELECT table_schema AS "schema", column_name AS "column" FROM information_schema.columns
       WHERE table_name = $1 AND table_schema IN ('public', 'archive') ORDER BY ordinal_position`,
      [table],
    );
    const live = found.filter((c) => c.schema === 'public').map((c) => c.column);
    const archived = new Set(found.filter((c) => c.schema === 'archive').map((c) => c.column));
    const missing = live.filter((c) => !archived.has(c));
    if (!live.length || missing.length) {
      throw new Error(
        `archive.${table} lacks the column(s) ${missing.join(', ') || '(no table)'} of ${table}: ` +
          'add them in a migration; nothing was archived',
      );
    }
    return live;
  }
}
