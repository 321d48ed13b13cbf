import { MigrationInterface, QueryRunner } from 'typeorm';

export class Attachments1763700500000 implements MigrationInterface {
  name = 'Attachments1763700500000';

  public async up(_queryRunner: QueryRunner): Promise<void> {}

  public async down(_queryRunner: QueryRunner): Promise<void> {}
}
