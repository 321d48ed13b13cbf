import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Challenge lists (榜单): the list, its indicators, confidential details (a table of their own, so
 * no query of `challenges` can leak them), attachments, amendments, non-disclosure undertakings,
 * watchers and the per-year code counter. Search: pg_trgm GIN over `search_text` (title, public
 * summary, indicator names) for terms of 3+ characters, and a GIN over its character bigrams for
 * 2-character terms (ADR 0018).
 */
export class Challenges1763700600000 implements MigrationInterface {
  name = 'Challenges1763700600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    // Under a non-UTF-8 ctype pg_trgm makes no trigrams of Chinese and search silently finds
    // nothing: refuse to migrate such a database rather than ship a broken search (operations.md).
    await queryRunner.query(`
      DO $$ BEGIN
        IF cardinality(show_trgm('高温超导')) = 0 THEN
          RAISE EXCEPTION 'Database % has ctype %: Chinese search needs a UTF-8 ctype (CREATE DATABASE … ENCODING ''UTF8'' LC_CTYPE ''C.UTF-8'' TEMPLATE template0)',
            current_database(), (SELECT datctype FROM pg_database WHERE datname = current_database());
        END IF;
      END $$`);
    // The distinct lower-case character pairs of a text, pairs with whitespace left out. Linear:
    // split into characters once and pair each with the next. (substr(value, i, 2) per position is
    // quadratic in multibyte text: 5.6 s per INSERT or non-HOT UPDATE of a 15,000-character list,
    // against 20 ms this way; ADR 0018.)
    await queryRunner.query(`
      CREATE FUNCTION jb_bigrams(value text) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT p.a || p.b), '{}')
        FROM (SELECT string_to_array(lower(value), NULL) AS c) AS s,
          unnest(s.c[1:cardinality(s.c) - 1], s.c[2:]) AS p(a, b)
        WHERE p.a || p.b !~ '\\s'
      $$`);
    await queryRunner.query(
      `CREATE TYPE "public"."challenge_status" AS ENUM('draft', 'pending_review', 'published', 'open', 'closed', 'under_review', 'publicity', 'awarded', 'unsuccessful', 'withdrawn', 'cancelled')`,
    );
    await queryRunner.query(`
      CREATE TABLE "challenge_code_counters" (
        "year" integer NOT NULL,
        "last_value" integer NOT NULL,
        CONSTRAINT "pk_challenge_code_counters" PRIMARY KEY ("year")
      )`);
    await queryRunner.query(`
      CREATE TABLE "challenges" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "program_id" uuid NOT NULL,
        "code" text,
        "title" text NOT NULL,
        "category_code" text NOT NULL,
        "industry_chain_code" text NOT NULL,
        "issuer_organization_id" uuid NOT NULL,
        "region_code" character varying(6) NOT NULL,
        "background" text NOT NULL,
        "public_summary" text NOT NULL,
        "expected_outcomes" jsonb NOT NULL,
        "total_fen" bigint NOT NULL,
        "fiscal_fen" bigint NOT NULL,
        "cofunding_fen" bigint NOT NULL,
        "duration_months" integer NOT NULL,
        "opens_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "closes_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "eligibility" jsonb NOT NULL,
        "selection_mode" text NOT NULL,
        "team_count" integer NOT NULL,
        "status" "public"."challenge_status" NOT NULL,
        "status_reason" text,
        "search_text" text NOT NULL,
        "submitted_at" TIMESTAMP WITH TIME ZONE,
        "published_at" TIMESTAMP WITH TIME ZONE,
        "created_by" uuid NOT NULL,
        "version" integer NOT NULL DEFAULT 1,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_challenges" PRIMARY KEY ("id"),
        CONSTRAINT "ck_challenges_amounts" CHECK ("fiscal_fen" >= 0 AND "cofunding_fen" >= 0 AND "total_fen" = "fiscal_fen" + "cofunding_fen" AND "total_fen" > 0),
        CONSTRAINT "ck_challenges_window" CHECK ("closes_at" > "opens_at"),
        CONSTRAINT "ck_challenges_duration" CHECK ("duration_months" BETWEEN 1 AND 120),
        CONSTRAINT "ck_challenges_selection" CHECK (("selection_mode" = 'single' AND "team_count" = 1) OR ("selection_mode" = 'horse_race' AND "team_count" >= 2)),
        CONSTRAINT "ck_challenges_published" CHECK (("code" IS NULL) = ("published_at" IS NULL)),
        CONSTRAINT "fk_challenges_program" FOREIGN KEY ("program_id") REFERENCES "programs"("id"),
        CONSTRAINT "fk_challenges_category" FOREIGN KEY ("category_code") REFERENCES "categories"("code") ON UPDATE CASCADE,
        CONSTRAINT "fk_challenges_industry_chain" FOREIGN KEY ("industry_chain_code") REFERENCES "industry_chains"("code") ON UPDATE CASCADE,
        CONSTRAINT "fk_challenges_issuer" FOREIGN KEY ("issuer_organization_id") REFERENCES "organizations"("id"),
        CONSTRAINT "fk_challenges_created_by" FOREIGN KEY ("created_by") REFERENCES "users"("id")
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_challenges_code" ON "challenges" ("code")`);
    await queryRunner.query(
      `CREATE INDEX "ix_challenges_issuer" ON "challenges" ("issuer_organization_id", "created_at", "id")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_challenges_created" ON "challenges" ("created_at", "id")`);
    await queryRunner.query(`CREATE INDEX "ix_challenges_published" ON "challenges" ("published_at", "id")`);
    await queryRunner.query(`CREATE INDEX "ix_challenges_closes" ON "challenges" ("closes_at", "id")`);
    await queryRunner.query(`CREATE INDEX "ix_challenges_total" ON "challenges" ("total_fen", "id")`);
    await queryRunner.query(
      `CREATE INDEX "ix_challenges_status" ON "challenges" ("status", "closes_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_challenges_program" ON "challenges" ("program_id", "published_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_challenges_category" ON "challenges" ("category_code", "published_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_challenges_industry_chain" ON "challenges" ("industry_chain_code", "published_at", "id")`,
    );
    // Region filters are prefixes (360000 → 36%): text_pattern_ops lets LIKE 'prefix%' use it.
    await queryRunner.query(
      `CREATE INDEX "ix_challenges_region" ON "challenges" ("region_code" varchar_pattern_ops)`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_challenges_search_trgm" ON "challenges" USING gin ("search_text" gin_trgm_ops)`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_challenges_search_bigrams" ON "challenges" USING gin (jb_bigrams("search_text"))`,
    );

    await queryRunner.query(`
      CREATE TABLE "challenge_indicators" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "challenge_id" uuid NOT NULL,
        "position" integer NOT NULL,
        "name" text NOT NULL,
        "target_value" text NOT NULL,
        "unit" text NOT NULL,
        "verification_method" text NOT NULL,
        CONSTRAINT "pk_challenge_indicators" PRIMARY KEY ("id"),
        CONSTRAINT "fk_challenge_indicators_challenge" FOREIGN KEY ("challenge_id") REFERENCES "challenges"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_challenge_indicators_position" ON "challenge_indicators" ("challenge_id", "position")`,
    );

