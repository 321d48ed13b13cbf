import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One subject of matching (a need, a result, a team, an expert) as MatchIndex keeps it (ADR 0060):
 * the weighted terms of its public text (sorted, w = 1 + ln tf, and their norm), its industry
 * chains, region and TRL. Its postings are rows of `match_terms`. Written only by MatchIndex, in
 * the owner's transaction; the owner's rows stay where they are.
 */
@Entity('match_documents')
@Check('ck_match_documents_kind', `"subject_kind" IN ('need', 'result', 'team', 'expert')`)
@Check('ck_match_documents_trl', `"trl" BETWEEN 1 AND 9`)
@Check('ck_match_documents_terms', `cardinality("terms") = cardinality("weights")`)
// GIN over the terms (terms && ARRAY[…]): TypeORM cannot describe the method.
@Index('ix_match_documents_terms', { synchronize: false })
export class MatchDocumentEntity {
  @PrimaryColumn({ type: 'text' })
  subjectKind: string;

  @PrimaryColumn({ type: 'uuid' })
  subjectId: string;

  @Column({ type: 'text', array: true })
  chains: string[];

  @Column({ type: 'varchar', length: 6, nullable: true })
  region: string | null;

  @Column({ type: 'smallint', nullable: true })
  trl: number | null;

  /** Sorted in code point order (COLLATE "C"), distinct. */
  @Column({ type: 'text', array: true, collation: 'C' })
  terms: string[];

  /** 1 + ln(tf), one per term. */
  @Column({ type: 'real', array: true })
  weights: number[];

  /** √Σ weights². */
  @Column({ type: 'real' })
  norm: number;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
