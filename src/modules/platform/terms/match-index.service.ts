import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { MatchDocumentsRepository, StoredSubject } from './match-documents.repository';
import {
  combinedScore,
  MatchSubject,
  queryCoefficients,
  regionFit,
  round4,
  SharedTerm,
  SubjectKind,
  termScore,
  trlFit,
  weighTerms,
  WeightedTerms,
} from './match-scoring';
import { TermsService } from './terms.service';

/** A scored, explained suggestion: never a bare number (TRANSFER.md "Matching"). */
export interface Match {
  kind: SubjectKind;
  id: string;
  /** 0..1: terms × (0.6 + 0.25·chain + 0.1·trl + 0.05·region), see match-scoring.ts. */
  score: number;
  explanation: MatchExplanation;
}

export interface MatchExplanation {
  /** The shared terms, heaviest first, each with its part of the term score (TF-IDF over the library). */
  terms: { score: number; shared: SharedTerm[] };
  chain: { overlap: string[]; score: number };
  /** TRL asked by the query subject (a need) and reached by the candidate (a result). */
  trl: { query: number | null; candidate: number | null; fit: number };
  region: { query: string | null; candidate: string | null; fit: number };
}

/** Candidates re-ranked with every part of the score, per answer. */
const RERANK_POOL = 100;
/** The query's postings read for candidate generation, at most (rarest terms first). */
const POSTINGS_BUDGET = 40_000;

/**
 * The matching index (ADR 0060): subjects' public text segmented into terms (TermsService), stored
 * weighted in PostgreSQL with an inverted index, and the best matches of a subject among another
 * kind with their explanation. Owners call `index` in their own transaction whenever a subject's
 * public fields change, and `remove` when it leaves the library; they pass public fields only.
 */
@Injectable()
export class MatchIndex {
  constructor(
    private readonly documents: MatchDocumentsRepository,
    private readonly termsService: TermsService,
    private readonly clock: Clock,
  ) {}

  /** Indexes (or re-indexes) a subject from its public fields, in the caller's transaction. */
  async index(kind: SubjectKind, id: string, subject: MatchSubject, manager?: EntityManager): Promise<void> {
    const weighted = this.weigh(subject);
    await this.inTransaction(manager, async (em) => {
      const before = (await this.documents.lockTerms(em, kind, id)) ?? [];
      const after = new Set(weighted.terms);
      const removed = before.filter((t) => !after.has(t));
      const added = weighted.terms.filter((t) => !before.includes(t));
      await this.documents.adjustFrequencies(em, kind, removed, -1);
      await this.documents.adjustFrequencies(em, kind, added, 1);
      await this.documents.replace(em, {
        subjectKind: kind,
        subjectId: id,
        chains: [...new Set(subject.chains ?? [])].sort(),
        region: subject.region ?? null,
        trl: subject.trl ?? null,
        terms: weighted,
        updatedAt: this.clock.now(),
      });
    });
  }

  /** Takes a subject out of the library (nothing when it was not indexed). */
  async remove(kind: SubjectKind, id: string, manager?: EntityManager): Promise<void> {
    await this.inTransaction(manager, async (em) => {
      const before = await this.documents.lockTerms(em, kind, id);
      if (before === null) return;
      await this.documents.adjustFrequencies(em, kind, before, -1);
      await this.documents.delete(em, kind, id);
    });
  }

  /** The best `limit` subjects of `targetKind` for an indexed subject; 404 when it is not indexed. */
  async topMatches(
    kind: SubjectKind,
    id: string,
    targetKind: SubjectKind,
    limit: number,
    manager?: EntityManager,
  ): Promise<Match[]> {
    const query = await this.documents.find(kind, id, manager);
    if (!query) throw DomainError.notFound('Match subject');
    return this.rank(query, targetKind, limit, kind === targetKind ? id : null, manager);
  }

