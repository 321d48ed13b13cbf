import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ProjectEntity } from '../../projects/entities/project.entity';
import { UserEntity } from '../../../platform/users/entities/user.entity';

/**
 * requested: the panel is at work; conditional: passed with conditions, waiting for the admin's
 * confirmation before conditionsDueAt; passed / failed: final (ADR 0029).
 */
export const ACCEPTANCE_STATUSES = ['requested', 'conditional', 'passed', 'failed'] as const;
export type AcceptanceStatus = (typeof ACCEPTANCE_STATUSES)[number];

export const ACCEPTANCE_OUTCOMES = ['passed', 'passed_with_conditions', 'failed'] as const;
export type AcceptanceOutcome = (typeof ACCEPTANCE_OUTCOMES)[number];

/** met / not_met: the admin's confirmation; expired: the due date passed unconfirmed (the job). */
export const CONDITIONS_RESOLUTIONS = ['met', 'not_met', 'expired'] as const;
export type ConditionsResolution = (typeof CONDITIONS_RESOLUTIONS)[number];

/** One measured value per task-book indicator, with the committed value as it was at the request. */
export interface Measurement {
  indicatorId: string;
  name: string;
  unit: string;
  targetValue: string;
  committedValue: string;
  measuredValue: string;
}

/**
 * An acceptance (验收) of a project: the applicant's request (measured values, evidence, summary),
 * the seeded panel draw, and the admin's decision with the issuer's opinion (ADR 0029).
 */
@Entity('acceptances')
@Index('ix_acceptances_project', ['projectId'])
@Check('ck_acceptances_status', `"status" IN ('requested', 'conditional', 'passed', 'failed')`)
@Check(
  'ck_acceptances_outcome',
  `"outcome" IS NULL OR "outcome" IN ('passed', 'passed_with_conditions', 'failed')`,
)
@Check(
  'ck_acceptances_conditions_resolution',
  `"conditions_resolution" IS NULL OR "conditions_resolution" IN ('met', 'not_met', 'expired')`,
)
@Check('ck_acceptances_trl_verdict', `"trl_verdict" IS NULL OR "trl_verdict" BETWEEN 1 AND 9`)
@Check('ck_acceptances_exemption', `"due_diligence_exemption" = false OR "status" = 'failed'`)
export class AcceptanceEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  projectId: string;

  @ManyToOne(() => ProjectEntity)
  @JoinColumn({ name: 'project_id', foreignKeyConstraintName: 'fk_acceptances_project' })
  project?: ProjectEntity;

  @Column({ type: 'text' })
  status: AcceptanceStatus;

  @Column({ type: 'jsonb' })
  measurements: Measurement[];

  @Column({ type: 'jsonb' })
  evidenceAttachmentIds: string[];

  @Column({ type: 'text' })
  summary: string;

  /** The consortium organizations of the team at the request (parties, read-only). */
  @Column({ type: 'jsonb' })
  consortiumOrganizationIds: string[];

  @Column({ type: 'uuid' })
  requestedBy: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'requested_by', foreignKeyConstraintName: 'fk_acceptances_requested_by' })
  requester?: UserEntity;

  @Column({ type: 'timestamptz' })
  requestedAt: Date;

  /** The panel draw's seed (32 random bytes, hex), also in the audit event. */
  @Column({ type: 'text' })
  seed: string;

  @Column({ type: 'timestamptz' })
  drawnAt: Date;

  @Column({ type: 'text', nullable: true })
  outcome: AcceptanceOutcome | null;

  @Column({ type: 'text', nullable: true })
  decisionReason: string | null;

  /** The issuer's opinion (发榜方意见), recorded by the admin with the decision. */
  @Column({ type: 'text', nullable: true })
  issuerOpinion: string | null;

  /** Why the admin decided before every active member submitted its verdicts. */
  @Column({ type: 'text', nullable: true })
  closeReason: string | null;

  @Column({ type: 'boolean', default: false })
  dueDiligenceExemption: boolean;

  /**
   * The panel's technology readiness level (GB/T 22900, 1–9), recorded with the decision: the
   * result drafted from a passed acceptance carries it as its verified TRL (docs/adr/0059).
   */
  @Column({ type: 'integer', nullable: true })
  trlVerdict: number | null;

  @Column({ type: 'text', nullable: true })
  conditions: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  conditionsDueAt: Date | null;

  @Column({ type: 'text', nullable: true })
  conditionsResolution: ConditionsResolution | null;

  @Column({ type: 'text', nullable: true })
  conditionsReason: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  conditionsResolvedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  decidedBy: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'decided_by', foreignKeyConstraintName: 'fk_acceptances_decided_by' })
  decider?: UserEntity;

  @Column({ type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
