import { MigrationInterface, QueryRunner } from 'typeorm';

/** The append-only money ledger (ADR 0028). */
export class Ledger1763701300000 implements MigrationInterface {
  name = 'Ledger1763701300000';

  public async up(_queryRunner: QueryRunner): Promise<void> {}

  public async down(_queryRunner: QueryRunner): Promise<void> {}
}
