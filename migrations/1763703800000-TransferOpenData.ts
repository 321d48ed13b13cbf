import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transfer funnel and the open-data feeds (docs/adr/0062): the feeds page needs, results and
 * contracts by (updated_at, id); the funnel joins results to their project and contracts to their
 * need.
 */
export class TransferOpenData1763703800000 implements MigrationInterface {
  name = 'TransferOpenData1763703800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "ix_needs_updated" ON "needs" ("updated_at", "id")`);
    await queryRunner.query(`CREATE INDEX "ix_results_updated" ON "results" ("updated_at", "id")`);
    await queryRunner.query(`CREATE INDEX "ix_results_project" ON "results" ("project_id")`);
    await queryRunner.query(
      `CREATE INDEX "ix_technology_contracts_updated" ON "technology_contracts" ("updated_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_technology_contracts_need" ON "technology_contracts" ("need_id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_technology_contracts_need"`);
    await queryRunner.query(`DROP INDEX "public"."ix_technology_contracts_updated"`);
    await queryRunner.query(`DROP INDEX "public"."ix_results_project"`);
    await queryRunner.query(`DROP INDEX "public"."ix_results_updated"`);
    await queryRunner.query(`DROP INDEX "public"."ix_needs_updated"`);
  }
}
