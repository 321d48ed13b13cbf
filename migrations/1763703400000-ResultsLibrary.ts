import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The results library (成果库, docs/adr/0059): results (entered by organizations or drafted from a
 * passed acceptance, one per acceptance), their confidential details and the undertakings that open
 * them, and the yearly utilisation reports of the results of accepted projects. The acceptance gains
 * the panel's TRL verdict (GB/T 22900, 1–9), the drafted result's verified TRL.
 */
export class ResultsLibrary1763703400000 implements MigrationInterface {
  name = 'ResultsLibrary1763703400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "acceptances" ADD "trl_verdict" integer`);
    await queryRunner.query(
      `ALTER TABLE "acceptances" ADD CONSTRAINT "ck_acceptances_trl_verdict" CHECK ("trl_verdict" IS NULL OR "trl_verdict" BETWEEN 1 AND 9)`,
    );
    await queryRunner.query(`
      CREATE TABLE "results" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "status" text NOT NULL,
        "source" text NOT NULL,
        "title" text NOT NULL,
        "abstract" text NOT NULL,
        "type" text NOT NULL,
        "industry_chain_code" text NOT NULL,
        "keywords" jsonb NOT NULL,
        "trl_claimed" integer,
        "verified_trl" integer,
        "ip_records" jsonb NOT NULL,
        "holders" jsonb NOT NULL,
        "transfer_modes" jsonb NOT NULL,
        "price_guidance_fen" bigint,
        "organization_id" uuid NOT NULL,
        "project_id" uuid,
        "challenge_id" uuid,
        "acceptance_id" uuid,
        "indicators" jsonb NOT NULL,
        "return_reason" text,
        "submitted_at" TIMESTAMP WITH TIME ZONE,
        "published_at" TIMESTAMP WITH TIME ZONE,
        "version" integer NOT NULL DEFAULT 1,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_results" PRIMARY KEY ("id"),
        CONSTRAINT "ck_results_status" CHECK ("status" IN ('draft', 'submitted', 'published', 'returned', 'withdrawn')),
        CONSTRAINT "ck_results_type" CHECK ("type" IN ('patent', 'software', 'prototype', 'process', 'standard', 'new_variety', 'other')),
        CONSTRAINT "ck_results_source" CHECK ("source" IN ('acceptance', 'submission')),
        CONSTRAINT "ck_results_trl_claimed" CHECK ("trl_claimed" IS NULL OR "trl_claimed" BETWEEN 1 AND 9),
        CONSTRAINT "ck_results_verified_trl" CHECK ("verified_trl" IS NULL OR "verified_trl" BETWEEN 1 AND 9),
        CONSTRAINT "ck_results_price" CHECK ("price_guidance_fen" IS NULL OR "price_guidance_fen" >= 0),
        CONSTRAINT "fk_results_industry_chain" FOREIGN KEY ("industry_chain_code") REFERENCES "industry_chains"("code") ON UPDATE CASCADE,
        CONSTRAINT "fk_results_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_results_status" ON "results" ("status", "published_at", "id")`);
    await queryRunner.query(
      `CREATE INDEX "ix_results_organization" ON "results" ("organization_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_results_industry_chain" ON "results" ("industry_chain_code", "published_at", "id")`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_results_acceptance" ON "results" ("acceptance_id") WHERE "acceptance_id" IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE "result_confidential" (
        "result_id" uuid NOT NULL,
        "details" text NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_result_confidential" PRIMARY KEY ("result_id"),
        CONSTRAINT "fk_result_confidential_result" FOREIGN KEY ("result_id") REFERENCES "results"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`
      CREATE TABLE "result_ndas" (
        "result_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "organization_id" uuid NOT NULL,
        "accepted_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_result_ndas" PRIMARY KEY ("result_id", "user_id"),
        CONSTRAINT "fk_result_ndas_result" FOREIGN KEY ("result_id") REFERENCES "results"("id"),
        CONSTRAINT "fk_result_ndas_user" FOREIGN KEY ("user_id") REFERENCES "users"("id"),
        CONSTRAINT "fk_result_ndas_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id")
      )`);
    await queryRunner.query(`
      CREATE TABLE "result_utilisation_reports" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "result_id" uuid NOT NULL,
        "year" integer NOT NULL,
        "status" text NOT NULL,
        "request_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "due_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "used" boolean,
        "kinds" jsonb,
        "description" text,
        "revenue_fen" bigint,
        "reported_by" uuid,
        "reported_at" TIMESTAMP WITH TIME ZONE,
        "version" integer NOT NULL DEFAULT 1,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_result_utilisation_reports" PRIMARY KEY ("id"),
        CONSTRAINT "ck_result_utilisation_reports_status" CHECK ("status" IN ('scheduled', 'requested', 'reported', 'overdue')),
        CONSTRAINT "fk_result_utilisation_reports_result" FOREIGN KEY ("result_id") REFERENCES "results"("id")
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_result_utilisation_reports_year" ON "result_utilisation_reports" ("result_id", "year")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "result_utilisation_reports"`);
    await queryRunner.query(`DROP TABLE "result_ndas"`);
    await queryRunner.query(`DROP TABLE "result_confidential"`);
    await queryRunner.query(`DROP TABLE "results"`);
    await queryRunner.query(`ALTER TABLE "acceptances" DROP CONSTRAINT "ck_acceptances_trl_verdict"`);
    await queryRunner.query(`ALTER TABLE "acceptances" DROP COLUMN "trl_verdict"`);
  }
}
