import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Introductions from an accepted match (docs/adr/0060, "Wiring"): an introduction starts either
 * from an expressed interest (interest_id) or from a need's accepted match (subject_kind and
 * subject_id: a result, a team or an expert), never both; one introduction per need and subject.
 */
export class MatchIntroductions1763703900000 implements MigrationInterface {
  name = 'MatchIntroductions1763703900000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "need_introductions" ALTER COLUMN "interest_id" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "need_introductions" ADD "subject_kind" text`);
    await queryRunner.query(`ALTER TABLE "need_introductions" ADD "subject_id" uuid`);
    await queryRunner.query(
      `ALTER TABLE "need_introductions" ADD CONSTRAINT "ck_need_introductions_origin" CHECK (("interest_id" IS NOT NULL AND "subject_kind" IS NULL AND "subject_id" IS NULL) OR ("interest_id" IS NULL AND "subject_kind" IN ('result', 'team', 'expert') AND "subject_id" IS NOT NULL))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_need_introductions_subject" ON "need_introductions" ("need_id", "subject_kind", "subject_id") WHERE "subject_id" IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ux_need_introductions_subject"`);
    await queryRunner.query(`DELETE FROM "need_introductions" WHERE "interest_id" IS NULL`);
    await queryRunner.query(
      `ALTER TABLE "need_introductions" DROP CONSTRAINT "ck_need_introductions_origin"`,
    );
    await queryRunner.query(`ALTER TABLE "need_introductions" DROP COLUMN "subject_id"`);
    await queryRunner.query(`ALTER TABLE "need_introductions" DROP COLUMN "subject_kind"`);
    await queryRunner.query(`ALTER TABLE "need_introductions" ALTER COLUMN "interest_id" SET NOT NULL`);
  }
}
