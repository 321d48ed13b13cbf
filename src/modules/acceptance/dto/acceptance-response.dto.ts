import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ACCEPTANCE_OUTCOMES,
  ACCEPTANCE_STATUSES,
  CONDITIONS_RESOLUTIONS,
} from '../entities/acceptance.entity';
import type {
  AcceptanceOutcome,
  AcceptanceStatus,
  ConditionsResolution,
} from '../entities/acceptance.entity';
import {
  ACCEPTANCE_MEMBER_STATUSES,
  ACCEPTANCE_PANEL_ROLES,
} from '../entities/acceptance-panel-member.entity';
import type { AcceptanceMemberStatus, AcceptancePanelRole } from '../entities/acceptance-panel-member.entity';
import { VERDICTS } from '../entities/acceptance-verdict.entity';
import type { Verdict } from '../entities/acceptance-verdict.entity';

export class MeasurementDto {
  @ApiProperty({ format: 'uuid' })
  indicatorId: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  unit: string;

  @ApiProperty()
  targetValue: string;

  @ApiProperty({ description: 'The value committed in the task book' })
  committedValue: string;

  @ApiProperty({ description: 'The value the applicant measured' })
  measuredValue: string;
}

export class AcceptancePanelMemberDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  expertId: string;

  @ApiProperty()
  expertName: string;

  @ApiProperty({ enum: ACCEPTANCE_PANEL_ROLES })
  role: AcceptancePanelRole;

  @ApiProperty()
  position: number;

  @ApiProperty({ enum: ACCEPTANCE_MEMBER_STATUSES })
  status: AcceptanceMemberStatus;

  @ApiProperty({ type: String, nullable: true })
  statusReason: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  replacedBy: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  submittedAt: Date | null;
}

export class AcceptancePanelDto {
  @ApiProperty({ description: 'Members drawn (reserves not counted)' })
  panelSize: number;

  @ApiProperty({ description: 'Members on the panel now (pending, declared or submitted)' })
  activeMembers: number;

  @ApiProperty()
  submittedMembers: number;

  @ApiProperty()
  reservesLeft: number;

  @ApiProperty({ format: 'date-time' })
  drawnAt: Date;

  @ApiPropertyOptional({ description: 'Admins only: the draw seed (also in the audit event)' })
  seed?: string;

  @ApiPropertyOptional({
    type: [AcceptancePanelMemberDto],
    description: 'Admins only: the experts are never named to the parties',
  })
  members?: AcceptancePanelMemberDto[];
}

export class IndicatorVerdictDto {
  @ApiProperty({ enum: VERDICTS })
  verdict: Verdict;

  @ApiProperty()
  comment: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Admins only' })
  panelMemberId?: string;
}

export class IndicatorVerdictsDto {
  @ApiProperty({ format: 'uuid' })
  indicatorId: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  met: number;

  @ApiProperty()
  partiallyMet: number;

  @ApiProperty()
  notMet: number;

  @ApiProperty({
    type: [IndicatorVerdictDto],
    description: 'In order of submission, without expert identities',
  })
  verdicts: IndicatorVerdictDto[];
}

export class AcceptanceResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  projectId: string;

  @ApiProperty({ format: 'uuid' })
  challengeId: string;

  @ApiProperty({ enum: ACCEPTANCE_STATUSES })
  status: AcceptanceStatus;

  @ApiProperty({ type: [MeasurementDto] })
  measurements: MeasurementDto[];

  @ApiProperty({ type: [String], format: 'uuid' })
  evidenceAttachmentIds: string[];

  @ApiProperty()
  summary: string;

  @ApiProperty({ format: 'uuid' })
  requestedBy: string;

  @ApiProperty({ format: 'date-time' })
  requestedAt: Date;

  @ApiProperty({ type: AcceptancePanelDto })
  panel: AcceptancePanelDto;

  @ApiProperty({ enum: ACCEPTANCE_OUTCOMES, nullable: true })
  outcome: AcceptanceOutcome | null;

  @ApiProperty({ type: String, nullable: true })
  decisionReason: string | null;

  @ApiProperty({ type: String, nullable: true, description: "The issuer's opinion (发榜方意见)" })
  issuerOpinion: string | null;

  @ApiProperty({ type: String, nullable: true })
  closeReason: string | null;

  @ApiProperty({ description: 'The due-diligence exemption (尽职免责) of a failure' })
  dueDiligenceExemption: boolean;

  @ApiProperty({ type: String, nullable: true })
  conditions: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  conditionsDueAt: Date | null;

  @ApiProperty({ enum: CONDITIONS_RESOLUTIONS, nullable: true })
  conditionsResolution: ConditionsResolution | null;

  @ApiProperty({ type: String, nullable: true })
  conditionsReason: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  conditionsResolvedAt: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  decidedAt: Date | null;

  @ApiProperty({
    type: [IndicatorVerdictsDto],
    nullable: true,
    description: 'Per indicator; admins always, the parties only after the decision (null before)',
  })
  verdicts: IndicatorVerdictsDto[] | null;

  @ApiProperty()
  version: number;
}

export class AcceptanceAssignmentProjectDto {
  @ApiProperty({ format: 'uuid' })
  projectId: string;

  @ApiProperty({ format: 'uuid' })
  challengeId: string;

  @ApiProperty()
  challengeCode: string;

  @ApiProperty()
  challengeTitle: string;
}

export class VerdictSummaryDto {
  @ApiProperty({ format: 'uuid' })
  indicatorId: string;

  @ApiProperty({ enum: VERDICTS })
  verdict: Verdict;

  @ApiProperty()
  comment: string;
}

export class AcceptanceAssignmentResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  acceptanceId: string;

  @ApiProperty({ type: AcceptanceAssignmentProjectDto })
  project: AcceptanceAssignmentProjectDto;

  @ApiProperty({ enum: ACCEPTANCE_PANEL_ROLES })
  role: AcceptancePanelRole;

  @ApiProperty({ enum: ACCEPTANCE_MEMBER_STATUSES })
  status: AcceptanceMemberStatus;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  declaredAt: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  submittedAt: Date | null;

  @ApiProperty({
    type: [MeasurementDto],
    nullable: true,
    description: 'After declaring no conflict: the measured values to judge',
  })
  measurements: MeasurementDto[] | null;

  @ApiProperty({ type: String, nullable: true, description: 'After declaring no conflict' })
  summary: string | null;

  @ApiProperty({ type: [String], nullable: true, description: 'After declaring no conflict' })
  evidenceAttachmentIds: string[] | null;

  @ApiProperty({
    type: [VerdictSummaryDto],
    nullable: true,
    description: 'Your own verdicts, once submitted',
  })
  verdicts: VerdictSummaryDto[] | null;

  @ApiPropertyOptional({ description: 'A declaration that left the panel: whether a reserve took the place' })
  reserveCalled?: boolean;

  @ApiProperty()
  version: number;
}
