import { bigintNumber } from '../../../../infra/database/transformers';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ResultEntity } from './result.entity';
import type { UtilisationStatus } from '../results-status';

/** What the holder reports: whether and how the result is used. */
export const UTILISATION_KINDS = [
  'not_used',
  'own_production',
  'licensed',
  'assigned',
  'joint_development',
  'equity',
  'other',
] as const;
export type UtilisationKind = (typeof UTILISATION_KINDS)[number];

/** One yearly utilisation report of a result of an accepted project (docs/adr/0059). */
@Entity('result_utilisation_reports')
@Index('uq_result_utilisation_reports_year', ['resultId', 'year'], { unique: true })
@Check(
  'ck_result_utilisation_reports_status',
  `"status" IN ('scheduled', 'requested', 'reported', 'overdue')`,
)
export class ResultUtilisationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  resultId: string;

  @ManyToOne(() => ResultEntity)
  @JoinColumn({ name: 'result_id', foreignKeyConstraintName: 'fk_result_utilisation_reports_result' })
  result?: ResultEntity;

  /** 1 … RESULT_UTILISATION_YEARS. */
  @Column({ type: 'integer' })
  year: number;

  @Column({ type: 'text' })
  status: UtilisationStatus;

  /** When the holder is asked. */
  @Column({ type: 'timestamptz' })
  requestAt: Date;

  @Column({ type: 'timestamptz' })
  dueAt: Date;

  @Column({ type: 'boolean', nullable: true })
  used: boolean | null;

  @Column({ type: 'jsonb', nullable: true })
  kinds: UtilisationKind[] | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintNumber })
  revenueFen: number | null;

  @Column({ type: 'uuid', nullable: true })
  reportedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  reportedAt: Date | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
