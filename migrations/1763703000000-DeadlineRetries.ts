import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deadlines drained in batches (ADR 0053): a row whose handler failed stays pending with the
 * number of failed attempts, the time of its next try and the last error, so a batch never loses
 * or repeats the rows beside it and the bad row backs off on its own. Additive only: a running
 * older version ignores the columns.
 */
export class DeadlineRetries1763703000000 implements MigrationInterface {
  name = 'DeadlineRetries1763703000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "deadlines" ADD "attempts" integer NOT NULL DEFAULT 0,
       ADD "retry_at" timestamptz, ADD "last_error" text`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "deadlines" DROP COLUMN "last_error", DROP COLUMN "retry_at", DROP COLUMN "attempts"`,
    );
  }
}
