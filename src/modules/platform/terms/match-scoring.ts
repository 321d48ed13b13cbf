import type { TermCounts } from './terms.service';

/**
 * The scoring of a match (ADR 0060) as pure functions, so that the SQL of MatchIndex, the
 * explanation and the expert draw compute the same numbers.
 *
 * A subject's stored term weight is w = 1 + ln(tf) (sublinear term frequency) and its norm
 * D = √Σw². A query term t has idf(t) = ln(1 + N / (df(t) + 0.5)) over the library of the target
 * kind (N documents, df(t) of them hold t), and the query's norm is Q = √Σ(w_q·idf)². A shared term
 * contributes (w_q·idf/Q) · (w_d/D) · (idf/idfMax) with idfMax = ln(1 + 2N): the sum is in [0, 1]
 * (Cauchy–Schwarz) and a rare shared term weighs more than a common one.
 *
 * The other parts only boost a subject that shares terms: score = terms × (0.6 + 0.25·chain +
 * 0.1·trl + 0.05·region), so no match is ever made from a chain, a TRL or a region alone.
 */

export const SUBJECT_KINDS = ['need', 'result', 'team', 'expert'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** What a caller gives MatchIndex of a subject: its PUBLIC fields only. */
export interface MatchSubject {
  /** Public texts only (title, public summary, abstract …): never confidential details. */
  texts: string[];
  keywords?: string[];
  /** Industry chain codes. */
  chains?: string[];
  /** 6-digit administrative division code. */
  region?: string | null;
  /** Technology readiness level 1–9 (GB/T 22900): needed for a need, reached for a result. */
  trl?: number | null;
}

/** Terms sorted (code point order), their weights w = 1 + ln(tf), and the norm √Σw². */
export interface WeightedTerms {
  terms: string[];
  weights: number[];
  norm: number;
}

export const SCORE_FACTORS = { base: 0.6, chain: 0.25, trl: 0.1, region: 0.05 } as const;

export function weighTerms(counts: TermCounts): WeightedTerms {
  const terms = [...counts.keys()].sort(codePointOrder);
  const weights = terms.map((t) => round6(1 + Math.log(counts.get(t) ?? 1)));
  const norm = round6(Math.sqrt(weights.reduce((s, w) => s + w * w, 0)));
  return { terms, weights, norm };
}

export function codePointOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function idf(documents: number, libraryDocuments: number): number {
  return Math.log(1 + libraryDocuments / (documents + 0.5));
}

/** Per query term, the coefficient that multiplies a document's w/D: (w_q·idf/Q)·(idf/idfMax). */
export function queryCoefficients(
  query: WeightedTerms,
  documentFrequency: Map<string, number>,
  libraryDocuments: number,
): Map<string, number> {
  const idfMax = idf(0, libraryDocuments) || 1;
  const idfs = query.terms.map((t) => idf(documentFrequency.get(t) ?? 0, libraryDocuments));
  const q = Math.sqrt(query.weights.reduce((s, w, i) => s + (w * idfs[i]) ** 2, 0)) || 1;
  return new Map(query.terms.map((t, i) => [t, (query.weights[i] * idfs[i] * idfs[i]) / (q * idfMax)]));
}

export interface SharedTerm {
  term: string;
  /** This term's part of the term score. */
  weight: number;
}

/** The shared terms with their contributions, heaviest first, and their sum. */
export function termScore(
  coefficients: Map<string, number>,
  candidate: WeightedTerms,
): { score: number; shared: SharedTerm[] } {
  const shared: SharedTerm[] = [];
  candidate.terms.forEach((term, i) => {
    const c = coefficients.get(term);
    if (c !== undefined && candidate.norm > 0)
      shared.push({ term, weight: (c * candidate.weights[i]) / candidate.norm });
  });
  shared.sort((a, b) => b.weight - a.weight || codePointOrder(a.term, b.term));
  const score = shared.reduce((s, t) => s + t.weight, 0);
  return { score, shared: shared.map((t) => ({ term: t.term, weight: round4(t.weight) })) };
}

/** 1 when the result reaches the TRL the need asks for, falling by ⅓ per level short; 0.5 when unknown. */
export function trlFit(needed: number | null | undefined, reached: number | null | undefined): number {
  if (needed == null || reached == null) return 0.5;
  return reached >= needed ? 1 : Math.max(0, 1 - (needed - reached) / 3);
}

/** 1 in the same city (first 4 digits), 0.5 in the same province (first 2), else 0. */
export function regionFit(a: string | null | undefined, b: string | null | undefined): number {
  if (!a || !b) return 0;
  if (a.slice(0, 4) === b.slice(0, 4)) return 1;
  return a.slice(0, 2) === b.slice(0, 2) ? 0.5 : 0;
}

export function combinedScore(terms: number, chain: number, trl: number, region: number): number {
  const f = SCORE_FACTORS;
  return terms * (f.base + f.chain * chain + f.trl * trl + f.region * region);
}

/**
 * The fit of an expert to a list for the panel draw: the cosine of their term weights (no
 * library IDF, so the draw depends only on the list's and the experts' public fields and stays
 * replayable), with the shared terms. 0 when they share no term.
 */
export function cosineFit(query: WeightedTerms, candidate: WeightedTerms): { fit: number; shared: string[] } {
  const weightOf = new Map(query.terms.map((t, i) => [t, query.weights[i]]));
  let dot = 0;
  const shared: string[] = [];
  candidate.terms.forEach((t, i) => {
    const w = weightOf.get(t);
    if (w === undefined) return;
    dot += w * candidate.weights[i];
    shared.push(t);
  });
  const fit = query.norm > 0 && candidate.norm > 0 ? dot / (query.norm * candidate.norm) : 0;
  return { fit: round6(fit), shared };
}

export const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;
export const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
