import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Matching wired into the transfer loop (docs/adr/0060, "Wiring"): brokers' labels on a need's
 * suggested matches (one per need and subject), the standing alerts raised (one per need and
 * result), and the foreign keys of a contract's need and result now that both tables exist.
 */
export class MatchLabels1763703700000 implements MigrationInterface {
  name = 'MatchLabels1763703700000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "match_labels" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "need_id" uuid NOT NULL,
        "subject_kind" text NOT NULL,
        "subject_id" uuid NOT NULL,
        "verdict" text NOT NULL,
        "reason" text NOT NULL,
        "score" double precision,
        "broker_user_id" uuid NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "ck_match_labels_kind" CHECK ("subject_kind" IN ('result', 'team', 'expert')),
        CONSTRAINT "ck_match_labels_verdict" CHECK ("verdict" IN ('accept', 'reject')),
        CONSTRAINT "pk_match_labels" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_match_labels_subject" ON "match_labels" ("need_id", "subject_kind", "subject_id")`,
    );
    await queryRunner.query(`
      CREATE TABLE "match_alerts" (
        "need_id" uuid NOT NULL,
        "result_id" uuid NOT NULL,
        "score" double precision NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_match_alerts" PRIMARY KEY ("need_id", "result_id")
      )`);
    await queryRunner.query(
      `ALTER TABLE "match_labels" ADD CONSTRAINT "fk_match_labels_need" FOREIGN KEY ("need_id") REFERENCES "needs"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "match_labels" ADD CONSTRAINT "fk_match_labels_broker" FOREIGN KEY ("broker_user_id") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "match_alerts" ADD CONSTRAINT "fk_match_alerts_need" FOREIGN KEY ("need_id") REFERENCES "needs"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "match_alerts" ADD CONSTRAINT "fk_match_alerts_result" FOREIGN KEY ("result_id") REFERENCES "results"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "technology_contracts" ADD CONSTRAINT "fk_technology_contracts_need" FOREIGN KEY ("need_id") REFERENCES "needs"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "technology_contracts" ADD CONSTRAINT "fk_technology_contracts_result" FOREIGN KEY ("result_id") REFERENCES "results"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "technology_contracts" DROP CONSTRAINT "fk_technology_contracts_result"`,
    );
    await queryRunner.query(
      `ALTER TABLE "technology_contracts" DROP CONSTRAINT "fk_technology_contracts_need"`,
    );
    await queryRunner.query(`DROP TABLE "match_alerts"`);
    await queryRunner.query(`DROP TABLE "match_labels"`);
  }
}
