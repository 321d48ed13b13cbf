import { MigrationInterface, QueryRunner } from 'typeorm';

const SNAPSHOT = (roles: string) => `jsonb_build_object(
  'id', "id", 'organizationId', "organization_id", 'email', "email", 'displayName', "display_name",
  'roles', to_jsonb(${roles}), 'enabled', "enabled")`;

/**
 * Separated administrative duties (三员分立, ADR 0043). Every existing system administrator
 * (`admin`) also becomes the security administrator (`security_admin`): the pair holds every
 * permission the single `admin` held, but the audit trail's endpoints, so that no deployment locks
 * itself out of account management. Each change is audited (`user.roles_changed` by the system) in
 * the same statement. The audit administrator is a separate account a security administrator
 * creates afterwards (docs/operations.md). Data only: no column changes.
 */
export class SeparatedDuties1763702600000 implements MigrationInterface {
  name = 'SeparatedDuties1763702600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      WITH "changed" AS (
        UPDATE "users"
           SET "roles" = "roles" || ARRAY['security_admin']::text[],
               "version" = "version" + 1,
               "updated_at" = now()
         WHERE 'admin' = ANY("roles")
           AND NOT 'security_admin' = ANY("roles")
           AND NOT 'audit_admin' = ANY("roles")
        RETURNING "id", "organization_id", "email", "display_name", "roles", "enabled"
      )
      INSERT INTO "audit_events"
        ("occurred_at", "actor_type", "action", "object_type", "object_id", "before", "after")
      SELECT now(), 'system', 'user.roles_changed', 'user', "id"::text,
             ${SNAPSHOT(`array_remove("roles", 'security_admin')`)},
             ${SNAPSHOT(`"roles"`)}
        FROM "changed"`);
  }

  /** Takes `security_admin` from every `admin` again (also from those granted it since: lossy). */
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      UPDATE "users"
         SET "roles" = array_remove("roles", 'security_admin'),
             "version" = "version" + 1,
             "updated_at" = now()
       WHERE 'admin' = ANY("roles") AND 'security_admin' = ANY("roles")`);
  }
}
