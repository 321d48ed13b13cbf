import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Acceptance (验收, ADR 0029): the applicant's request with measured values and evidence, the seeded
 * panel (members and reserves, each row also the expert's assignment), the per-indicator verdicts,
 * and the admin's decision with the issuer's opinion, conditions and the due-diligence exemption.
 */
export class Acceptance1763701400000 implements MigrationInterface {
  name = 'Acceptance1763701400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "acceptances" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "project_id" uuid NOT NULL,
        "status" text NOT NULL,
        "measurements" jsonb NOT NULL,
        "evidence_attachment_ids" jsonb NOT NULL,
        "summary" text NOT NULL,
        "consortium_organization_ids" jsonb NOT NULL,
        "requested_by" uuid NOT NULL,
        "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "seed" text NOT NULL,
        "drawn_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "outcome" text,
        "decision_reason" text,
        "issuer_opinion" text,
        "close_reason" text,
        "due_diligence_exemption" boolean NOT NULL DEFAULT false,
        "conditions" text,
        "conditions_due_at" TIMESTAMP WITH TIME ZONE,
        "conditions_resolution" text,
        "conditions_reason" text,
        "conditions_resolved_at" TIMESTAMP WITH TIME ZONE,
        "decided_by" uuid,
        "decided_at" TIMESTAMP WITH TIME ZONE,
        "version" integer NOT NULL DEFAULT 1,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_acceptances" PRIMARY KEY ("id"),
        CONSTRAINT "ck_acceptances_status" CHECK ("status" IN ('requested', 'conditional', 'passed', 'failed')),
        CONSTRAINT "ck_acceptances_outcome" CHECK ("outcome" IS NULL OR "outcome" IN ('passed', 'passed_with_conditions', 'failed')),
        CONSTRAINT "ck_acceptances_conditions_resolution" CHECK ("conditions_resolution" IS NULL OR "conditions_resolution" IN ('met', 'not_met', 'expired')),
        CONSTRAINT "ck_acceptances_exemption" CHECK ("due_diligence_exemption" = false OR "status" = 'failed'),
        CONSTRAINT "fk_acceptances_project" FOREIGN KEY ("project_id") REFERENCES "projects"("id"),
        CONSTRAINT "fk_acceptances_requested_by" FOREIGN KEY ("requested_by") REFERENCES "users"("id"),
        CONSTRAINT "fk_acceptances_decided_by" FOREIGN KEY ("decided_by") REFERENCES "users"("id")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_acceptances_project" ON "acceptances" ("project_id")`);

    await queryRunner.query(`
      CREATE TABLE "acceptance_panel_members" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "acceptance_id" uuid NOT NULL,
        "expert_id" uuid NOT NULL,
        "role" text NOT NULL,
        "position" integer NOT NULL,
        "status" text NOT NULL,
        "status_reason" text,
        "replaced_by" uuid,
        "declared_at" TIMESTAMP WITH TIME ZONE,
        "submitted_at" TIMESTAMP WITH TIME ZONE,
        "version" integer NOT NULL DEFAULT 1,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_acceptance_panel_members" PRIMARY KEY ("id"),
        CONSTRAINT "ck_acceptance_panel_members_role" CHECK ("role" IN ('member', 'reserve')),
        CONSTRAINT "ck_acceptance_panel_members_status" CHECK ("status" IN ('standby', 'pending', 'declared', 'submitted', 'conflicted', 'declined', 'unused')),
        CONSTRAINT "fk_acceptance_panel_members_acceptance" FOREIGN KEY ("acceptance_id") REFERENCES "acceptances"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_acceptance_panel_members_expert" FOREIGN KEY ("expert_id") REFERENCES "experts"("id")
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_acceptance_panel_members_expert" ON "acceptance_panel_members" ("acceptance_id", "expert_id")`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_acceptance_panel_members_position" ON "acceptance_panel_members" ("acceptance_id", "role", "position")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_acceptance_panel_members_expert" ON "acceptance_panel_members" ("expert_id")`,
    );

    await queryRunner.query(`
      CREATE TABLE "acceptance_verdicts" (
        "panel_member_id" uuid NOT NULL,
        "indicator_id" uuid NOT NULL,
        "acceptance_id" uuid NOT NULL,
        "verdict" text NOT NULL,
        "comment" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_acceptance_verdicts" PRIMARY KEY ("panel_member_id", "indicator_id"),
        CONSTRAINT "ck_acceptance_verdicts_verdict" CHECK ("verdict" IN ('met', 'partially_met', 'not_met')),
        CONSTRAINT "fk_acceptance_verdicts_panel_member" FOREIGN KEY ("panel_member_id") REFERENCES "acceptance_panel_members"("id"),
        CONSTRAINT "fk_acceptance_verdicts_acceptance" FOREIGN KEY ("acceptance_id") REFERENCES "acceptances"("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_acceptance_verdicts_acceptance" ON "acceptance_verdicts" ("acceptance_id")`,
    );
    // GET /integrity-records lists newest first (keyset on recorded_at, id).
    await queryRunner.query(
      `CREATE INDEX "ix_integrity_records_recorded" ON "integrity_records" ("recorded_at", "id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_integrity_records_recorded"`);
    await queryRunner.query(`DROP TABLE "acceptance_verdicts"`);
    await queryRunner.query(`DROP TABLE "acceptance_panel_members"`);
    await queryRunner.query(`DROP TABLE "acceptances"`);
  }
}
