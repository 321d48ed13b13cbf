import { MigrationInterface, QueryRunner } from 'typeorm';

export class TaxonomyAndPrograms1763700400000 implements MigrationInterface {
  name = 'TaxonomyAndPrograms1763700400000';

  public async up(_queryRunner: QueryRunner): Promise<void> {}

  public async down(_queryRunner: QueryRunner): Promise<void> {}
}
