import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * TOTP multi-factor sign-in (ADR 0044): each person's authenticator (secret encrypted, pending
 * until confirmed), their recovery codes (hashed), and the authentication methods of each refresh
 * token family. Additive: existing refresh tokens are password sign-ins (`{pwd}`).
 */
export class TotpMfa1763702500000 implements MigrationInterface {
  name = 'TotpMfa1763702500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "user_totp" (
        "user_id" uuid NOT NULL,
        "secret_encrypted" text NOT NULL,
        "confirmed_at" TIMESTAMP WITH TIME ZONE,
        "last_used_step" integer,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_user_totp" PRIMARY KEY ("user_id"),
        CONSTRAINT "fk_user_totp_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`
      CREATE TABLE "mfa_recovery_codes" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "code_hash" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "used_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_mfa_recovery_codes" PRIMARY KEY ("id"),
        CONSTRAINT "fk_mfa_recovery_codes_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_mfa_recovery_codes_user_code" ON "mfa_recovery_codes" ("user_id", "code_hash")`,
    );
    await queryRunner.query(`ALTER TABLE "refresh_tokens" ADD "amr" text array NOT NULL DEFAULT '{pwd}'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "refresh_tokens" DROP COLUMN "amr"`);
    await queryRunner.query(`DROP TABLE "mfa_recovery_codes"`);
    await queryRunner.query(`DROP TABLE "user_totp"`);
  }
}
