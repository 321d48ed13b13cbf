import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organization-scoped keys and webhooks (ADR 0047): a subscription records the organization it was
 * made for. Existing subscriptions owned by a key take that key's organization (what they received
 * until now); those owned by admins stay platform-wide (null). Indexes list an organization's keys
 * and subscriptions. Additive only: a running older version ignores the column.
 */
export class OrganizationWebhooks1763702800000 implements MigrationInterface {
  name = 'OrganizationWebhooks1763702800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_subscriptions" ADD "organization_id" uuid`);
    await queryRunner.query(
      `UPDATE "webhook_subscriptions" s SET "organization_id" = k."organization_id"
       FROM "api_keys" k WHERE k."id" = s."owner_api_key_id" AND k."organization_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_subscriptions" ADD CONSTRAINT "fk_webhook_subscriptions_organization"
       FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_subscriptions_organization" ON "webhook_subscriptions" ("organization_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_api_keys_organization" ON "api_keys" ("organization_id", "created_at", "id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_api_keys_organization"`);
    await queryRunner.query(`DROP INDEX "ix_webhook_subscriptions_organization"`);
    await queryRunner.query(
      `ALTER TABLE "webhook_subscriptions" DROP CONSTRAINT "fk_webhook_subscriptions_organization"`,
    );
    await queryRunner.query(`ALTER TABLE "webhook_subscriptions" DROP COLUMN "organization_id"`);
  }
}
