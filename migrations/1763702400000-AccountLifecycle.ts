import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts (ADR 0045): one-time password-reset tokens and e-mail invitations, both stored only as
 * the SHA-256 of their secret; mails to an address that is no user yet (an invitee), so a mail row
 * may have no user (at most one such row per event). Only adds: existing rows are untouched.
 */
export class AccountLifecycle1763702400000 implements MigrationInterface {
  name = 'AccountLifecycle1763702400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "password_reset_tokens" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "token_hash" text NOT NULL,
        "requested_by" uuid,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "used_at" TIMESTAMP WITH TIME ZONE,
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_password_reset_tokens" PRIMARY KEY ("id"),
        CONSTRAINT "fk_password_reset_tokens_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_password_reset_tokens_token_hash" ON "password_reset_tokens" ("token_hash")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_password_reset_tokens_user" ON "password_reset_tokens" ("user_id")`,
    );

    await queryRunner.query(`
      CREATE TABLE "invitations" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "organization_id" uuid NOT NULL,
        "email" text NOT NULL,
        "display_name" text NOT NULL,
        "roles" text array NOT NULL,
        "locale" text NOT NULL DEFAULT 'zh-CN',
        "token_hash" text NOT NULL,
        "invited_by" uuid NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "accepted_at" TIMESTAMP WITH TIME ZONE,
        "accepted_user_id" uuid,
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_invitations" PRIMARY KEY ("id"),
        CONSTRAINT "fk_invitations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id"),
        CONSTRAINT "fk_invitations_invited_by" FOREIGN KEY ("invited_by") REFERENCES "users"("id")
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_invitations_token_hash" ON "invitations" ("token_hash")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_invitations_organization" ON "invitations" ("organization_id", "created_at", "id")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_invitations_created" ON "invitations" ("created_at", "id")`);
    await queryRunner.query(`CREATE INDEX "ix_invitations_email" ON "invitations" ("email")`);

    await queryRunner.query(`ALTER TABLE "mail_messages" ALTER COLUMN "user_id" DROP NOT NULL`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_mail_messages_event_address" ON "mail_messages" ("event_id") WHERE "user_id" IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "uq_mail_messages_event_address"`);
    await queryRunner.query(`DELETE FROM "mail_messages" WHERE "user_id" IS NULL`);
    await queryRunner.query(`ALTER TABLE "mail_messages" ALTER COLUMN "user_id" SET NOT NULL`);
    await queryRunner.query(`DROP TABLE "invitations"`);
    await queryRunner.query(`DROP TABLE "password_reset_tokens"`);
  }
}
