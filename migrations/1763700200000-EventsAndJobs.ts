import { MigrationInterface, QueryRunner } from 'typeorm';

export class EventsAndJobs1763700200000 implements MigrationInterface {
  name = 'EventsAndJobs1763700200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Which handler has had the effect of which event: the at-most-once guard of event handlers.
    await queryRunner.query(`
      CREATE TABLE "processed_events" (
        "event_id" uuid NOT NULL,
        "handler" text NOT NULL,
        "processed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_processed_events" PRIMARY KEY ("event_id", "handler")
      )`);

    await queryRunner.query(`
      CREATE TABLE "notifications" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "kind" text NOT NULL,
        "title" text NOT NULL,
        "body" text NOT NULL,
        "data" jsonb NOT NULL,
        "event_id" uuid,
        "read_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "uq_notifications_user_event" UNIQUE ("user_id", "event_id"),
        CONSTRAINT "pk_notifications" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_notifications_user_created" ON "notifications" ("user_id", "created_at", "id")`,
    );

    await queryRunner.query(
      `ALTER TABLE "notifications" ADD CONSTRAINT "fk_notifications_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );

    // The truth of scheduled deadlines; the delayed BullMQ jobs are re-created from it.
    await queryRunner.query(`
      CREATE TABLE "deadlines" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "entity_type" text NOT NULL,
        "entity_id" text NOT NULL,
        "kind" text NOT NULL,
        "due_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "status" text NOT NULL,
        "version" integer NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "uq_deadlines_entity_kind" UNIQUE ("entity_type", "entity_id", "kind"),
        CONSTRAINT "pk_deadlines" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_deadlines_pending_due" ON "deadlines" ("due_at") WHERE status = 'pending'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "deadlines"`);
    await queryRunner.query(`DROP TABLE "notifications"`);
    await queryRunner.query(`DROP TABLE "processed_events"`);
  }
}
