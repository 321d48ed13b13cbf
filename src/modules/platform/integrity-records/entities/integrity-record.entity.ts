import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const INTEGRITY_SUBJECTS = ['user', 'organization'] as const;
export type IntegritySubject = (typeof INTEGRITY_SUBJECTS)[number];

/**
 * A research-integrity record (科研诚信): written when a project fails acceptance without the
 * due-diligence exemption; shown (never silently applied) by the formal check of later applications.
 */
@Entity('integrity_records')
@Index('ix_integrity_records_subject', ['subjectType', 'subjectId'])
@Index('ix_integrity_records_recorded', ['recordedAt', 'id'])
@Check('ck_integrity_records_subject', `"subject_type" IN ('user', 'organization')`)
export class IntegrityRecordEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  subjectType: IntegritySubject;

  @Column({ type: 'uuid' })
  subjectId: string;

  @Column({ type: 'text' })
  reason: string;

  /** What produced it, e.g. `acceptance` (sourceId: the acceptance's id). */
  @Column({ type: 'text' })
  sourceType: string;

  @Column({ type: 'uuid', nullable: true })
  sourceId: string | null;

  @Column({ type: 'timestamptz' })
  recordedAt: Date;
}
