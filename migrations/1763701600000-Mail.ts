import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * E-mail (ADR 0031): one `mail_messages` row per recipient of an event (the truth of what is sent,
 * unique per event and user), and each user's e-mail opt-outs in `mail_preferences`.
 */
export class Mail1763701600000 implements MigrationInterface {
  name = 'Mail1763701600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "mail_messages" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "event_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "kind" text NOT NULL,
        "to_address" text NOT NULL,
        "locale" text NOT NULL,
        "subject" text NOT NULL,
        "body_text" text NOT NULL,
        "status" text NOT NULL,
        "attempts" integer NOT NULL DEFAULT 0,
        "last_error" text,
        "claimed_at" TIMESTAMP WITH TIME ZONE,
        "sent_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "uq_mail_messages_event_user" UNIQUE ("event_id", "user_id"),
        CONSTRAINT "ck_mail_messages_status" CHECK ("status" IN ('queued', 'sending', 'sent', 'failed', 'skipped')),
        CONSTRAINT "pk_mail_messages" PRIMARY KEY ("id"),
        CONSTRAINT "fk_mail_messages_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    // What the reconciler scans at worker start and every minute.
    await queryRunner.query(
      `CREATE INDEX "ix_mail_messages_unsent" ON "mail_messages" ("created_at") WHERE status IN ('queued', 'sending')`,
    );

    await queryRunner.query(`
      CREATE TABLE "mail_preferences" (
        "user_id" uuid NOT NULL,
        "email_opt_outs" text array NOT NULL,
        "version" integer NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_mail_preferences" PRIMARY KEY ("user_id"),
        CONSTRAINT "fk_mail_preferences_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "mail_preferences"`);
    await queryRunner.query(`DROP TABLE "mail_messages"`);
  }
}
