import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Statistics and open data (ADR 0032). The statistics need nothing new: they are live aggregate
 * queries over the existing indexes (the ADR has the measurements against a materialized view).
 * The OCDS export needs "when did the public part of this list last change", indexed, so that
 * `GET /open-data/ocds?since=…` pages by it: `open_data_changes` keeps one row per published list
 * with the latest `updated_at` of the list, its projects, their milestones and their payments,
 * maintained by deferred constraint triggers on those four tables (they fire at COMMIT, so the row
 * lock on `open_data_changes` is the last one a transaction takes and is held only while it
 * commits), and filled here for the lists published before.
 */
export class Stats1763701700000 implements MigrationInterface {
  name = 'Stats1763701700000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "open_data_changes" (
        "challenge_id" uuid NOT NULL,
        "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_open_data_changes" PRIMARY KEY ("challenge_id"),
        CONSTRAINT "fk_open_data_changes_challenge" FOREIGN KEY ("challenge_id") REFERENCES "challenges"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_open_data_changes_changed" ON "open_data_changes" ("changed_at", "challenge_id")`,
    );

    // Moves a list's change time forward, never back (a test clock set back changes nothing).
    await queryRunner.query(`
      CREATE FUNCTION jb_open_data_touch(p_challenge uuid, p_at timestamptz) RETURNS void
      LANGUAGE sql AS $$
        INSERT INTO open_data_changes (challenge_id, changed_at) VALUES (p_challenge, p_at)
        ON CONFLICT (challenge_id) DO UPDATE SET changed_at = EXCLUDED.changed_at
        WHERE open_data_changes.changed_at < EXCLUDED.changed_at
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION jb_open_data_challenge_changed() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.published_at IS NOT NULL THEN
          PERFORM jb_open_data_touch(NEW.id, NEW.updated_at);
        END IF;
        RETURN NULL;
      END $$`);
    // projects and payments carry their list's id.
    await queryRunner.query(`
      CREATE FUNCTION jb_open_data_part_changed() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM jb_open_data_touch(NEW.challenge_id, NEW.updated_at);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION jb_open_data_milestone_changed() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM jb_open_data_touch((SELECT challenge_id FROM projects WHERE id = NEW.project_id), NEW.updated_at);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER "open_data_challenges" AFTER INSERT OR UPDATE ON "challenges"
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION jb_open_data_challenge_changed()`);
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER "open_data_projects" AFTER INSERT OR UPDATE ON "projects"
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION jb_open_data_part_changed()`);
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER "open_data_payments" AFTER INSERT OR UPDATE ON "payments"
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION jb_open_data_part_changed()`);
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER "open_data_project_milestones" AFTER INSERT OR UPDATE ON "project_milestones"
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION jb_open_data_milestone_changed()`);

    await queryRunner.query(`
      INSERT INTO open_data_changes (challenge_id, changed_at)
      SELECT c.id, GREATEST(
        c.updated_at,
        (SELECT max(p.updated_at) FROM projects p WHERE p.challenge_id = c.id),
        (SELECT max(m.updated_at) FROM project_milestones m JOIN projects p ON p.id = m.project_id
          WHERE p.challenge_id = c.id),
        (SELECT max(pay.updated_at) FROM payments pay WHERE pay.challenge_id = c.id))
      FROM challenges c
      WHERE c.published_at IS NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "open_data_project_milestones" ON "project_milestones"`);
    await queryRunner.query(`DROP TRIGGER "open_data_payments" ON "payments"`);
    await queryRunner.query(`DROP TRIGGER "open_data_projects" ON "projects"`);
    await queryRunner.query(`DROP TRIGGER "open_data_challenges" ON "challenges"`);
    await queryRunner.query(`DROP FUNCTION jb_open_data_milestone_changed()`);
    await queryRunner.query(`DROP FUNCTION jb_open_data_part_changed()`);
    await queryRunner.query(`DROP FUNCTION jb_open_data_challenge_changed()`);
    await queryRunner.query(`DROP FUNCTION jb_open_data_touch(uuid, timestamptz)`);
    await queryRunner.query(`DROP TABLE "open_data_changes"`);
  }
}
