import { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditAndOutbox1763700000000 implements MigrationInterface {
  name = 'AuditAndOutbox1763700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "audit_events" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "actor_type" text NOT NULL,
        "actor_id" uuid,
        "actor_organization_id" uuid,
        "action" text NOT NULL,
        "object_type" text NOT NULL,
        "object_id" text NOT NULL,
        "before" jsonb,
        "after" jsonb,
        "request_id" text,
        CONSTRAINT "pk_audit_events" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_audit_events_object" ON "audit_events" ("object_type", "object_id", "occurred_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_audit_events_actor" ON "audit_events" ("actor_id", "occurred_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_audit_events_occurred" ON "audit_events" ("occurred_at", "id")`,
    );
    // The audit trail is append-only, enforced by the database whatever the application does.
    await queryRunner.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON "audit_events"
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
    await queryRunner.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON "audit_events"
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);

    await queryRunner.query(`
      CREATE TABLE "outbox_events" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "type" text NOT NULL,
        "aggregate_type" text NOT NULL,
        "aggregate_id" text NOT NULL,
        "data" jsonb NOT NULL,
        "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "request_id" text,
        "published_at" TIMESTAMP WITH TIME ZONE,
        "delivered_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_outbox_events" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_outbox_events_unpublished" ON "outbox_events" ("occurred_at") WHERE published_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_outbox_events_undelivered" ON "outbox_events" ("published_at") WHERE published_at IS NOT NULL AND delivered_at IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "outbox_events"`);
    await queryRunner.query(`DROP TABLE "audit_events"`);
    await queryRunner.query(`DROP FUNCTION audit_events_append_only()`);
  }
}
