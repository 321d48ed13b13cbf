import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A posting of the inverted index (ADR 0060): a term of a subject with its weight divided by the
 * subject's norm (w/D), so a query's term score is one index-only scan of its terms' postings
 * and a sum per subject.
 */
@Entity('match_terms')
// (subject_kind, term) INCLUDE (subject_id, weight): the postings of a term, read index-only.
@Index('ix_match_terms_postings', { synchronize: false })
export class MatchTermEntity {
  @PrimaryColumn({ type: 'text' })
  subjectKind: string;

  @PrimaryColumn({ type: 'uuid' })
  subjectId: string;

  @PrimaryColumn({ type: 'text', collation: 'C' })
  term: string;

  /** w / D of the subject. */
  @Column({ type: 'real' })
  weight: number;
}
