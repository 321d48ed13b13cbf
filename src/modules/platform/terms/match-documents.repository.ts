import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { SubjectKind, WeightedTerms } from './match-scoring';

/** A stored subject of matching, as the scoring reads it. */
export interface StoredSubject extends WeightedTerms {
  kind: SubjectKind;
  id: string;
  chains: string[];
  region: string | null;
  trl: number | null;
}

export interface DocumentRow {
  subjectKind: SubjectKind;
  subjectId: string;
  chains: string[];
  region: string | null;
  trl: number | null;
  terms: WeightedTerms;
  updatedAt: Date;
}

interface Row {
  subject_kind: SubjectKind;
  subject_id: string;
  chains: string[];
  region: string | null;
  trl: number | null;
  terms: string[];
  weights: number[];
  norm: number;
}

const COLUMNS = `subject_kind, subject_id, chains, region, trl, terms, weights, norm`;

const toSubject = (r: Row): StoredSubject => ({
  kind: r.subject_kind,
  id: r.subject_id,
  chains: r.chains,
  region: r.region,
  trl: r.trl,
  terms: r.terms,
  weights: r.weights.map(Number),
  norm: Number(r.norm),
});

/** The matching tables (match_documents, match_terms, match_term_stats): MatchIndex's only SQL. */
@Injectable()
export class MatchDocumentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  manager(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  /** The stored terms of a subject, its row locked FOR UPDATE; null when it is not indexed. */
  async lockTerms(em: EntityManager, kind: SubjectKind, id: string): Promise<string[] | null> {
    const [row] = await em.query<Array<{ terms: string[] }>>(
      `SELECT terms FROM match_documents WHERE subject_kind = $1 AND subject_id = $2 FOR UPDATE`,
      [kind, id],
    );
    return row ? row.terms : null;
  }

  async find(kind: SubjectKind, id: string, em?: EntityManager): Promise<StoredSubject | null> {
    const [row] = await this.manager(em).query<Row[]>(
      `SELECT ${COLUMNS} FROM match_documents WHERE subject_kind = $1 AND subject_id = $2`,
      [kind, id],
    );
    return row ? toSubject(row) : null;
  }

  async findMany(kind: SubjectKind, ids: string[], em?: EntityManager): Promise<StoredSubject[]> {
    if (!ids.length) return [];
    const rows = await this.manager(em).query<Row[]>(
      `SELECT ${COLUMNS} FROM match_documents WHERE subject_kind = $1 AND subject_id = ANY($2::uuid[])`,
      [kind, ids],
    );
    return rows.map(toSubject);
  }

  /** Adds `delta` (±1) to the document frequency of each term, in code point order (no deadlock). */
  async adjustFrequencies(
    em: EntityManager,
    kind: SubjectKind,
    terms: string[],
    delta: number,
  ): Promise<void> {
    if (!terms.length) return;
    await em.query(
      `INSERT INTO match_term_stats (subject_kind, term, documents)
       SELECT $1, t, $3 FROM unnest($2::text[]) AS t ORDER BY t COLLATE "C"
       ON CONFLICT (subject_kind, term) DO UPDATE SET documents = match_term_stats.documents + EXCLUDED.documents`,
      [kind, terms, delta],
    );
  }

  /** Writes the document and its postings (w/D), replacing what was stored. */
  async replace(em: EntityManager, row: DocumentRow): Promise<void> {
    const { terms: t } = row;
    await em.query(`DELETE FROM match_terms WHERE subject_kind = $1 AND subject_id = $2`, [
      row.subjectKind,
      row.subjectId,
    ]);
    await em.query(
      `INSERT INTO match_documents (${COLUMNS}, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (subject_kind, subject_id) DO UPDATE SET chains = EXCLUDED.chains,
         region = EXCLUDED.region, trl = EXCLUDED.trl, terms = EXCLUDED.terms,
         weights = EXCLUDED.weights, norm = EXCLUDED.norm, updated_at = EXCLUDED.updated_at`,
      [
        row.subjectKind,
        row.subjectId,
        row.chains,
        row.region,
        row.trl,
        t.terms,
        t.weights,
        t.norm,
        row.updatedAt,
      ],
    );
    if (!t.terms.length) return;
    await em.query(
      `INSERT INTO match_terms (subject_kind, subject_id, term, weight)
       SELECT $1, $2, term, w / $5 FROM unnest($3::text[], $4::real[]) AS p(term, w)`,
      [row.subjectKind, row.subjectId, t.terms, t.weights, t.norm || 1],
    );
  }

  async delete(em: EntityManager, kind: SubjectKind, id: string): Promise<void> {
    await em.query(`DELETE FROM match_terms WHERE subject_kind = $1 AND subject_id = $2`, [kind, id]);
    await em.query(`DELETE FROM match_documents WHERE subject_kind = $1 AND subject_id = $2`, [kind, id]);
  }

  /** N and df(t) of the query's terms among the subjects of `kind`. */
  async frequencies(
    kind: SubjectKind,
    terms: string[],
    em?: EntityManager,
  ): Promise<{ documents: number; frequency: Map<string, number> }> {
    const m = this.manager(em);
    const [count] = await m.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM match_documents WHERE subject_kind = $1`,
      [kind],
    );
    const rows = terms.length
      ? await m.query<Array<{ term: string; documents: number }>>(
          `SELECT term, documents FROM match_term_stats WHERE subject_kind = $1 AND term = ANY($2::text[])
             AND documents > 0`,
          [kind, terms],
        )
      : [];
    return { documents: count.n, frequency: new Map(rows.map((r) => [r.term, r.documents])) };
  }

  /**
   * Candidate generation: the subjects of `kind` sharing one of the given terms, by their term
   * score Σ coefficient × (w/D) over those terms (one index-only scan of the terms' postings and a
   * sum per subject), best first.
   */
  async candidates(
    kind: SubjectKind,
    coefficients: Map<string, number>,
    exclude: string | null,
    limit: number,
    em?: EntityManager,
  ): Promise<string[]> {
    if (!coefficients.size) return [];
    const rows = await this.manager(em).query<Array<{ subject_id: string }>>(
      `SELECT p.subject_id FROM unnest($2::text[], $3::float8[]) AS q(term, coef)
         JOIN match_terms p ON p.subject_kind = $1 AND p.term = q.term
       WHERE p.subject_id IS DISTINCT FROM $4::uuid
       GROUP BY p.subject_id ORDER BY sum(q.coef * p.weight) DESC, p.subject_id LIMIT $5`,
      [kind, [...coefficients.keys()], [...coefficients.values()], exclude, limit],
    );
    return rows.map((r) => r.subject_id);
  }

  /**
   * The baseline of the bench: the same term score computed over every subject of `kind` from
   * its stored arrays (a sequential scan, no index), best first.
   */
  async scanEvery(
    kind: SubjectKind,
    coefficients: Map<string, number>,
    limit: number,
    em?: EntityManager,
  ): Promise<string[]> {
    const rows = await this.manager(em).query<Array<{ subject_id: string }>>(
      `SELECT d.subject_id FROM match_documents d,
         LATERAL (SELECT coalesce(sum(q.coef * p.w), 0) / nullif(d.norm, 0) AS s
                  FROM unnest(d.terms, d.weights) AS p(term, w)
                  JOIN unnest($2::text[], $3::float8[]) AS q(term, coef) ON q.term = p.term) x
       WHERE d.subject_kind = $1 AND x.s > 0
       ORDER BY x.s DESC, d.subject_id LIMIT $4`,
      [kind, [...coefficients.keys()], [...coefficients.values()], limit],
    );
    return rows.map((r) => r.subject_id);
  }
}
