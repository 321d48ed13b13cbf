import { MigrationInterface, QueryRunner } from 'typeorm';

/** Milestone reports and assessments, change requests, horse-race stage gates (ADR 0027). */
export class ProjectWork1763701250000 implements MigrationInterface {
  name = 'ProjectWork1763701250000';

  public async up(_queryRunner: QueryRunner): Promise<void> {}

  public async down(_queryRunner: QueryRunner): Promise<void> {}
}
