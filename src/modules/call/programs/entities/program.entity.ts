import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { effectiveProgramSettings } from '../program-settings';
import type { ProgramSettings, Rubric } from '../program-settings';

/**
 * A program groups the challenges of one call (e.g. "Nanchang 2027 key technologies") and carries the
 * policy settings and the scoring rubric they follow, each a validated JSON document (docs/adr/0016).
 */
@Entity('programs')
@Index('ix_programs_created', ['createdAt', 'id'])
@Index('ix_programs_year_created', ['year', 'createdAt', 'id'])
export class ProgramEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'integer' })
  year: number;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** Always the complete effective document: stored values over the defaults of this release. */
  @Column({
    type: 'jsonb',
    transformer: {
      to: (value: ProgramSettings) => value,
      from: (value: unknown) => effectiveProgramSettings(value),
    },
  })
  settings: ProgramSettings;

  @Column({ type: 'jsonb' })
  rubric: Rubric;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
