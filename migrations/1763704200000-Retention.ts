import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention (docs/adr/0068): the `archive` schema holds the rows the worker's retention job moves
 * out of the growing tables, with the same columns (LIKE the live table, as it stands now) and the
 * time they moved. A later migration that adds a column to a live table adds it here too; the job
 * refuses (and logs) a move whose columns the archive lacks rather than drop them. Idempotency keys
 * are re-claimed once expired, so their archive key includes created_at. The partial indexes let
 * the job find settled rows without a scan.
 */
const ARCHIVED_TABLES: Array<{ table: string; key: string[] }> = [
  { table: 'outbox_events', key: ['id'] },
  { table: 'processed_events', key: ['event_id', 'handler'] },
  { table: 'webhook_deliveries', key: ['id'] },
  { table: 'webhook_delivery_attempts', key: ['id'] },
  { table: 'mail_messages', key: ['id'] },
  { table: 'idempotency_keys', key: ['scope', 'key', 'created_at'] },
];

const INDEXES: Array<[name: string, definition: string]> = [
  ['ix_outbox_events_delivered', `"outbox_events" ("delivered_at") WHERE delivered_at IS NOT NULL`],
  ['ix_processed_events_processed', `"processed_events" ("processed_at")`],
  ['ix_webhook_deliveries_settled', `"webhook_deliveries" ("updated_at") WHERE status <> 'pending'`],
  ['ix_mail_messages_settled', `"mail_messages" ("updated_at") WHERE status NOT IN ('queued', 'sending')`],
];

export class Retention1763704200000 implements MigrationInterface {
  name = 'Retention1763704200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS "archive"`);
    for (const { table, key } of ARCHIVED_TABLES) {
      // IF NOT EXISTS: a down migration leaves archive tables that hold rows (below).
      await queryRunner.query(`
        CREATE TABLE IF NOT EXISTS "archive"."${table}" (
          LIKE "public"."${table}",
          "archived_at" TIMESTAMP WITH TIME ZONE NOT NULL,
          CONSTRAINT "pk_archive_${table}" PRIMARY KEY (${key.map((c) => `"${c}"`).join(', ')})
        )`);
    }
    for (const [name, definition] of INDEXES) {
      await queryRunner.query(`CREATE INDEX "${name}" ON ${definition}`);
    }
  }

  /**
   * Drops the indexes and every archive table that is empty; an archive table holding rows is
   * left as it is (archived rows are never dropped by a rollback), and `up` adopts it again.
   */
  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [name] of INDEXES) await queryRunner.query(`DROP INDEX "${name}"`);
    for (const { table } of [...ARCHIVED_TABLES].reverse()) {
      const [row] = (await queryRunner.query(
        `SELECT EXISTS (SELECT 1 FROM "archive"."${table}") AS "hasRows"`,
      )) as Array<{ hasRows: boolean }>;
      if (!row.hasRows) await queryRunner.query(`DROP TABLE "archive"."${table}"`);
    }
    const [left] = (await queryRunner.query(
      `SELECT count(*)::int AS "tables" FROM information_schema.tables WHERE table_schema = 'archive'`,
    )) as Array<{ tables: number }>;
    if (left.tables === 0) await queryRunner.query(`DROP SCHEMA "archive"`);
  }
}
