import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The W3C trace context of the span that recorded an outbox event (docs/adr/0064), so the worker's
 * handling of the event joins the trace of the request that caused it. NULL when tracing is off.
 * Expand-only: old processes ignore the column; rolling back drops it. An archive copy of the table
 * (`archive.outbox_events`, made `LIKE` the live one by the retention migration) gets the column too
 * when it already exists, so archiving keeps every column whichever migration ran first.
 */
export class OutboxTraceparent1763704100000 implements MigrationInterface {
  name = 'OutboxTraceparent1763704100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "outbox_events" ADD "traceparent" text`);
    await queryRunner.query(
      `ALTER TABLE IF EXISTS "archive"."outbox_events" ADD COLUMN IF NOT EXISTS "traceparent" text`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE IF EXISTS "archive"."outbox_events" DROP COLUMN IF EXISTS "traceparent"`,
    );
    await queryRunner.query(`ALTER TABLE "outbox_events" DROP COLUMN "traceparent"`);
  }
}
