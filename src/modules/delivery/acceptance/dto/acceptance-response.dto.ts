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
import { EXAMPLE_IDS, EXAMPLE_TIMES, EXAMPLE_TEXT } from '../../../../common/openapi/examples';

export class MeasurementDto {
  @ApiProperty({ example: EXAMPLE_IDS.indicator, format: 'uuid' })
  indicatorId: string;

  @ApiProperty({ example: EXAMPLE_TEXT.indicatorName })
  name: string;

  @ApiProperty({ example: 'A' })
  unit: string;

  @ApiProperty({ example: '≥ 500' })
  targetValue: string;

  @ApiProperty({ example: '≥ 520', description: 'The value committed in the task book' })
  committedValue: string;

  @ApiProperty({ example: '536', description: 'The value the applicant measured' })
  measuredValue: string;
}

export class AcceptancePanelMemberDto {
  @ApiProperty({ example: EXAMPLE_IDS.acceptanceMember, format: 'uuid' })
  id: string;

  @ApiProperty({ example: EXAMPLE_IDS.expert, format: 'uuid' })
  expertId: string;

  @ApiProperty({ example: EXAMPLE_TEXT.expertName })
  expertName: string;

  @ApiProperty({ enum: ACCEPTANCE_PANEL_ROLES })
  role: AcceptancePanelRole;

  @ApiProperty({ type: 'integer', example: 1 })
  position: number;

  @ApiProperty({ enum: ACCEPTANCE_MEMBER_STATUSES })
  status: AcceptanceMemberStatus;

  @ApiProperty({ example: '曾与该单位合作', type: String, nullable: true })
  statusReason: string | null;

  @ApiProperty({ example: EXAMPLE_IDS.acceptanceReserve, type: String, format: 'uuid', nullable: true })
  replacedBy: string | null;

  @ApiProperty({ example: '2029-07-20T02:00:00.000Z', type: String, format: 'date-time', nullable: true })
  submittedAt: Date | null;
}

export class AcceptancePanelDto {
  @ApiProperty({ type: 'integer', example: 5, description: 'Members drawn (reserves not counted)' })
  panelSize: number;

  @ApiProperty({
    type: 'integer',
    example: 5,
    description: 'Members on the panel now (pending, declared or submitted)',
  })
  activeMembers: number;

  @ApiProperty({ type: 'integer', example: 5 })
  submittedMembers: number;

  @ApiProperty({ type: 'integer', example: 1 })
  reservesLeft: number;

  @ApiProperty({ example: '2029-07-01T02:00:00.000Z', format: 'date-time' })
  drawnAt: Date;

  @ApiPropertyOptional({
    example: '57deec7bcb46cb397a36471c33611c002f6daa9165b1a7c8251c693683a86e24',
    description: 'Admins only: the draw seed (also in the audit event)',
  })
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

  @ApiProperty({ example: '实测值满足任务书要求' })
  comment: string;

  @ApiPropertyOptional({ example: EXAMPLE_IDS.acceptanceMember, format: 'uuid', description: 'Admins only' })
  panelMemberId?: string;
}

export class IndicatorVerdictsDto {
  @ApiProperty({ example: EXAMPLE_IDS.indicator, format: 'uuid' })
  indicatorId: string;

  @ApiProperty({ example: EXAMPLE_TEXT.indicatorName })
  name: string;

  @ApiProperty({ type: 'integer', example: 4 })
  met: number;

  @ApiProperty({ type: 'integer', example: 1 })
  partiallyMet: number;

  @ApiProperty({ type: 'integer', example: 0 })
  notMet: number;

  @ApiProperty({
    type: [IndicatorVerdictDto],
    description: 'In order of submission, without expert identities',
  })
  verdicts: IndicatorVerdictDto[];
}

