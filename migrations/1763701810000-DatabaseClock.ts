import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The database's clock, named once (ADR 0021, "The deadline race"): `jiebang_clock()` is
 * `clock_timestamp()` — the real time at the moment it is read, not the transaction's start — and
 * the deferred deadline trigger reads it at COMMIT. Naming it lets a test database replace it with
 * a clock the test moves, as the injected Clock is replaced in the application, so the race across
 * closesAt is decided by the test and not by how fast the machine is. Production never replaces it.
 */
export class DatabaseClock1763701810000 implements MigrationInterface {
  name = 'DatabaseClock1763701810000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION jiebang_clock() RETURNS timestamptz
      LANGUAGE sql VOLATILE AS $$ SELECT clock_timestamp() $$`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION applications_submitted_before_close() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE closes timestamptz;
      BEGIN
        SELECT closes_at INTO closes FROM challenges WHERE id = NEW.challenge_id;
        IF jiebang_clock() >= closes THEN
          RAISE EXCEPTION 'The list closed at % (database clock)', closes
            USING ERRCODE = 'check_violation', CONSTRAINT = 'applications_submitted_before_close';
        END IF;
        RETURN NULL;
      END $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION applications_submitted_before_close() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE closes timestamptz;
      BEGIN
        SELECT closes_at INTO closes FROM challenges WHERE id = NEW.challenge_id;
        IF clock_timestamp() >= closes THEN
          RAISE EXCEPTION 'The list closed at % (database clock)', closes
            USING ERRCODE = 'check_violation', CONSTRAINT = 'applications_submitted_before_close';
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`DROP FUNCTION jiebang_clock()`);
  }
}
