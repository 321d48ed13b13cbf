import { MigrationInterface, QueryRunner } from 'typeorm';

/** Acceptance (验收): requests, panels, verdicts, decisions (ADR 0029). */
export class Acceptance1763701400000 implements MigrationInterface {
  name = 'Acceptance1763701400000';

  public async up(_queryRunner: QueryRunner): Promise<void> {}

  public async down(_queryRunner: QueryRunner): Promise<void> {}
}
