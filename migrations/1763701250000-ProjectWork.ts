import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Milestone reports and assessments, change requests, horse-race stage gates (ADR 0027).
 *
 * - milestone_reports: every progress report of a milestone (attempt 1, 2, … — a failed milestone
 *   may be reported again as often as the program's milestoneResubmissions allows);
 * - milestone_assessments: the admin's assessment of one report, with the issuer's opinion;
 * - project_change_requests: extension / member_change / indicator_change, lodged by the applicant,
 *   decided by the admin with the issuer's opinion; an approval makes a new task book version;
 * - stage_gates: one horse-race gate per list and milestone position, with its decisions and the
 *   amounts released by the lines it terminated.
 */
export class ProjectWork1763701250000 implements MigrationInterface {
  name = 'ProjectWork1763701250000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "milestone_reports" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "milestone_id" uuid NOT NULL,
        "project_id" uuid NOT NULL,
        "attempt" integer NOT NULL,
        "summary" text NOT NULL,
        "indicator_progress" jsonb NOT NULL,
        "evidence_attachment_ids" jsonb NOT NULL,
        "submitted_by" uuid NOT NULL,
        "submitted_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_milestone_reports" PRIMARY KEY ("id"),
        CONSTRAINT "ck_milestone_reports_attempt" CHECK ("attempt" >= 1),
        CONSTRAINT "fk_milestone_reports_milestone" FOREIGN KEY ("milestone_id") REFERENCES "project_milestones"("id"),
        CONSTRAINT "fk_milestone_reports_project" FOREIGN KEY ("project_id") REFERENCES "projects"("id"),
        CONSTRAINT "fk_milestone_reports_submitted_by" FOREIGN KEY ("submitted_by") REFERENCES "users"("id")
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_milestone_reports_attempt" ON "milestone_reports" ("milestone_id", "attempt")`,
    );

    await queryRunner.query(`
      CREATE TABLE "milestone_assessments" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "milestone_id" uuid NOT NULL,
        "report_id" uuid NOT NULL,
        "outcome" text NOT NULL,
        "opinion" text NOT NULL,
        "issuer_opinion" text NOT NULL,
        "assessed_by" uuid NOT NULL,
        "assessed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_milestone_assessments" PRIMARY KEY ("id"),
        CONSTRAINT "ck_milestone_assessments_outcome" CHECK ("outcome" IN ('passed', 'conditionally_passed', 'failed')),
        CONSTRAINT "fk_milestone_assessments_milestone" FOREIGN KEY ("milestone_id") REFERENCES "project_milestones"("id"),
        CONSTRAINT "fk_milestone_assessments_report" FOREIGN KEY ("report_id") REFERENCES "milestone_reports"("id"),
        CONSTRAINT "fk_milestone_assessments_assessed_by" FOREIGN KEY ("assessed_by") REFERENCES "users"("id")
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_milestone_assessments_report" ON "milestone_assessments" ("report_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_milestone_assessments_milestone" ON "milestone_assessments" ("milestone_id")`,
    );

    await queryRunner.query(`
      CREATE TABLE "project_change_requests" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "project_id" uuid NOT NULL,
        "kind" text NOT NULL,
        "milestone_id" uuid,
        "payload" jsonb NOT NULL,
        "reason" text NOT NULL,
        "status" text NOT NULL,
        "requested_by" uuid NOT NULL,
        "decision_reason" text,
        "issuer_opinion" text,
        "decided_by" uuid,
        "decided_at" TIMESTAMP WITH TIME ZONE,
        "task_book_version" integer,
        "version" integer NOT NULL DEFAULT 1,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_project_change_requests" PRIMARY KEY ("id"),
        CONSTRAINT "ck_project_change_requests_kind" CHECK ("kind" IN ('extension', 'member_change', 'indicator_change')),
        CONSTRAINT "ck_project_change_requests_status" CHECK ("status" IN ('pending', 'approved', 'rejected')),
        CONSTRAINT "ck_project_change_requests_extension" CHECK (("kind" = 'extension') = ("milestone_id" IS NOT NULL)),
        CONSTRAINT "fk_project_change_requests_project" FOREIGN KEY ("project_id") REFERENCES "projects"("id"),
        CONSTRAINT "fk_project_change_requests_milestone" FOREIGN KEY ("milestone_id") REFERENCES "project_milestones"("id"),
        CONSTRAINT "fk_project_change_requests_requested_by" FOREIGN KEY ("requested_by") REFERENCES "users"("id"),
        CONSTRAINT "fk_project_change_requests_decided_by" FOREIGN KEY ("decided_by") REFERENCES "users"("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_project_change_requests_project" ON "project_change_requests" ("project_id", "created_at")`,
    );

    await queryRunner.query(`
      CREATE TABLE "stage_gates" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "challenge_id" uuid NOT NULL,
        "milestone_position" integer NOT NULL,
        "decisions" jsonb NOT NULL,
        "decided_by" uuid NOT NULL,
        "decided_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_stage_gates" PRIMARY KEY ("id"),
        CONSTRAINT "ck_stage_gates_milestone_position" CHECK ("milestone_position" >= 0),
        CONSTRAINT "fk_stage_gates_challenge" FOREIGN KEY ("challenge_id") REFERENCES "challenges"("id"),
        CONSTRAINT "fk_stage_gates_decided_by" FOREIGN KEY ("decided_by") REFERENCES "users"("id")
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_stage_gates_position" ON "stage_gates" ("challenge_id", "milestone_position")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "stage_gates"`);
    await queryRunner.query(`DROP TABLE "project_change_requests"`);
    await queryRunner.query(`DROP TABLE "milestone_assessments"`);
    await queryRunner.query(`DROP TABLE "milestone_reports"`);
  }
}
