import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Technology contract records (技术合同登记, docs/adr/0061): the contract, its files, and one
 * registration counter per (region, year) that registration locks so numbers have no gaps and no
 * duplicates. `result_id` and `need_id` carry no foreign keys yet: foreign keys are added when the
 * results and needs tables land.
 */
export class TechnologyContracts1763703600000 implements MigrationInterface {
  name = 'TechnologyContracts1763703600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "technology_contracts" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "registration_number" text,
        "title" text NOT NULL,
        "type" text NOT NULL,
        "seller_organization_id" uuid NOT NULL,
        "buyer_organization_id" uuid NOT NULL,
        "filed_by_organization_id" uuid NOT NULL,
        "contract_amount_fen" bigint NOT NULL,
        "technology_transaction_amount_fen" bigint NOT NULL,
        "signed_on" date NOT NULL,
        "region_code" character varying(6) NOT NULL,
        "industry_chain_code" text NOT NULL,
        "result_id" uuid,
        "need_id" uuid,
        "project_id" uuid,
        "broker_user_id" uuid,
        "confidential" boolean NOT NULL DEFAULT false,
        "status" text NOT NULL,
        "return_reason" text,
        "submitted_at" TIMESTAMP WITH TIME ZONE,
        "registered_at" TIMESTAMP WITH TIME ZONE,
        "registered_by" uuid,
        "created_by" uuid NOT NULL,
        "version" integer NOT NULL DEFAULT 1,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_technology_contracts" PRIMARY KEY ("id"),
        CONSTRAINT "ck_technology_contracts_type" CHECK ("type" IN ('development', 'transfer', 'licence', 'consulting', 'service')),
        CONSTRAINT "ck_technology_contracts_status" CHECK ("status" IN ('draft', 'submitted', 'registered', 'returned', 'withdrawn')),
        CONSTRAINT "ck_technology_contracts_amounts" CHECK ("technology_transaction_amount_fen" >= 0 AND "technology_transaction_amount_fen" <= "contract_amount_fen"),
        CONSTRAINT "ck_technology_contracts_parties" CHECK ("seller_organization_id" <> "buyer_organization_id"),
        CONSTRAINT "ck_technology_contracts_registered" CHECK (("status" = 'registered') = ("registration_number" IS NOT NULL AND "registered_at" IS NOT NULL)),
        CONSTRAINT "ck_technology_contracts_returned" CHECK ("status" <> 'returned' OR "return_reason" IS NOT NULL),
        CONSTRAINT "fk_technology_contracts_seller" FOREIGN KEY ("seller_organization_id") REFERENCES "organizations"("id"),
        CONSTRAINT "fk_technology_contracts_buyer" FOREIGN KEY ("buyer_organization_id") REFERENCES "organizations"("id"),
        CONSTRAINT "fk_technology_contracts_filed_by" FOREIGN KEY ("filed_by_organization_id") REFERENCES "organizations"("id"),
        CONSTRAINT "fk_technology_contracts_industry_chain" FOREIGN KEY ("industry_chain_code") REFERENCES "industry_chains"("code") ON UPDATE CASCADE,
        CONSTRAINT "fk_technology_contracts_project" FOREIGN KEY ("project_id") REFERENCES "projects"("id"),
        CONSTRAINT "fk_technology_contracts_broker" FOREIGN KEY ("broker_user_id") REFERENCES "users"("id"),
        CONSTRAINT "fk_technology_contracts_registered_by" FOREIGN KEY ("registered_by") REFERENCES "users"("id"),
        CONSTRAINT "fk_technology_contracts_created_by" FOREIGN KEY ("created_by") REFERENCES "users"("id")
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_technology_contracts_registration_number" ON "technology_contracts" ("registration_number")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_technology_contracts_seller" ON "technology_contracts" ("seller_organization_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_technology_contracts_buyer" ON "technology_contracts" ("buyer_organization_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_technology_contracts_status" ON "technology_contracts" ("status", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_technology_contracts_registered" ON "technology_contracts" ("registered_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_technology_contracts_result" ON "technology_contracts" ("result_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_technology_contracts_industry_chain" ON "technology_contracts" ("industry_chain_code")`,
    );
    await queryRunner.query(`
      CREATE TABLE "technology_contract_attachments" (
        "contract_id" uuid NOT NULL,
        "attachment_id" uuid NOT NULL,
        "position" integer NOT NULL,
        CONSTRAINT "pk_technology_contract_attachments" PRIMARY KEY ("contract_id", "attachment_id"),
        CONSTRAINT "fk_technology_contract_attachments_contract" FOREIGN KEY ("contract_id") REFERENCES "technology_contracts"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_technology_contract_attachments_attachment" FOREIGN KEY ("attachment_id") REFERENCES "attachments"("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_technology_contract_attachments_attachment" ON "technology_contract_attachments" ("attachment_id")`,
    );
    await queryRunner.query(`
      CREATE TABLE "technology_contract_counters" (
        "region_code" character varying(6) NOT NULL,
        "year" integer NOT NULL,
        "last_value" integer NOT NULL,
        CONSTRAINT "pk_technology_contract_counters" PRIMARY KEY ("region_code", "year")
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "technology_contract_counters"`);
    await queryRunner.query(`DROP TABLE "technology_contract_attachments"`);
    await queryRunner.query(`DROP TABLE "technology_contracts"`);
  }
}
