import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Document frequency of a term among the subjects of one kind (the IDF of TF-IDF over the
 * library, ADR 0060): kept by MatchIndex with every index and remove, terms updated in code point
 * order so that two writers never wait on each other in a circle.
 */
@Entity('match_term_stats')
export class MatchTermStatEntity {
  @PrimaryColumn({ type: 'text' })
  subjectKind: string;

  @PrimaryColumn({ type: 'text', collation: 'C' })
  term: string;

  @Column({ type: 'integer' })
  documents: number;
}
