import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The figures of `GET /stats/overview` kept between requests (ADR 0054): one row holding the
 * per-program aggregates of the published challenges as of `computed_at`, written in one statement
 * (one snapshot of the data) by the worker's refresh or, when it is older than the bound, by the
 * reader that finds it so (under an advisory lock: one refresh at a time across every process).
 * Every API process derives every filter's answer from the same row, so they answer alike.
 * Nothing else reads or writes it; dropping the row only makes the next read compute it again.
 */
export class StatsSnapshots1763703100000 implements MigrationInterface {
  name = 'StatsSnapshots1763703100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "stats_snapshots" (
        "id" smallint NOT NULL,
        "version" bigint NOT NULL,
        "computed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "figures" jsonb NOT NULL,
        CONSTRAINT "pk_stats_snapshots" PRIMARY KEY ("id"),
        CONSTRAINT "ck_stats_snapshots_one_row" CHECK ("id" = 1)
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "stats_snapshots"`);
  }
}
