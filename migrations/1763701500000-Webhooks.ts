import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed webhooks (docs/adr/0030): subscriptions owned by an integration key or an admin, one
 * delivery per event and subscription (the truth of its retries: status and next_attempt_at), and
 * every HTTP attempt of a delivery, recorded once per number.
 */
export class Webhooks1763701500000 implements MigrationInterface {
  name = 'Webhooks1763701500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "webhook_subscriptions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "owner_api_key_id" uuid,
        "owner_user_id" uuid,
        "url" text NOT NULL,
        "event_types" text array NOT NULL,
        "description" text,
        "secret" text NOT NULL,
        "status" text NOT NULL DEFAULT 'enabled',
        "disabled_at" TIMESTAMP WITH TIME ZONE,
        "disabled_reason" text,
        "failing_since" TIMESTAMP WITH TIME ZONE,
        "version" integer NOT NULL DEFAULT 1,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_webhook_subscriptions" PRIMARY KEY ("id"),
        CONSTRAINT "ck_webhook_subscriptions_owner" CHECK (num_nonnulls("owner_api_key_id", "owner_user_id") = 1),
        CONSTRAINT "ck_webhook_subscriptions_status" CHECK ("status" IN ('enabled', 'disabled')),
        CONSTRAINT "ck_webhook_subscriptions_disabled" CHECK (("status" = 'disabled') = ("disabled_at" IS NOT NULL AND "disabled_reason" IN ('gone', 'failing'))),
        CONSTRAINT "fk_webhook_subscriptions_api_key" FOREIGN KEY ("owner_api_key_id") REFERENCES "api_keys"("id") ON DELETE NO ACTION ON UPDATE NO ACTION,
        CONSTRAINT "fk_webhook_subscriptions_user" FOREIGN KEY ("owner_user_id") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_subscriptions_created" ON "webhook_subscriptions" ("created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_subscriptions_api_key" ON "webhook_subscriptions" ("owner_api_key_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_subscriptions_user" ON "webhook_subscriptions" ("owner_user_id")`,
    );

    await queryRunner.query(`
      CREATE TABLE "webhook_deliveries" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "subscription_id" uuid NOT NULL,
        "event_id" uuid NOT NULL,
        "event_type" text NOT NULL,
        "body" text NOT NULL,
        "status" text NOT NULL DEFAULT 'pending',
        "chain" integer NOT NULL DEFAULT 0,
        "chain_attempts" integer NOT NULL DEFAULT 0,
        "next_attempt_at" TIMESTAMP WITH TIME ZONE,
        "last_attempt_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_webhook_deliveries" PRIMARY KEY ("id"),
        CONSTRAINT "ck_webhook_deliveries_status" CHECK ("status" IN ('pending', 'succeeded', 'failed')),
        CONSTRAINT "ck_webhook_deliveries_next" CHECK (("status" = 'pending') = ("next_attempt_at" IS NOT NULL)),
        CONSTRAINT "ck_webhook_deliveries_counts" CHECK ("chain" >= 0 AND "chain_attempts" >= 0),
        CONSTRAINT "fk_webhook_deliveries_subscription" FOREIGN KEY ("subscription_id") REFERENCES "webhook_subscriptions"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_webhook_deliveries_subscription_event" ON "webhook_deliveries" ("subscription_id", "event_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_deliveries_subscription_created" ON "webhook_deliveries" ("subscription_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_deliveries_pending" ON "webhook_deliveries" ("next_attempt_at") WHERE status = 'pending'`,
    );

    await queryRunner.query(`
      CREATE TABLE "webhook_delivery_attempts" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "delivery_id" uuid NOT NULL,
        "attempt_number" integer NOT NULL,
        "chain" integer NOT NULL,
        "chain_attempt" integer NOT NULL,
        "attempted_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "outcome" text NOT NULL,
        "status_code" integer,
        "latency_ms" integer NOT NULL,
        "response_snippet" text,
        "error" text,
        "next_attempt_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_webhook_delivery_attempts" PRIMARY KEY ("id"),
        CONSTRAINT "ck_webhook_delivery_attempts_outcome" CHECK ("outcome" IN ('succeeded', 'failed')),
        CONSTRAINT "ck_webhook_delivery_attempts_number" CHECK ("attempt_number" >= 1 AND "chain_attempt" >= 1),
        CONSTRAINT "fk_webhook_delivery_attempts_delivery" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_webhook_delivery_attempts_number" ON "webhook_delivery_attempts" ("delivery_id", "attempt_number")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webhook_delivery_attempts"`);
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    await queryRunner.query(`DROP TABLE "webhook_subscriptions"`);
  }
}