    await queryRunner.query(`
      CREATE TABLE "challenge_confidential" (
        "challenge_id" uuid NOT NULL,
        "details" text NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_challenge_confidential" PRIMARY KEY ("challenge_id"),
        CONSTRAINT "fk_challenge_confidential_challenge" FOREIGN KEY ("challenge_id") REFERENCES "challenges"("id") ON DELETE CASCADE
      )`);

    await queryRunner.query(`
      CREATE TABLE "challenge_attachments" (
        "challenge_id" uuid NOT NULL,
        "attachment_id" uuid NOT NULL,
        "visibility" text NOT NULL,
        "position" integer NOT NULL,
        CONSTRAINT "pk_challenge_attachments" PRIMARY KEY ("challenge_id", "attachment_id"),
        CONSTRAINT "ck_challenge_attachments_visibility" CHECK ("visibility" IN ('public', 'confidential')),
        CONSTRAINT "fk_challenge_attachments_challenge" FOREIGN KEY ("challenge_id") REFERENCES "challenges"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_challenge_attachments_attachment" FOREIGN KEY ("attachment_id") REFERENCES "attachments"("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_challenge_attachments_attachment" ON "challenge_attachments" ("attachment_id")`,
    );

    await queryRunner.query(`
      CREATE TABLE "challenge_amendments" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "challenge_id" uuid NOT NULL,
        "number" integer NOT NULL,
        "reason" text NOT NULL,
        "changes" jsonb NOT NULL,
        "version_after" integer NOT NULL,
        "amended_by" uuid NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_challenge_amendments" PRIMARY KEY ("id"),
        CONSTRAINT "fk_challenge_amendments_challenge" FOREIGN KEY ("challenge_id") REFERENCES "challenges"("id"),
        CONSTRAINT "fk_challenge_amendments_amended_by" FOREIGN KEY ("amended_by") REFERENCES "users"("id")
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_challenge_amendments_number" ON "challenge_amendments" ("challenge_id", "number")`,
    );

    await queryRunner.query(`
      CREATE TABLE "challenge_ndas" (
        "challenge_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "organization_id" uuid NOT NULL,
        "accepted_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_challenge_ndas" PRIMARY KEY ("challenge_id", "user_id"),
        CONSTRAINT "fk_challenge_ndas_challenge" FOREIGN KEY ("challenge_id") REFERENCES "challenges"("id"),
        CONSTRAINT "fk_challenge_ndas_user" FOREIGN KEY ("user_id") REFERENCES "users"("id"),
        CONSTRAINT "fk_challenge_ndas_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id")
      )`);

    await queryRunner.query(`
      CREATE TABLE "challenge_watchers" (
        "challenge_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_challenge_watchers" PRIMARY KEY ("challenge_id", "user_id"),
        CONSTRAINT "fk_challenge_watchers_challenge" FOREIGN KEY ("challenge_id") REFERENCES "challenges"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_challenge_watchers_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "challenge_watchers"`);
    await queryRunner.query(`DROP TABLE "challenge_ndas"`);
    await queryRunner.query(`DROP TABLE "challenge_amendments"`);
    await queryRunner.query(`DROP TABLE "challenge_attachments"`);
    await queryRunner.query(`DROP TABLE "challenge_confidential"`);
    await queryRunner.query(`DROP TABLE "challenge_indicators"`);
    await queryRunner.query(`DROP TABLE "challenges"`);
    await queryRunner.query(`DROP TABLE "challenge_code_counters"`);
    await queryRunner.query(`DROP TYPE "public"."challenge_status"`);
    await queryRunner.query(`DROP FUNCTION jb_bigrams(text)`);
  }
}
