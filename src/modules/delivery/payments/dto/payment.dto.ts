import { ApiProperty } from '@nestjs/swagger';
import { PROJECT_STATUSES } from '../../projects/project-status';
import type { ProjectStatus } from '../../projects/entities/project.entity';
import { LEDGER_ENTRY_KINDS } from '../entities/ledger-entry.entity';
import type { LedgerEntryKind } from '../entities/ledger-entry.entity';
import { PAYERS, PAYMENT_STATUSES, TRANCHE_KINDS } from '../entities/payment.entity';
import type { Payer, PaymentStatus, TrancheKind } from '../entities/payment.entity';
import { EXAMPLE_IDS, EXAMPLE_FEN } from '../../../../common/openapi/examples';

/** A tranche of a project for one payer (ADR 0028). */
export class PaymentDto {
  @ApiProperty({ example: EXAMPLE_IDS.payment, format: 'uuid' })
  id: string;

  @ApiProperty({ example: EXAMPLE_IDS.project, format: 'uuid' })
  projectId: string;

  @ApiProperty({ example: EXAMPLE_IDS.challenge, format: 'uuid' })
  challengeId: string;

  @ApiProperty({ enum: PAYERS, description: 'fiscal (财政) or issuer (发榜方配套)' })
  payer: Payer;

  @ApiProperty({ enum: TRANCHE_KINDS })
  kind: TrancheKind;

  @ApiProperty({
    example: EXAMPLE_IDS.milestone,
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The milestone it pays',
  })
  milestoneId: string | null;

  @ApiProperty({ example: 0, nullable: true, type: Number, description: 'Position of the milestone it pays' })
  milestonePosition: number | null;

  @ApiProperty({ type: 'integer', example: 2, description: 'Order among the tranches of this payer, from 1' })
  sequence: number;

  @ApiProperty({ type: 'integer', example: 450_000_000, description: 'Integer fen' })
  amountFen: number;

  @ApiProperty({ enum: PAYMENT_STATUSES })
  status: PaymentStatus;

  @ApiProperty({ example: '2027-12-29T02:00:00.000Z', format: 'date-time', nullable: true, type: String })
  approvedAt: string | null;

  @ApiProperty({
    example: EXAMPLE_IDS.admin,
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Null when approved by the system',
  })
  approvedBy: string | null;

  @ApiProperty({ example: '2028-01-08T02:00:00.000Z', format: 'date-time', nullable: true, type: String })
  paidAt: string | null;

  @ApiProperty({ example: EXAMPLE_IDS.admin, format: 'uuid', nullable: true, type: String })
  paidBy: string | null;

  @ApiProperty({ example: '2028-06-30T02:00:00.000Z', format: 'date-time', nullable: true, type: String })
  cancelledAt: string | null;

  @ApiProperty({ example: '项目终止，未拨付的分期取消', nullable: true, type: String })
  cancelReason: string | null;

  @ApiProperty({ type: 'integer', example: 3 })
  version: number;
}

/** One line of the append-only ledger. */
export class LedgerEntryDto {
  @ApiProperty({ example: '42', description: 'Sequential id of the entry (a decimal string)' })
  id: string;

  @ApiProperty({
    example: EXAMPLE_IDS.payment,
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Null for `released`',
  })
  paymentId: string | null;

  @ApiProperty({ example: EXAMPLE_IDS.project, format: 'uuid' })
  projectId: string;

  @ApiProperty({ example: EXAMPLE_IDS.challenge, format: 'uuid' })
  challengeId: string;

  @ApiProperty({ enum: PAYERS })
  payer: Payer;

  @ApiProperty({
    enum: LEDGER_ENTRY_KINDS,
    description: 'A tranche reaching a status, or `released`: unspent money returned at termination',
  })
  kind: LedgerEntryKind;

  @ApiProperty({ type: 'integer', example: 450_000_000, description: 'Integer fen' })
  amountFen: number;

  @ApiProperty({ enum: ['user', 'api_key', 'system', 'anonymous'] })
  actorType: string;

  @ApiProperty({ example: EXAMPLE_IDS.admin, format: 'uuid', nullable: true, type: String })
  actorId: string | null;

  @ApiProperty({ example: '里程碑 1 评估通过，拨付第二期财政资金', nullable: true, type: String })
  reason: string | null;

  @ApiProperty({ example: '2028-01-08T02:00:00.000Z', format: 'date-time' })
  occurredAt: string;
}