  /** The same for a subject not (yet) indexed, from its public fields. */
  topMatchesFor(
    subject: MatchSubject,
    targetKind: SubjectKind,
    limit: number,
    manager?: EntityManager,
  ): Promise<Match[]> {
    const query = this.asStored(subject);
    return this.rank(query, targetKind, limit, null, manager);
  }

  /** Term weights of a subject's public fields (for a fit computed outside the library: the draw). */
  weigh(subject: Pick<MatchSubject, 'texts' | 'keywords'>): WeightedTerms {
    return weighTerms(this.termsService.count(subject.texts, subject.keywords ?? []));
  }

  /**
   * The bench's baseline: the same term score over every stored subject of `targetKind` (a
   * sequential scan), ids best first. Not for requests.
   */
  async scanBaseline(
    kind: SubjectKind,
    id: string,
    targetKind: SubjectKind,
    limit: number,
  ): Promise<string[]> {
    const query = await this.documents.find(kind, id);
    if (!query) throw DomainError.notFound('Match subject');
    const { documents, frequency } = await this.documents.frequencies(targetKind, query.terms);
    return this.documents.scanEvery(targetKind, queryCoefficients(query, frequency, documents), limit);
  }

  // — helpers —

  private async rank(
    query: StoredSubject,
    targetKind: SubjectKind,
    limit: number,
    exclude: string | null,
    em?: EntityManager,
  ): Promise<Match[]> {
    const { documents, frequency } = await this.documents.frequencies(targetKind, query.terms, em);
    const coefficients = queryCoefficients(query, frequency, documents);
    const ids = await this.documents.candidates(
      targetKind,
      candidateTerms(coefficients, frequency),
      exclude,
      Math.max(RERANK_POOL, limit),
      em,
    );
    const candidates = await this.documents.findMany(targetKind, ids, em);
    return candidates
      .map((c) => explain(query, c, coefficients))
      .filter((m) => m.score > 0)
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
      .slice(0, limit);
  }

  private asStored(subject: MatchSubject): StoredSubject {
    return {
      kind: 'need',
      id: '',
      ...this.weigh(subject),
      chains: subject.chains ?? [],
      region: subject.region ?? null,
      trl: subject.trl ?? null,
    };
  }

  private async inTransaction(
    manager: EntityManager | undefined,
    work: (em: EntityManager) => Promise<void>,
  ) {
    if (manager?.queryRunner?.isTransactionActive) return work(manager);
    return this.documents.manager(manager).transaction(work);
  }
}

/**
 * The query terms that generate candidates: those the library holds, heaviest coefficient first,
 * while their postings stay within the budget (always the first three).
 */
function candidateTerms(
  coefficients: Map<string, number>,
  frequency: Map<string, number>,
): Map<string, number> {
  const held = [...coefficients].filter(([t]) => (frequency.get(t) ?? 0) > 0).sort((a, b) => b[1] - a[1]);
  const chosen = new Map<string, number>();
  let postings = 0;
  for (const [term, c] of held) {
    const df = frequency.get(term) ?? 0;
    if (chosen.size >= 3 && postings + df > POSTINGS_BUDGET) continue;
    chosen.set(term, c);
    postings += df;
  }
  return chosen;
}

/** Every part of the score of one candidate, from the stored rows. */
export function explain(
  query: StoredSubject,
  candidate: StoredSubject,
  coefficients: Map<string, number>,
): Match {
  const terms = termScore(coefficients, candidate);
  const overlap = candidate.chains.filter((c) => query.chains.includes(c));
  const chain = overlap.length ? 1 : 0;
  const trl = trlFit(query.trl, candidate.trl);
  const region = regionFit(query.region, candidate.region);
  return {
    kind: candidate.kind,
    id: candidate.id,
    score: round4(combinedScore(terms.score, chain, trl, region)),
    explanation: {
      terms: { score: round4(terms.score), shared: terms.shared },
      chain: { overlap, score: chain },
      trl: { query: query.trl, candidate: candidate.trl, fit: round4(trl) },
      region: { query: query.region, candidate: candidate.region, fit: region },
    },
  };
}