export class AcceptanceResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.acceptance, format: 'uuid' })
  id: string;

  @ApiProperty({ example: EXAMPLE_IDS.project, format: 'uuid' })
  projectId: string;

  @ApiProperty({ example: EXAMPLE_IDS.challenge, format: 'uuid' })
  challengeId: string;

  @ApiProperty({ enum: ACCEPTANCE_STATUSES })
  status: AcceptanceStatus;

  @ApiProperty({ type: [MeasurementDto] })
  measurements: MeasurementDto[];

  @ApiProperty({ example: [EXAMPLE_IDS.evidenceAttachment], type: [String], format: 'uuid' })
  evidenceAttachmentIds: string[];

  @ApiProperty({ example: '全部指标完成，申请验收。' })
  summary: string;

  @ApiProperty({ example: EXAMPLE_IDS.leader, format: 'uuid' })
  requestedBy: string;

  @ApiProperty({ example: EXAMPLE_TIMES.acceptanceRequested, format: 'date-time' })
  requestedAt: Date;

  @ApiProperty({ type: AcceptancePanelDto })
  panel: AcceptancePanelDto;

  @ApiProperty({ enum: ACCEPTANCE_OUTCOMES, nullable: true })
  outcome: AcceptanceOutcome | null;

  @ApiProperty({ example: '全部指标达到任务书要求', type: String, nullable: true })
  decisionReason: string | null;

  @ApiProperty({
    example: '同意通过验收',
    type: String,
    nullable: true,
    description: "The issuer's opinion (发榜方意见)",
  })
  issuerOpinion: string | null;

  @ApiProperty({ example: '专家组意见一致', type: String, nullable: true })
  closeReason: string | null;

  @ApiProperty({ example: false, description: 'The due-diligence exemption (尽职免责) of a failure' })
  dueDiligenceExemption: boolean;

  @ApiProperty({
    example: 6,
    type: 'integer',
    nullable: true,
    description: "The panel's technology readiness level (GB/T 22900, 1–9), recorded with the decision",
  })
  trlVerdict: number | null;

  @ApiProperty({ example: '三个月内补充长期运行测试报告', type: String, nullable: true })
  conditions: string | null;

  @ApiProperty({ example: '2029-11-15T09:00:00.000Z', type: String, format: 'date-time', nullable: true })
  conditionsDueAt: Date | null;

  @ApiProperty({ enum: CONDITIONS_RESOLUTIONS, nullable: true })
  conditionsResolution: ConditionsResolution | null;

  @ApiProperty({ example: '已补充长期运行测试报告', type: String, nullable: true })
  conditionsReason: string | null;

  @ApiProperty({ example: '2029-10-20T02:00:00.000Z', type: String, format: 'date-time', nullable: true })
  conditionsResolvedAt: Date | null;

  @ApiProperty({
    example: EXAMPLE_TIMES.acceptanceDecided,
    type: String,
    format: 'date-time',
    nullable: true,
  })
  decidedAt: Date | null;

  @ApiProperty({
    type: [IndicatorVerdictsDto],
    nullable: true,
    description: 'Per indicator; admins always, the parties only after the decision (null before)',
  })
  verdicts: IndicatorVerdictsDto[] | null;

  @ApiProperty({ type: 'integer', example: 6 })
  version: number;
}

export class AcceptanceAssignmentProjectDto {
  @ApiProperty({ example: EXAMPLE_IDS.project, format: 'uuid' })
  projectId: string;

  @ApiProperty({ example: EXAMPLE_IDS.challenge, format: 'uuid' })
  challengeId: string;

  @ApiProperty({ example: EXAMPLE_TEXT.challengeCode })
  challengeCode: string;

  @ApiProperty({ example: EXAMPLE_TEXT.challengeTitle })
  challengeTitle: string;
}

export class VerdictSummaryDto {
  @ApiProperty({ example: EXAMPLE_IDS.indicator, format: 'uuid' })
  indicatorId: string;

  @ApiProperty({ enum: VERDICTS })
  verdict: Verdict;

  @ApiProperty({ example: '实测值满足任务书要求' })
  comment: string;
}

export class AcceptanceAssignmentResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.acceptanceMember, format: 'uuid' })
  id: string;

  @ApiProperty({ example: EXAMPLE_IDS.acceptance, format: 'uuid' })
  acceptanceId: string;

  @ApiProperty({ type: AcceptanceAssignmentProjectDto })
  project: AcceptanceAssignmentProjectDto;

  @ApiProperty({ enum: ACCEPTANCE_PANEL_ROLES })
  role: AcceptancePanelRole;

  @ApiProperty({ enum: ACCEPTANCE_MEMBER_STATUSES })
  status: AcceptanceMemberStatus;

  @ApiProperty({ example: '2029-07-02T03:00:00.000Z', type: String, format: 'date-time', nullable: true })
  declaredAt: Date | null;

  @ApiProperty({ example: '2029-07-20T02:00:00.000Z', type: String, format: 'date-time', nullable: true })
  submittedAt: Date | null;

  @ApiProperty({
    type: [MeasurementDto],
    nullable: true,
    description: 'After declaring no conflict: the measured values to judge',
  })
  measurements: MeasurementDto[] | null;

  @ApiProperty({
    example: '全部指标完成，申请验收。',
    type: String,
    nullable: true,
    description: 'After declaring no conflict',
  })
  summary: string | null;

  @ApiProperty({
    example: [EXAMPLE_IDS.evidenceAttachment],
    type: [String],
    nullable: true,
    description: 'After declaring no conflict',
  })
  evidenceAttachmentIds: string[] | null;

  @ApiProperty({
    type: [VerdictSummaryDto],
    nullable: true,
    description: 'Your own verdicts, once submitted',
  })
  verdicts: VerdictSummaryDto[] | null;

  @ApiPropertyOptional({
    example: true,
    description: 'A declaration that left the panel: whether a reserve took the place',
  })
  reserveCalled?: boolean;

  @ApiProperty({ type: 'integer', example: 3 })
  version: number;
}
