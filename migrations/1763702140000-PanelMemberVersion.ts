import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One panel component (ADR 0041): a review panel's member rows get the `version` column the
 * acceptance panel's rows have, so a change of a member bumps it in both tables alike. Existing
 * rows start at 1; nothing else changes.
 */
export class PanelMemberVersion1763702140000 implements MigrationInterface {
  name = 'PanelMemberVersion1763702140000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "panel_members" ADD "version" integer NOT NULL DEFAULT 1`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "panel_members" DROP COLUMN "version"`);
  }
}
