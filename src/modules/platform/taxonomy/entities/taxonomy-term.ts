import { Column, PrimaryColumn } from 'typeorm';

/**
 * The columns shared by every taxonomy table (industry chains, categories): a stable code other
 * records reference, bilingual names, an order, and an active flag instead of deletion.
 */
export abstract class TaxonomyTerm {
  /** Lowercase slug, immutable: challenges and expert profiles store it. */
  @PrimaryColumn({ type: 'text' })
  code: string;

  @Column({ type: 'text' })
  nameZh: string;

  @Column({ type: 'text' })
  nameEn: string;

  @Column({ type: 'integer' })
  sortOrder: number;

  /** Inactive terms stay readable (old challenges reference them) but new records may not use them. */
  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