/** A tranche with its ledger entries, oldest first. */
export class PaymentDetailDto extends PaymentDto {
  @ApiProperty({ type: [LedgerEntryDto] })
  entries: LedgerEntryDto[];
}

/** Sums of a project's tranches for one payer, in fen. */
export class PayerTotalsDto {
  @ApiProperty({ enum: PAYERS })
  payer: Payer;

  @ApiProperty({
    type: 'integer',
    example: EXAMPLE_FEN.fiscal,
    description: "The task book's amount of this payer",
  })
  budgetFen: number;

  @ApiProperty({
    type: 'integer',
    example: 1_650_000_000,
    description: 'Tranches now scheduled, waiting for approval (their current state, not a running total)',
  })
  awaitingApprovalFen: number;

  @ApiProperty({
    type: 'integer',
    example: 0,
    description: 'Tranches now approved, waiting to be paid (their current state, not a running total)',
  })
  awaitingPaymentFen: number;

  @ApiProperty({
    type: 'integer',
    example: 1_650_000_000,
    deprecated: true,
    description: 'Deprecated: the same as awaitingApprovalFen; removed in the next version',
  })
  scheduledFen: number;

  @ApiProperty({
    type: 'integer',
    example: 0,
    deprecated: true,
    description: 'Deprecated: the same as awaitingPaymentFen; removed in the next version',
  })
  approvedFen: number;

  @ApiProperty({
    type: 'integer',
    example: 1_350_000_000,
    description: 'Tranches paid; never more than budgetFen',
  })
  paidFen: number;

  @ApiProperty({ type: 'integer', example: 0 })
  cancelledFen: number;

  @ApiProperty({
    type: 'integer',
    example: 0,
    description: 'Unspent amount released back to the challenge at termination',
  })
  releasedFen: number;
}

export class ProjectPaymentsDto {
  @ApiProperty({ example: EXAMPLE_IDS.project, format: 'uuid' })
  projectId: string;

  @ApiProperty({ example: EXAMPLE_IDS.challenge, format: 'uuid' })
  challengeId: string;

  @ApiProperty({ enum: PROJECT_STATUSES })
  projectStatus: ProjectStatus;

  @ApiProperty({ type: [PayerTotalsDto], description: 'fiscal first, then issuer' })
  totals: PayerTotalsDto[];

  @ApiProperty({ type: [PaymentDto], description: 'By payer, then sequence' })
  items: PaymentDto[];
}

/** Sums of a challenge's ledger entries for one payer, by entry kind, in fen. */
export class LedgerTotalsDto {
  @ApiProperty({ enum: PAYERS })
  payer: Payer;

  @ApiProperty({
    type: 'integer',
    example: EXAMPLE_FEN.fiscal,
    description: 'Running total: every amount ever scheduled (whatever the tranche became since)',
  })
  cumulativeScheduledFen: number;

  @ApiProperty({
    type: 'integer',
    example: 1_350_000_000,
    description: 'Running total: every amount ever approved (paid since or not)',
  })
  cumulativeApprovedFen: number;

  @ApiProperty({
    type: 'integer',
    example: EXAMPLE_FEN.fiscal,
    deprecated: true,
    description: 'Deprecated: the same as cumulativeScheduledFen; removed in the next version',
  })
  scheduledFen: number;

  @ApiProperty({
    type: 'integer',
    example: 1_350_000_000,
    deprecated: true,
    description: 'Deprecated: the same as cumulativeApprovedFen; removed in the next version',
  })
  approvedFen: number;

  @ApiProperty({ type: 'integer', example: 1_350_000_000 })
  paidFen: number;

  @ApiProperty({ type: 'integer', example: 0 })
  cancelledFen: number;

  @ApiProperty({ type: 'integer', example: 0 })
  releasedFen: number;
}

export class ChallengeLedgerDto {
  @ApiProperty({ example: EXAMPLE_IDS.challenge, format: 'uuid' })
  challengeId: string;

  @ApiProperty({ type: [LedgerTotalsDto], description: "Over every entry of the challenge's projects" })
  totals: LedgerTotalsDto[];

  @ApiProperty({ type: [LedgerEntryDto], description: 'Oldest first' })
  items: LedgerEntryDto[];

  @ApiProperty({
    example: 'WyI0MiJd',
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last',
  })
  nextCursor: string | null;
}
