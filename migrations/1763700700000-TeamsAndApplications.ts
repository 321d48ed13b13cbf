import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Teams (lead organization, consortium, leader, members), bids (applications) with their indicator
 * commitments, milestones and attachments, and integrity records (科研诚信) that the formal check
 * shows. A deferred constraint trigger refuses, at COMMIT, a submission committed at or after the
 * list's closes_at by the database clock (ADR 21).
 */
export class TeamsAndApplications1763700700000 implements MigrationInterface {
  name = 'TeamsAndApplications1763700700000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "teams" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "lead_organization_id" uuid NOT NULL,
        "leader_user_id" uuid NOT NULL,
        "lead_share_percent" integer,
        "version" integer NOT NULL DEFAULT 1,
        "created_by" uuid NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_teams" PRIMARY KEY ("id"),
        CONSTRAINT "ck_teams_lead_share" CHECK ("lead_share_percent" BETWEEN 1 AND 100),
        CONSTRAINT "fk_teams_lead_organization" FOREIGN KEY ("lead_organization_id") REFERENCES "organizations"("id"),
        CONSTRAINT "fk_teams_leader" FOREIGN KEY ("leader_user_id") REFERENCES "users"("id"),
        CONSTRAINT "fk_teams_created_by" FOREIGN KEY ("created_by") REFERENCES "users"("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_teams_lead_organization" ON "teams" ("lead_organization_id", "created_at", "id")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_teams_leader" ON "teams" ("leader_user_id")`);

    await queryRunner.query(`
      CREATE TABLE "team_consortium_members" (
        "team_id" uuid NOT NULL,
        "organization_id" uuid NOT NULL,
        "position" integer NOT NULL,
        "role" text NOT NULL,
        "share_percent" integer,
        CONSTRAINT "pk_team_consortium_members" PRIMARY KEY ("team_id", "organization_id"),
        CONSTRAINT "ck_team_consortium_members_share" CHECK ("share_percent" BETWEEN 1 AND 99),
        CONSTRAINT "fk_team_consortium_members_team" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_team_consortium_members_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_team_consortium_members_organization" ON "team_consortium_members" ("organization_id")`,
    );

    await queryRunner.query(`
      CREATE TABLE "team_members" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "team_id" uuid NOT NULL,
        "position" integer NOT NULL,
        "name" text NOT NULL,
        "title" text NOT NULL,
        "role" text NOT NULL,
        "organization_id" uuid NOT NULL,
        "user_id" uuid,
        CONSTRAINT "pk_team_members" PRIMARY KEY ("id"),
        CONSTRAINT "fk_team_members_team" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_team_members_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id"),
        CONSTRAINT "fk_team_members_user" FOREIGN KEY ("user_id") REFERENCES "users"("id")
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_team_members_position" ON "team_members" ("team_id", "position")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_team_members_user" ON "team_members" ("user_id")`);

    await queryRunner.query(
      `CREATE TYPE "public"."application_status" AS ENUM('draft', 'submitted', 'eligible', 'ineligible', 'returned', 'under_review', 'shortlisted', 'selected', 'not_selected', 'withdrawn')`,
    );
    await queryRunner.query(`
      CREATE TABLE "applications" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "challenge_id" uuid NOT NULL,
        "team_id" uuid NOT NULL,
        "lead_organization_id" uuid NOT NULL,
        "leader_user_id" uuid NOT NULL,
        "status" "public"."application_status" NOT NULL,
        "status_reason" text,
        "technical_plan" text NOT NULL,
        "requested_fiscal_fen" bigint NOT NULL,
        "pledge_accepted_at" TIMESTAMP WITH TIME ZONE,
        "pledge_accepted_by" uuid,
        "rule_results" jsonb,
        "submitted_at" TIMESTAMP WITH TIME ZONE,
        "formal_checked_at" TIMESTAMP WITH TIME ZONE,
        "formal_checked_by" uuid,
        "version" integer NOT NULL DEFAULT 1,
        "created_by" uuid NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_applications" PRIMARY KEY ("id"),
        CONSTRAINT "ck_applications_requested" CHECK ("requested_fiscal_fen" >= 0),
        CONSTRAINT "ck_applications_submitted" CHECK ("status" IN ('draft', 'withdrawn') OR "submitted_at" IS NOT NULL),
        CONSTRAINT "fk_applications_challenge" FOREIGN KEY ("challenge_id") REFERENCES "challenges"("id"),
        CONSTRAINT "fk_applications_team" FOREIGN KEY ("team_id") REFERENCES "teams"("id"),
        CONSTRAINT "fk_applications_lead_organization" FOREIGN KEY ("lead_organization_id") REFERENCES "organizations"("id"),
        CONSTRAINT "fk_applications_leader" FOREIGN KEY ("leader_user_id") REFERENCES "users"("id"),
        CONSTRAINT "fk_applications_pledge_accepted_by" FOREIGN KEY ("pledge_accepted_by") REFERENCES "users"("id"),
        CONSTRAINT "fk_applications_formal_checked_by" FOREIGN KEY ("formal_checked_by") REFERENCES "users"("id"),
        CONSTRAINT "fk_applications_created_by" FOREIGN KEY ("created_by") REFERENCES "users"("id")
      )`);
    // One team, one bid per list.
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_applications_challenge_team" ON "applications" ("challenge_id", "team_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_applications_challenge" ON "applications" ("challenge_id", "status", "submitted_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_applications_lead_organization" ON "applications" ("lead_organization_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_applications_leader" ON "applications" ("leader_user_id", "status")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_applications_team" ON "applications" ("team_id", "status")`);

    await queryRunner.query(`
      CREATE TABLE "application_commitments" (
        "application_id" uuid NOT NULL,
        "indicator_id" uuid NOT NULL,
        "committed_value" text NOT NULL,
        CONSTRAINT "pk_application_commitments" PRIMARY KEY ("application_id", "indicator_id"),
        CONSTRAINT "fk_application_commitments_application" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_application_commitments_indicator" FOREIGN KEY ("indicator_id") REFERENCES "challenge_indicators"("id")
      )`);

    await queryRunner.query(`
      CREATE TABLE "application_milestones" (
        "application_id" uuid NOT NULL,
        "position" integer NOT NULL,
        "title" text NOT NULL,
        "deliverables" text NOT NULL,
        "due_month" integer NOT NULL,
        "share_percent" integer NOT NULL,
        CONSTRAINT "pk_application_milestones" PRIMARY KEY ("application_id", "position"),
        CONSTRAINT "ck_application_milestones_due" CHECK ("due_month" >= 1),
        CONSTRAINT "ck_application_milestones_share" CHECK ("share_percent" BETWEEN 1 AND 100),
        CONSTRAINT "fk_application_milestones_application" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE CASCADE
      )`);

    await queryRunner.query(`
      CREATE TABLE "application_attachments" (
        "application_id" uuid NOT NULL,
        "attachment_id" uuid NOT NULL,
        "position" integer NOT NULL,
        CONSTRAINT "pk_application_attachments" PRIMARY KEY ("application_id", "attachment_id"),
        CONSTRAINT "fk_application_attachments_application" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_application_attachments_attachment" FOREIGN KEY ("attachment_id") REFERENCES "attachments"("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_application_attachments_attachment" ON "application_attachments" ("attachment_id")`,
    );

    await queryRunner.query(`
      CREATE TABLE "integrity_records" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "subject_type" text NOT NULL,
        "subject_id" uuid NOT NULL,
        "reason" text NOT NULL,
        "source_type" text NOT NULL,
        "source_id" uuid,
        "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_integrity_records" PRIMARY KEY ("id"),
        CONSTRAINT "ck_integrity_records_subject" CHECK ("subject_type" IN ('user', 'organization'))
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_integrity_records_subject" ON "integrity_records" ("subject_type", "subject_id")`,
    );

    // The last word on the deadline race, by the database clock, at COMMIT: a bid whose submission
    // commits at or after closes_at is refused, whatever the application thought the time was.
    await queryRunner.query(`
      CREATE FUNCTION applications_submitted_before_close() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE closes timestamptz;
      BEGIN
        SELECT closes_at INTO closes FROM challenges WHERE id = NEW.challenge_id;
        IF clock_timestamp() >= closes THEN
          RAISE EXCEPTION 'The list closed at % (database clock)', closes
            USING ERRCODE = 'check_violation', CONSTRAINT = 'applications_submitted_before_close';
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER "applications_submitted_before_close"
      AFTER INSERT OR UPDATE OF "status" ON "applications"
      DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW WHEN (NEW.status = 'submitted')
      EXECUTE FUNCTION applications_submitted_before_close()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "applications_submitted_before_close" ON "applications"`);
    await queryRunner.query(`DROP FUNCTION applications_submitted_before_close()`);
    await queryRunner.query(`DROP TABLE "integrity_records"`);
    await queryRunner.query(`DROP TABLE "application_attachments"`);
    await queryRunner.query(`DROP TABLE "application_milestones"`);
    await queryRunner.query(`DROP TABLE "application_commitments"`);
    await queryRunner.query(`DROP TABLE "applications"`);
    await queryRunner.query(`DROP TYPE "public"."application_status"`);
    await queryRunner.query(`DROP TABLE "team_members"`);
    await queryRunner.query(`DROP TABLE "team_consortium_members"`);
    await queryRunner.query(`DROP TABLE "teams"`);
  }
}
