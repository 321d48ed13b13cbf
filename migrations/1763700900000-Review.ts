import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Expert review (评审), sessions (答辩, 现场考察), selection and publicity (遴选, 公示), objections
 * (异议) and the project record created at award. A panel per list; panel members (drawn or reserve);
 * one assignment per member and eligible bid (declaration, scores); results per bid at panel close.
 */
export class Review1763700900000 implements MigrationInterface {
  name = 'Review1763700900000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "review_panels" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "challenge_id" uuid NOT NULL,
        "status" text NOT NULL,
        "seed" text NOT NULL,
        "drawn_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "drawn_by" uuid NOT NULL,
        "closed_at" TIMESTAMP WITH TIME ZONE,
        "close_reason" text,
        "version" integer NOT NULL DEFAULT 1,
        CONSTRAINT "pk_review_panels" PRIMARY KEY ("id"),
        CONSTRAINT "ck_review_panels_status" CHECK ("status" IN ('open', 'closed')),
        CONSTRAINT "fk_review_panels_challenge" FOREIGN KEY ("challenge_id") REFERENCES "challenges"("id"),
        CONSTRAINT "fk_review_panels_drawn_by" FOREIGN KEY ("drawn_by") REFERENCES "users"("id")
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_review_panels_challenge" ON "review_panels" ("challenge_id")`,
    );

    await queryRunner.query(`
      CREATE TABLE "panel_members" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "panel_id" uuid NOT NULL,
        "expert_id" uuid NOT NULL,
        "role" text NOT NULL,
        "position" integer NOT NULL,
        "status" text NOT NULL,
        "status_reason" text,
        "replaced_by" uuid,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_panel_members" PRIMARY KEY ("id"),
        CONSTRAINT "ck_panel_members_role" CHECK ("role" IN ('member', 'reserve')),
        CONSTRAINT "ck_panel_members_status" CHECK ("status" IN ('active', 'standby', 'replaced', 'unused')),
        CONSTRAINT "fk_panel_members_panel" FOREIGN KEY ("panel_id") REFERENCES "review_panels"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_panel_members_expert" FOREIGN KEY ("expert_id") REFERENCES "experts"("id"),
        CONSTRAINT "fk_panel_members_replaced_by" FOREIGN KEY ("replaced_by") REFERENCES "panel_members"("id")
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_panel_members_expert" ON "panel_members" ("panel_id", "expert_id")`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_panel_members_position" ON "panel_members" ("panel_id", "role", "position")`,
    );

    await queryRunner.query(`
      CREATE TABLE "review_assignments" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "panel_id" uuid NOT NULL,
        "panel_member_id" uuid NOT NULL,
        "expert_id" uuid NOT NULL,
        "application_id" uuid NOT NULL,
        "status" text NOT NULL,
        "declared_at" TIMESTAMP WITH TIME ZONE,
        "declaration_reason" text,
        "scores" jsonb,
        "comments" jsonb,
        "total" numeric(4,1),
        "saved_at" TIMESTAMP WITH TIME ZONE,
        "submitted_at" TIMESTAMP WITH TIME ZONE,
        "version" integer NOT NULL DEFAULT 1,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_review_assignments" PRIMARY KEY ("id"),
        CONSTRAINT "ck_review_assignments_status" CHECK ("status" IN ('pending', 'declared', 'submitted', 'conflicted', 'declined', 'cancelled')),
        CONSTRAINT "ck_review_assignments_submitted" CHECK ("status" <> 'submitted' OR ("submitted_at" IS NOT NULL AND "total" IS NOT NULL)),
        CONSTRAINT "fk_review_assignments_panel" FOREIGN KEY ("panel_id") REFERENCES "review_panels"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_review_assignments_member" FOREIGN KEY ("panel_member_id") REFERENCES "panel_members"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_review_assignments_expert" FOREIGN KEY ("expert_id") REFERENCES "experts"("id"),
        CONSTRAINT "fk_review_assignments_application" FOREIGN KEY ("application_id") REFERENCES "applications"("id")
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_review_assignments_member_application" ON "review_assignments" ("panel_member_id", "application_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_review_assignments_expert" ON "review_assignments" ("expert_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_review_assignments_panel" ON "review_assignments" ("panel_id", "application_id")`,
    );

    await queryRunner.query(`
      CREATE TABLE "review_results" (
        "challenge_id" uuid NOT NULL,
        "application_id" uuid NOT NULL,
        "score" numeric(4,1),
        "mean" numeric(4,1),
        "trimmed_mean" numeric(4,1),
        "median" numeric(4,1),
        "spread" numeric(4,1),
        "score_count" integer NOT NULL,
        "outlier_count" integer NOT NULL,
        "passes" boolean NOT NULL,
        "rank" integer NOT NULL,
        "computed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_review_results" PRIMARY KEY ("challenge_id", "application_id"),
        CONSTRAINT "fk_review_results_challenge" FOREIGN KEY ("challenge_id") REFERENCES "challenges"("id"),
        CONSTRAINT "fk_review_results_application" FOREIGN KEY ("application_id") REFERENCES "applications"("id")
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_review_results_rank" ON "review_results" ("challenge_id", "rank")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "review_results"`);
    await queryRunner.query(`DROP TABLE "review_assignments"`);
    await queryRunner.query(`DROP TABLE "panel_members"`);
    await queryRunner.query(`DROP TABLE "review_panels"`);
  }
}
