import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Projects (立项, ADR 0027): the parties and money of each project, the three signatures of its task
 * book (任务书), the task book's versions (v1 at award, one more per approved change request) and its
 * milestones with due dates. Money itself is the ledger's (1763701300000-Ledger).
 */
export class Projects1763701200000 implements MigrationInterface {
  name = 'Projects1763701200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Parties and amounts per payer, filled from the list and the bid for projects made before.
    await queryRunner.query(`
      ALTER TABLE "projects"
        ADD "program_id" uuid,
        ADD "issuer_organization_id" uuid,
        ADD "lead_organization_id" uuid,
        ADD "issuer_fen" bigint NOT NULL DEFAULT 0,
        ADD "task_book_version" integer NOT NULL DEFAULT 1,
        ADD "status_reason" text,
        ADD "suspended_from" text,
        ADD "activated_at" TIMESTAMP WITH TIME ZONE,
        ADD "closed_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`
      UPDATE "projects" p SET
        "program_id" = c."program_id",
        "issuer_organization_id" = c."issuer_organization_id",
        "lead_organization_id" = a."lead_organization_id",
        "issuer_fen" = c."cofunding_fen"
      FROM "challenges" c, "applications" a
      WHERE c."id" = p."challenge_id" AND a."id" = p."application_id"`);
    await queryRunner.query(`
      ALTER TABLE "projects"
        ALTER "program_id" SET NOT NULL,
        ALTER "issuer_organization_id" SET NOT NULL,
        ALTER "lead_organization_id" SET NOT NULL,
        ALTER "issuer_fen" DROP DEFAULT,
        ADD CONSTRAINT "ck_projects_amounts" CHECK ("fiscal_fen" >= 0 AND "issuer_fen" >= 0),
        ADD CONSTRAINT "ck_projects_suspended_from" CHECK (("status" = 'suspended') = ("suspended_from" IS NOT NULL)),
        ADD CONSTRAINT "fk_projects_program" FOREIGN KEY ("program_id") REFERENCES "programs"("id"),
        ADD CONSTRAINT "fk_projects_issuer_organization" FOREIGN KEY ("issuer_organization_id") REFERENCES "organizations"("id"),
        ADD CONSTRAINT "fk_projects_lead_organization" FOREIGN KEY ("lead_organization_id") REFERENCES "organizations"("id")`);
    await queryRunner.query(
      `CREATE INDEX "ix_projects_issuer_organization" ON "projects" ("issuer_organization_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_projects_lead_organization" ON "projects" ("lead_organization_id")`,
    );

    // One signature per party; the primary key makes signing twice harmless (ON CONFLICT DO NOTHING).
    await queryRunner.query(`
      CREATE TABLE "project_signatures" (
        "project_id" uuid NOT NULL,
        "party" text NOT NULL,
        "user_id" uuid NOT NULL,
        "organization_id" uuid,
        "task_book_version" integer NOT NULL,
        "signed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_project_signatures" PRIMARY KEY ("project_id", "party"),
        CONSTRAINT "ck_project_signatures_party" CHECK ("party" IN ('issuer', 'applicant', 'admin')),
        CONSTRAINT "fk_project_signatures_project" FOREIGN KEY ("project_id") REFERENCES "projects"("id"),
        CONSTRAINT "fk_project_signatures_user" FOREIGN KEY ("user_id") REFERENCES "users"("id"),
        CONSTRAINT "fk_project_signatures_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id")
      )`);

    // Every version of the task book, whole; projects.task_book is the current one.
    await queryRunner.query(`
      CREATE TABLE "task_book_versions" (
        "project_id" uuid NOT NULL,
        "version" integer NOT NULL,
        "task_book" jsonb NOT NULL,
        "reason" text NOT NULL,
        "change_request_id" uuid,
        "created_by" uuid,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_task_book_versions" PRIMARY KEY ("project_id", "version"),
        CONSTRAINT "ck_task_book_versions_version" CHECK ("version" >= 1),
        CONSTRAINT "fk_task_book_versions_project" FOREIGN KEY ("project_id") REFERENCES "projects"("id"),
        CONSTRAINT "fk_task_book_versions_created_by" FOREIGN KEY ("created_by") REFERENCES "users"("id")
      )`);
    await queryRunner.query(`
      INSERT INTO "task_book_versions" ("project_id", "version", "task_book", "reason", "created_at")
      SELECT "id", 1, "task_book", 'award', "created_at" FROM "projects"`);

    // Milestones of the task book; due dates are set when the project becomes active.
    await queryRunner.query(`
      CREATE TABLE "project_milestones" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "project_id" uuid NOT NULL,
        "position" integer NOT NULL,
        "title" text NOT NULL,
        "deliverables" text NOT NULL,
        "due_month" integer NOT NULL,
        "share_percent" integer NOT NULL,
        "due_at" TIMESTAMP WITH TIME ZONE,
        "status" text NOT NULL DEFAULT 'pending',
        "overdue_at" TIMESTAMP WITH TIME ZONE,
        "reports_submitted" integer NOT NULL DEFAULT 0,
        "version" integer NOT NULL DEFAULT 1,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_project_milestones" PRIMARY KEY ("id"),
        CONSTRAINT "ck_project_milestones_status" CHECK ("status" IN ('pending', 'submitted', 'passed', 'conditionally_passed', 'failed')),
        CONSTRAINT "ck_project_milestones_share" CHECK ("share_percent" BETWEEN 1 AND 100),
        CONSTRAINT "ck_project_milestones_due_month" CHECK ("due_month" >= 1),
        CONSTRAINT "fk_project_milestones_project" FOREIGN KEY ("project_id") REFERENCES "projects"("id")
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_project_milestones_position" ON "project_milestones" ("project_id", "position")`,
    );
    await queryRunner.query(`
      INSERT INTO "project_milestones"
        ("project_id", "position", "title", "deliverables", "due_month", "share_percent", "created_at", "updated_at")
      SELECT p."id", (m->>'position')::int, m->>'title', m->>'deliverables', (m->>'dueMonth')::int,
             (m->>'sharePercent')::int, p."created_at", p."created_at"
      FROM "projects" p, jsonb_array_elements(p."task_book"->'milestones') m`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "project_milestones"`);
    await queryRunner.query(`DROP TABLE "task_book_versions"`);
    await queryRunner.query(`DROP TABLE "project_signatures"`);
    await queryRunner.query(`
      ALTER TABLE "projects"
        DROP CONSTRAINT "ck_projects_amounts",
        DROP CONSTRAINT "ck_projects_suspended_from",
        DROP COLUMN "program_id",
        DROP COLUMN "issuer_organization_id",
        DROP COLUMN "lead_organization_id",
        DROP COLUMN "issuer_fen",
        DROP COLUMN "task_book_version",
        DROP COLUMN "status_reason",
        DROP COLUMN "suspended_from",
        DROP COLUMN "activated_at",
        DROP COLUMN "closed_at"`);
  }
}
