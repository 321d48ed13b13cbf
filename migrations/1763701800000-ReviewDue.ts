import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Review due dates (docs/adr/0024, "Due date and reminders"): every panel has the time its scores
 * are due, `reviewWorkingDays` working days after the draw (a new program setting, default 10).
 * Programs created before get the default; panels drawn before are given fourteen calendar days
 * from their draw (ten working days) and get no reminders (their deadlines were never scheduled).
 */
export class ReviewDue1763701800000 implements MigrationInterface {
  name = 'ReviewDue1763701800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "programs" SET "settings" = "settings" || '{"reviewWorkingDays": 10}'::jsonb
       WHERE NOT "settings" ? 'reviewWorkingDays'`,
    );
    await queryRunner.query(`ALTER TABLE "review_panels" ADD "due_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`UPDATE "review_panels" SET "due_at" = "drawn_at" + interval '14 days'`);
    await queryRunner.query(`ALTER TABLE "review_panels" ALTER COLUMN "due_at" SET NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE "review_panels" ADD CONSTRAINT "ck_review_panels_due" CHECK ("due_at" > "drawn_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "review_panels" DROP CONSTRAINT "ck_review_panels_due"`);
    await queryRunner.query(`ALTER TABLE "review_panels" DROP COLUMN "due_at"`);
    await queryRunner.query(`UPDATE "programs" SET "settings" = "settings" - 'reviewWorkingDays'`);
  }
}
