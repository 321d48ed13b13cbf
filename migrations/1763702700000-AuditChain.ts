import { MigrationInterface, QueryRunner } from 'typeorm';

/** The columns of a row of the audit trail, in table order (the archive repeats them). */
const EVENT_COLUMNS = [
  'occurred_at',
  'actor_type',
  'actor_id',
  'actor_organization_id',
  'action',
  'object_type',
  'object_id',
  'before',
  'after',
  'request_id',
  'tx_id',
];

const same = EVENT_COLUMNS.map((c) => `a."${c}"`).join(', ');
const old = EVENT_COLUMNS.map((c) => `OLD."${c}"`).join(', ');

/**
 * Tamper-evident audit trail (ADR 0046). Expand only: audit_events gains a nullable `tx_id` whose
 * default is the inserting transaction's id (existing rows keep NULL: no rewrite); new tables hold
 * the seals (the hash chain), the chain's head, daily checkpoints and the archive. The row trigger
 * of audit_events still refuses every UPDATE and every DELETE but one: the archival transaction's
 * delete of a sealed row whose identical copy is already in audit_events_archive.
 */
export class AuditChain1763702700000 implements MigrationInterface {
  name = 'AuditChain1763702700000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // The inserting transaction's id as a bigint (xid8 is 64-bit and never wraps around).
    await queryRunner.query(`
      CREATE FUNCTION audit_current_tx() RETURNS bigint LANGUAGE sql VOLATILE AS $$
        SELECT (pg_current_xact_id())::text::bigint
      $$`);
    await queryRunner.query(`ALTER TABLE "audit_events" ADD "tx_id" bigint`);
    await queryRunner.query(`ALTER TABLE "audit_events" ALTER COLUMN "tx_id" SET DEFAULT audit_current_tx()`);
    await queryRunner.query(`CREATE INDEX "ix_audit_events_tx" ON "audit_events" ("tx_id")`);

    await queryRunner.query(`
      CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);

    await queryRunner.query(`
      CREATE TABLE "audit_seals" (
        "seq" bigint NOT NULL,
        "audit_event_id" uuid NOT NULL,
        "prev_hash" text NOT NULL,
        "hash" text NOT NULL,
        "sealed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_audit_seals" PRIMARY KEY ("seq"),
        CONSTRAINT "uq_audit_seals_event" UNIQUE ("audit_event_id")
      )`);

    await queryRunner.query(`
      CREATE TABLE "audit_chain_head" (
        "id" integer NOT NULL DEFAULT 1,
        "last_seq" bigint NOT NULL DEFAULT 0,
        "last_hash" text NOT NULL,
        "last_sealed_at" TIMESTAMP WITH TIME ZONE,
        "horizon" bigint,
        "archived_through_seq" bigint NOT NULL DEFAULT 0,
        CONSTRAINT "pk_audit_chain_head" PRIMARY KEY ("id"),
        CONSTRAINT "ck_audit_chain_head_single" CHECK ("id" = 1)
      )`);
    await queryRunner.query(`INSERT INTO "audit_chain_head" ("id", "last_hash") VALUES (1, repeat('0', 64))`);

    await queryRunner.query(`
      CREATE TABLE "audit_checkpoints" (
        "last_seq" bigint NOT NULL,
        "first_seq" bigint NOT NULL,
        "day" date NOT NULL,
        "head_hash" text NOT NULL,
        "row_count" integer NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_audit_checkpoints" PRIMARY KEY ("last_seq")
      )`);

    await queryRunner.query(`
      CREATE TABLE "audit_events_archive" (
        "id" uuid NOT NULL,
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
        "tx_id" bigint,
        "archived_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_audit_events_archive" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_audit_events_archive_occurred" ON "audit_events_archive" ("occurred_at", "id")`,
    );

    for (const table of ['audit_seals', 'audit_checkpoints', 'audit_events_archive']) {
      await queryRunner.query(`
        CREATE TRIGGER "${table}_no_update_delete" BEFORE UPDATE OR DELETE ON "${table}"
        FOR EACH ROW EXECUTE FUNCTION audit_append_only()`);
      await queryRunner.query(`
        CREATE TRIGGER "${table}_no_truncate" BEFORE TRUNCATE ON "${table}"
        FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()`);
    }

    // The one DELETE the trail allows: archival's, of a sealed row already copied unchanged.
    await queryRunner.query(`
      CREATE FUNCTION audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE'
           AND current_setting('jiebang.audit_archival', true) = 'on'
           AND EXISTS (SELECT 1 FROM audit_seals s WHERE s.audit_event_id = OLD.id)
           AND EXISTS (SELECT 1 FROM audit_events_archive a
                        WHERE a.id = OLD.id AND ROW(${same}) IS NOT DISTINCT FROM ROW(${old})) THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(`DROP TRIGGER "audit_events_no_update_delete" ON "audit_events"`);
    await queryRunner.query(`
      CREATE TRIGGER "audit_events_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_events"
      FOR EACH ROW EXECUTE FUNCTION audit_events_guard()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "audit_events_no_update_delete" ON "audit_events"`);
    await queryRunner.query(`
      CREATE TRIGGER "audit_events_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_events"
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
    await queryRunner.query(`DROP FUNCTION audit_events_guard()`);
    await queryRunner.query(`DROP TABLE "audit_events_archive"`);
    await queryRunner.query(`DROP TABLE "audit_checkpoints"`);
    await queryRunner.query(`DROP TABLE "audit_chain_head"`);
    await queryRunner.query(`DROP TABLE "audit_seals"`);
    await queryRunner.query(`DROP FUNCTION audit_append_only()`);
    await queryRunner.query(`DROP INDEX "ix_audit_events_tx"`);
    await queryRunner.query(`ALTER TABLE "audit_events" DROP COLUMN "tx_id"`);
    await queryRunner.query(`DROP FUNCTION audit_current_tx()`);
  }
}
