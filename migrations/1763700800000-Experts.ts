import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The expert pool (专家库): one profile per expert user, with its affiliation organization, fields
 * of expertise (industry chain codes, keywords), title and active flag, and the collaborations it
 * declared, which the conflict check reads (ADR 0022). A GIN index over the industry chain codes
 * serves the panel draw (`industry_chain_codes @> ARRAY[chain]`).
 */
export class Experts1763700800000 implements MigrationInterface {
  name = 'Experts1763700800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "experts" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "affiliation_organization_id" uuid NOT NULL,
        "title" text NOT NULL,
        "industry_chain_codes" text array NOT NULL,
        "keywords" text array NOT NULL,
        "active" boolean NOT NULL DEFAULT true,
        "version" integer NOT NULL DEFAULT 1,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_experts" PRIMARY KEY ("id"),
        CONSTRAINT "fk_experts_user" FOREIGN KEY ("user_id") REFERENCES "users"("id"),
        CONSTRAINT "fk_experts_affiliation_organization" FOREIGN KEY ("affiliation_organization_id") REFERENCES "organizations"("id")
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_experts_user" ON "experts" ("user_id")`);
    await queryRunner.query(`CREATE INDEX "ix_experts_created" ON "experts" ("created_at", "id")`);
    await queryRunner.query(
      `CREATE INDEX "ix_experts_affiliation_organization" ON "experts" ("affiliation_organization_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_experts_industry_chains" ON "experts" USING gin ("industry_chain_codes")`,
    );

    await queryRunner.query(`
      CREATE TABLE "expert_collaborations" (
        "expert_id" uuid NOT NULL,
        "position" integer NOT NULL,
        "organization_id" uuid NOT NULL,
        "description" text NOT NULL,
        "from_year" integer NOT NULL,
        "to_year" integer,
        CONSTRAINT "pk_expert_collaborations" PRIMARY KEY ("expert_id", "position"),
        CONSTRAINT "ck_expert_collaborations_years" CHECK ("from_year" <= "to_year"),
        CONSTRAINT "fk_expert_collaborations_expert" FOREIGN KEY ("expert_id") REFERENCES "experts"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_expert_collaborations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_expert_collaborations_organization" ON "expert_collaborations" ("organization_id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "expert_collaborations"`);
    await queryRunner.query(`DROP TABLE "experts"`);
  }
}
