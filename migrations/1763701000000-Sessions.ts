import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Defence (答辩) and site-visit (现场考察) sessions of a bid in review (ADR 0025): when, how long,
 * where or by which link (at least one), then the minutes and outcome once held, or the reason
 * once cancelled. Listed per list in time order: (challenge_id, scheduled_at, id).
 */
export class Sessions1763701000000 implements MigrationInterface {
  name = 'Sessions1763701000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "review_sessions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "challenge_id" uuid NOT NULL,
        "application_id" uuid NOT NULL,
        "kind" text NOT NULL,
        "scheduled_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "duration_minutes" integer NOT NULL,
        "location" text,
        "meeting_link" text,
        "status" text NOT NULL,
        "minutes" text,
        "outcome" text,
        "cancel_reason" text,
        "created_by" uuid NOT NULL,
        "version" integer NOT NULL DEFAULT 1,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_review_sessions" PRIMARY KEY ("id"),
        CONSTRAINT "ck_review_sessions_kind" CHECK ("kind" IN ('defence', 'site_visit')),
        CONSTRAINT "ck_review_sessions_status" CHECK ("status" IN ('scheduled', 'held', 'cancelled')),
        CONSTRAINT "ck_review_sessions_outcome" CHECK ("outcome" IN ('satisfactory', 'concerns', 'unsatisfactory')),
        CONSTRAINT "ck_review_sessions_duration" CHECK ("duration_minutes" BETWEEN 1 AND 1440),
        CONSTRAINT "ck_review_sessions_place" CHECK ("location" IS NOT NULL OR "meeting_link" IS NOT NULL),
        CONSTRAINT "ck_review_sessions_held" CHECK ("status" <> 'held' OR ("minutes" IS NOT NULL AND "outcome" IS NOT NULL)),
        CONSTRAINT "ck_review_sessions_cancelled" CHECK ("status" <> 'cancelled' OR "cancel_reason" IS NOT NULL),
        CONSTRAINT "fk_review_sessions_challenge" FOREIGN KEY ("challenge_id") REFERENCES "challenges"("id"),
        CONSTRAINT "fk_review_sessions_application" FOREIGN KEY ("application_id") REFERENCES "applications"("id"),
        CONSTRAINT "fk_review_sessions_created_by" FOREIGN KEY ("created_by") REFERENCES "users"("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_review_sessions_challenge" ON "review_sessions" ("challenge_id", "scheduled_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_review_sessions_application" ON "review_sessions" ("application_id", "scheduled_at", "id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "review_sessions"`);
  }
}
