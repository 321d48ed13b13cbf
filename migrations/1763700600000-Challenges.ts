import { MigrationInterface, QueryRunner } from 'typeorm';

export class Challenges1763700600000 implements MigrationInterface {
  name = 'Challenges1763700600000';

  public async up(_queryRunner: QueryRunner): Promise<void> {}

  public async down(_queryRunner: QueryRunner): Promise<void> {}
}
