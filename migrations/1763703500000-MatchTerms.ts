import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Matching (ADR 0060): `match_documents` (a subject's weighted terms, chains, region, TRL; GIN over
 * the terms), `match_terms` (the postings, w/D, read index-only by (subject_kind, term) INCLUDE
 * (subject_id, weight)) and `match_term_stats` (document frequency per kind and term, the IDF over
 * the library). Terms are COLLATE "C": code point order, the order MatchIndex sorts them in.
 */
export class MatchTerms1763703500000 implements MigrationInterface {
  name = 'MatchTerms1763703500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "match_documents" (
        "subject_kind" text NOT NULL,
        "subject_id" uuid NOT NULL,
        "chains" text[] NOT NULL,
        "region" character varying(6),
        "trl" smallint,
        "terms" text[] COLLATE "C" NOT NULL,
        "weights" real[] NOT NULL,
        "norm" real NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "ck_match_documents_kind" CHECK ("subject_kind" IN ('need', 'result', 'team', 'expert')),
        CONSTRAINT "ck_match_documents_trl" CHECK ("trl" BETWEEN 1 AND 9),
        CONSTRAINT "ck_match_documents_terms" CHECK (cardinality("terms") = cardinality("weights")),
        CONSTRAINT "pk_match_documents" PRIMARY KEY ("subject_kind", "subject_id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_match_documents_terms" ON "match_documents" USING gin ("terms")`,
    );
    await queryRunner.query(`
      CREATE TABLE "match_terms" (
        "subject_kind" text NOT NULL,
        "subject_id" uuid NOT NULL,
        "term" text COLLATE "C" NOT NULL,
        "weight" real NOT NULL,
        CONSTRAINT "pk_match_terms" PRIMARY KEY ("subject_kind", "subject_id", "term")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_match_terms_postings" ON "match_terms" ("subject_kind", "term") INCLUDE ("subject_id", "weight")`,
    );
    await queryRunner.query(`
      CREATE TABLE "match_term_stats" (
        "subject_kind" text NOT NULL,
        "term" text COLLATE "C" NOT NULL,
        "documents" integer NOT NULL,
        CONSTRAINT "pk_match_term_stats" PRIMARY KEY ("subject_kind", "term")
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "match_term_stats"`);
    await queryRunner.query(`DROP TABLE "match_terms"`);
    await queryRunner.query(`DROP TABLE "match_documents"`);
  }
}
