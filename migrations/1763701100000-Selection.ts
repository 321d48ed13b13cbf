import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Selection, publicity (公示), objections (异议) and the award (ADR 0026): the admin's selection of a
 * list's winning bid(s) with the issuer's agreement and its publicity period; objections lodged
 * against it; one project per selected bid once the award is final (application_id unique: the
 * backstop of "exactly once").
 */
export class Selection1763701100000 implements MigrationInterface {
  name = 'Selection1763701100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "selections" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "challenge_id" uuid NOT NULL,
        "application_ids" uuid array NOT NULL,
        "issuer_agreement" text NOT NULL,
        "status" text NOT NULL,
        "selected_by" uuid NOT NULL,
        "selected_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "publicity_starts_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "publicity_ends_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "closed_at" TIMESTAMP WITH TIME ZONE,
        "version" integer NOT NULL DEFAULT 1,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_selections" PRIMARY KEY ("id"),
        CONSTRAINT "ck_selections_status" CHECK ("status" IN ('active', 'reopened', 'finalized')),
        CONSTRAINT "ck_selections_period" CHECK ("publicity_ends_at" > "publicity_starts_at"),
        CONSTRAINT "fk_selections_challenge" FOREIGN KEY ("challenge_id") REFERENCES "challenges"("id"),
        CONSTRAINT "fk_selections_selected_by" FOREIGN KEY ("selected_by") REFERENCES "users"("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_selections_challenge" ON "selections" ("challenge_id", "selected_at", "id")`,
    );
    await queryRunner.query(`
      CREATE TABLE "objections" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "challenge_id" uuid NOT NULL,
        "selection_id" uuid NOT NULL,
        "objector_user_id" uuid NOT NULL,
        "grounds" text NOT NULL,
        "status" text NOT NULL,
        "decision_reason" text,
        "decided_by" uuid,
        "decided_at" TIMESTAMP WITH TIME ZONE,
        "version" integer NOT NULL DEFAULT 1,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_objections" PRIMARY KEY ("id"),
        CONSTRAINT "ck_objections_status" CHECK ("status" IN ('lodged', 'under_investigation', 'upheld', 'dismissed')),
        CONSTRAINT "fk_objections_challenge" FOREIGN KEY ("challenge_id") REFERENCES "challenges"("id"),
        CONSTRAINT "fk_objections_selection" FOREIGN KEY ("selection_id") REFERENCES "selections"("id"),
        CONSTRAINT "fk_objections_objector" FOREIGN KEY ("objector_user_id") REFERENCES "users"("id"),
        CONSTRAINT "fk_objections_decided_by" FOREIGN KEY ("decided_by") REFERENCES "users"("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_objections_selection" ON "objections" ("selection_id", "status")`,
    );
    await queryRunner.query(`
      CREATE TABLE "projects" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "challenge_id" uuid NOT NULL,
        "application_id" uuid NOT NULL,
        "status" text NOT NULL,
        "task_book" jsonb NOT NULL,
        "fiscal_fen" bigint NOT NULL,
        "version" integer NOT NULL DEFAULT 1,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_projects" PRIMARY KEY ("id"),
        CONSTRAINT "ck_projects_status" CHECK ("status" IN ('pending_signature', 'active', 'acceptance_requested', 'accepted', 'failed', 'suspended', 'terminated')),
        CONSTRAINT "fk_projects_challenge" FOREIGN KEY ("challenge_id") REFERENCES "challenges"("id"),
        CONSTRAINT "fk_projects_application" FOREIGN KEY ("application_id") REFERENCES "applications"("id")
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_projects_application" ON "projects" ("application_id")`);
    await queryRunner.query(`CREATE INDEX "ix_projects_challenge" ON "projects" ("challenge_id")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "projects"`);
    await queryRunner.query(`DROP TABLE "objections"`);
    await queryRunner.query(`DROP TABLE "selections"`);
  }
}
