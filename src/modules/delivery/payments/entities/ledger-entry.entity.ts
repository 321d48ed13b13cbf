import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '../../../../infra/database/transformers';
import { ChallengeEntity } from '../../../call/challenges/entities/challenge.entity';
import { ProjectEntity } from '../../projects/entities/project.entity';
import { PaymentEntity } from './payment.entity';
import type { Payer } from './payment.entity';

export const LEDGER_ENTRY_KINDS = ['scheduled', 'approved', 'paid', 'cancelled', 'released'] as const;
export type LedgerEntryKind = (typeof LEDGER_ENTRY_KINDS)[number];

/**
 * One line of the append-only ledger (ADR 0028): a tranche reaching a status (`scheduled`,
 * `approved`, `paid`, `cancelled`: one entry per tranche and status, uq_ledger_entries_payment_kind),
 * or the unspent amount of a payer `released` back to the challenge at termination (no tranche). The
 * `ledger_entries_append_only` trigger refuses every UPDATE and DELETE.
 */
@Entity('ledger_entries')
@Index('uq_ledger_entries_payment_kind', ['paymentId', 'kind'], { unique: true })
@Index('ix_ledger_entries_project', ['projectId'])
@Index('ix_ledger_entries_challenge', ['challengeId'])
@Check('ck_ledger_entries_payer', `"payer" IN ('fiscal', 'issuer')`)
@Check('ck_ledger_entries_kind', `"kind" IN ('scheduled', 'approved', 'paid', 'cancelled', 'released')`)
@Check('ck_ledger_entries_amount', `"amount_fen" > 0`)
@Check('ck_ledger_entries_payment', `("kind" = 'released') = ("payment_id" IS NULL)`)
export class LedgerEntryEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ type: 'uuid', nullable: true })
  paymentId: string | null;

  @ManyToOne(() => PaymentEntity)
  @JoinColumn({ name: 'payment_id', foreignKeyConstraintName: 'fk_ledger_entries_payment' })
  payment?: PaymentEntity;

  @Column({ type: 'uuid' })
  projectId: string;

  @ManyToOne(() => ProjectEntity)
  @JoinColumn({ name: 'project_id', foreignKeyConstraintName: 'fk_ledger_entries_project' })
  project?: ProjectEntity;

  @Column({ type: 'uuid' })
  challengeId: string;

  @ManyToOne(() => ChallengeEntity)
  @JoinColumn({ name: 'challenge_id', foreignKeyConstraintName: 'fk_ledger_entries_challenge' })
  challenge?: ChallengeEntity;

  @Column({ type: 'text' })
  payer: Payer;

  @Column({ type: 'text' })
  kind: LedgerEntryKind;

  @Column({ type: 'bigint', transformer: bigintNumber })
  amountFen: number;

  /** `user`, `api_key`, `system`. */
  @Column({ type: 'text' })
  actorType: string;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'timestamptz' })
  occurredAt: Date;
}
