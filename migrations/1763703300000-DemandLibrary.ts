import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The service network and the industry-demand library (TRANSFER.md, ADR 0058): broker profiles
 * (users of service centres), the routing table of needs (region + optional chain → centre; ''
 * is every chain), needs (the confidential details in their own column, never selected unless
 * asked for; budget min ≤ max and TRL 1–9 checked here too), the undertakings that open the
 * confidential details, expressions of interest and introductions, and `challenges.need_id`, the
 * challenges module's link back to the need a draft was promoted from (no foreign key: the call
 * phase does not depend on the transfer phase; `needs.challenge_id` has one).
 */
export class DemandLibrary1763703300000 implements MigrationInterface {
  name = 'DemandLibrary1763703300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TYPE "public"."need_status" AS ENUM('submitted', 'diagnosing', 'refined', 'listed', 'matched', 'long_term', 'returned', 'expired')`,
    );
    await queryRunner.query(
      `CREATE TABLE "needs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "enterprise_organization_id" uuid NOT NULL, "filed_by" uuid NOT NULL, "title" text NOT NULL, "public_summary" text NOT NULL, "confidential_details" text NOT NULL, "industry_chain_code" text NOT NULL, "region_code" character varying(6) NOT NULL, "desired_outcome" text NOT NULL, "budget_min_fen" bigint NOT NULL, "budget_max_fen" bigint NOT NULL, "deadline_wish" date, "anonymous" boolean NOT NULL DEFAULT true, "status" "public"."need_status" NOT NULL, "status_before_expiry" "public"."need_status", "status_reason" text, "centre_organization_id" uuid, "broker_user_id" uuid, "claimed_at" TIMESTAMP WITH TIME ZONE, "diagnosis_problem" text, "trl_needed" smallint, "indicators" jsonb NOT NULL DEFAULT '[]', "diagnosed_at" TIMESTAMP WITH TIME ZONE, "refined_at" TIMESTAMP WITH TIME ZONE, "challenge_id" uuid, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "ck_needs_trl" CHECK ("trl_needed" IS NULL OR "trl_needed" BETWEEN 1 AND 9), CONSTRAINT "ck_needs_budget" CHECK ("budget_min_fen" <= "budget_max_fen"), CONSTRAINT "pk_needs" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_needs_challenge" ON "needs"  ("challenge_id") `);
    await queryRunner.query(`CREATE INDEX "ix_needs_centre" ON "needs"  ("centre_organization_id") `);
    await queryRunner.query(`CREATE INDEX "ix_needs_enterprise" ON "needs"  ("enterprise_organization_id") `);
    await queryRunner.query(`CREATE INDEX "ix_needs_created" ON "needs"  ("created_at", "id") `);
    await queryRunner.query(
      `CREATE TABLE "need_interests" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "need_id" uuid NOT NULL, "organization_id" uuid NOT NULL, "user_id" uuid NOT NULL, "kind" character varying(20) NOT NULL, "message" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_need_interests" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_need_interests_need_organization" ON "need_interests"  ("need_id", "organization_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_need_interests_need" ON "need_interests"  ("need_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "need_introductions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "need_id" uuid NOT NULL, "interest_id" uuid NOT NULL, "broker_user_id" uuid NOT NULL, "note" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_need_introductions" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_need_introductions_need" ON "need_introductions"  ("need_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "need_ndas" ("need_id" uuid NOT NULL, "user_id" uuid NOT NULL, "organization_id" uuid NOT NULL, "accepted_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_need_ndas" PRIMARY KEY ("need_id", "user_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "broker_profiles" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "organization_id" uuid NOT NULL, "industry_chains" text array NOT NULL DEFAULT '{}', "keywords" text array NOT NULL DEFAULT '{}', "region_code" character varying(6) NOT NULL, "certificate_number" character varying(64) NOT NULL, "active" boolean NOT NULL DEFAULT true, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_broker_profiles" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_broker_profiles_created" ON "broker_profiles"  ("created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_broker_profiles_organization" ON "broker_profiles"  ("organization_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_broker_profiles_user" ON "broker_profiles"  ("user_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "need_routes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "region_code" character varying(6) NOT NULL, "industry_chain_code" text NOT NULL DEFAULT '', "centre_organization_id" uuid NOT NULL, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_need_routes" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_need_routes_created" ON "need_routes"  ("created_at", "id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_need_routes_region_chain" ON "need_routes"  ("region_code", "industry_chain_code") `,
    );
    await queryRunner.query(`ALTER TABLE "challenges" ADD "need_id" uuid`);
    await queryRunner.query(`CREATE INDEX "ix_challenges_need" ON "challenges"  ("need_id") `);
    await queryRunner.query(
      `ALTER TABLE "needs" ADD CONSTRAINT "fk_needs_enterprise" FOREIGN KEY ("enterprise_organization_id") REFERENCES "organizations"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "needs" ADD CONSTRAINT "fk_needs_filed_by" FOREIGN KEY ("filed_by") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "needs" ADD CONSTRAINT "fk_needs_industry_chain" FOREIGN KEY ("industry_chain_code") REFERENCES "industry_chains"("code") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "needs" ADD CONSTRAINT "fk_needs_centre" FOREIGN KEY ("centre_organization_id") REFERENCES "organizations"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "needs" ADD CONSTRAINT "fk_needs_broker" FOREIGN KEY ("broker_user_id") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "needs" ADD CONSTRAINT "fk_needs_challenge" FOREIGN KEY ("challenge_id") REFERENCES "challenges"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "need_interests" ADD CONSTRAINT "fk_need_interests_need" FOREIGN KEY ("need_id") REFERENCES "needs"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "need_interests" ADD CONSTRAINT "fk_need_interests_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "need_interests" ADD CONSTRAINT "fk_need_interests_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "need_introductions" ADD CONSTRAINT "fk_need_introductions_need" FOREIGN KEY ("need_id") REFERENCES "needs"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "need_introductions" ADD CONSTRAINT "fk_need_introductions_interest" FOREIGN KEY ("interest_id") REFERENCES "need_interests"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "need_introductions" ADD CONSTRAINT "fk_need_introductions_broker" FOREIGN KEY ("broker_user_id") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "need_ndas" ADD CONSTRAINT "fk_need_ndas_need" FOREIGN KEY ("need_id") REFERENCES "needs"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "need_ndas" ADD CONSTRAINT "fk_need_ndas_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "need_ndas" ADD CONSTRAINT "fk_need_ndas_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "broker_profiles" ADD CONSTRAINT "fk_broker_profiles_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "broker_profiles" ADD CONSTRAINT "fk_broker_profiles_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "need_routes" ADD CONSTRAINT "fk_need_routes_centre" FOREIGN KEY ("centre_organization_id") REFERENCES "organizations"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "need_routes" DROP CONSTRAINT "fk_need_routes_centre"`);
    await queryRunner.query(
      `ALTER TABLE "broker_profiles" DROP CONSTRAINT "fk_broker_profiles_organization"`,
    );
    await queryRunner.query(`ALTER TABLE "broker_profiles" DROP CONSTRAINT "fk_broker_profiles_user"`);
    await queryRunner.query(`ALTER TABLE "need_ndas" DROP CONSTRAINT "fk_need_ndas_organization"`);
    await queryRunner.query(`ALTER TABLE "need_ndas" DROP CONSTRAINT "fk_need_ndas_user"`);
    await queryRunner.query(`ALTER TABLE "need_ndas" DROP CONSTRAINT "fk_need_ndas_need"`);
    await queryRunner.query(
      `ALTER TABLE "need_introductions" DROP CONSTRAINT "fk_need_introductions_broker"`,
    );
    await queryRunner.query(
      `ALTER TABLE "need_introductions" DROP CONSTRAINT "fk_need_introductions_interest"`,
    );
    await queryRunner.query(`ALTER TABLE "need_introductions" DROP CONSTRAINT "fk_need_introductions_need"`);
    await queryRunner.query(`ALTER TABLE "need_interests" DROP CONSTRAINT "fk_need_interests_user"`);
    await queryRunner.query(`ALTER TABLE "need_interests" DROP CONSTRAINT "fk_need_interests_organization"`);
    await queryRunner.query(`ALTER TABLE "need_interests" DROP CONSTRAINT "fk_need_interests_need"`);
    await queryRunner.query(`ALTER TABLE "needs" DROP CONSTRAINT "fk_needs_challenge"`);
    await queryRunner.query(`ALTER TABLE "needs" DROP CONSTRAINT "fk_needs_broker"`);
    await queryRunner.query(`ALTER TABLE "needs" DROP CONSTRAINT "fk_needs_centre"`);
    await queryRunner.query(`ALTER TABLE "needs" DROP CONSTRAINT "fk_needs_industry_chain"`);
    await queryRunner.query(`ALTER TABLE "needs" DROP CONSTRAINT "fk_needs_filed_by"`);
    await queryRunner.query(`ALTER TABLE "needs" DROP CONSTRAINT "fk_needs_enterprise"`);
    await queryRunner.query(`DROP INDEX "public"."ix_challenges_need"`);
    await queryRunner.query(`ALTER TABLE "challenges" DROP COLUMN "need_id"`);
    await queryRunner.query(`DROP INDEX "public"."uq_need_routes_region_chain"`);
    await queryRunner.query(`DROP INDEX "public"."ix_need_routes_created"`);
    await queryRunner.query(`DROP TABLE "need_routes"`);
    await queryRunner.query(`DROP INDEX "public"."uq_broker_profiles_user"`);
    await queryRunner.query(`DROP INDEX "public"."ix_broker_profiles_organization"`);
    await queryRunner.query(`DROP INDEX "public"."ix_broker_profiles_created"`);
    await queryRunner.query(`DROP TABLE "broker_profiles"`);
    await queryRunner.query(`DROP TABLE "need_ndas"`);
    await queryRunner.query(`DROP INDEX "public"."ix_need_introductions_need"`);
    await queryRunner.query(`DROP TABLE "need_introductions"`);
    await queryRunner.query(`DROP INDEX "public"."ix_need_interests_need"`);
    await queryRunner.query(`DROP INDEX "public"."uq_need_interests_need_organization"`);
    await queryRunner.query(`DROP TABLE "need_interests"`);
    await queryRunner.query(`DROP INDEX "public"."ix_needs_created"`);
    await queryRunner.query(`DROP INDEX "public"."ix_needs_enterprise"`);
    await queryRunner.query(`DROP INDEX "public"."ix_needs_centre"`);
    await queryRunner.query(`DROP INDEX "public"."ix_needs_challenge"`);
    await queryRunner.query(`DROP TABLE "needs"`);
    await queryRunner.query(`DROP TYPE "public"."need_status"`);
  }
}
