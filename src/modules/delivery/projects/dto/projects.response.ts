import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CHANGE_REQUEST_KINDS,
  CHANGE_REQUEST_STATUSES,
  MILESTONE_OUTCOMES,
} from '../entities/project-work.entity';
import type {
  ChangeRequestKind,
  ChangeRequestStatus,
  MilestoneOutcome,
} from '../entities/project-work.entity';
import { MILESTONE_STATUSES, SIGNING_PARTIES } from '../entities/project-parts.entity';
import type { MilestoneStatus, SigningParty } from '../entities/project-parts.entity';
import { PROJECT_STATUSES } from '../entities/project.entity';
import type { ProjectStatus } from '../entities/project.entity';
import { EXAMPLE_IDS, EXAMPLE_TIMES } from '../../../../common/openapi/examples';

/**
 * The OpenAPI shapes of the views in projects.views.ts (the controllers answer those views; these
 * classes only describe them). The task book is the JSON built at the award (selection.service.ts)
 * and changed by approved change requests.
 */

export class ProjectAmountsDto {
  @ApiProperty({ type: 'integer', format: 'int64', example: 3_000_000_000, description: '财政, in fen' })
  fiscalFen: number;

  @ApiProperty({
    type: 'integer',
    format: 'int64',
    example: 1_000_000_000,
    description: '发榜方配套, in fen',
  })
  issuerFen: number;

  @ApiProperty({ type: 'integer', format: 'int64', example: 4_000_000_000, description: 'fiscal + issuer' })
  totalFen: number;
}

export class ProjectSummaryDto {
  @ApiProperty({ format: 'uuid', example: '6f1f6a1e-3b9f-4a5e-8f53-1f1a2b3c4d5e' })
  id: string;

  @ApiProperty({ example: EXAMPLE_IDS.challenge, format: 'uuid' })
  challengeId: string;

  @ApiProperty({ example: EXAMPLE_IDS.application, format: 'uuid', description: 'The selected application' })
  applicationId: string;

  @ApiProperty({ example: EXAMPLE_IDS.program, format: 'uuid' })
  programId: string;

  @ApiProperty({ example: EXAMPLE_IDS.issuerOrganization, format: 'uuid' })
  issuerOrganizationId: string;

  @ApiProperty({ example: EXAMPLE_IDS.leadOrganization, format: 'uuid' })
  leadOrganizationId: string;

  @ApiProperty({ enum: PROJECT_STATUSES, example: 'pending_signature' })
  status: ProjectStatus;

  @ApiProperty({
    example: '项目负责人变更，暂停执行待核实',
    type: String,
    nullable: true,
    description: 'Why suspended or terminated',
  })
  statusReason: string | null;

  @ApiProperty({ type: 'integer', example: 1, description: 'The current task book version, from 1' })
  taskBookVersion: number;

  @ApiProperty({ type: ProjectAmountsDto, description: 'Amounts per payer, in fen' })
  amounts: ProjectAmountsDto;

  @ApiProperty({
    example: EXAMPLE_TIMES.activated,
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'The third signature',
  })
  activatedAt: string | null;

  @ApiProperty({
    example: EXAMPLE_TIMES.acceptanceDecided,
    type: String,
    format: 'date-time',
    nullable: true,
  })
  closedAt: string | null;

  @ApiProperty({ format: 'date-time', example: '2027-06-01T10:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', example: '2027-06-01T10:00:00.000Z' })
  updatedAt: string;

  @ApiProperty({ type: 'integer', example: 1, description: 'For If-Match' })
  version: number;
}

export class SignatureDto {
  @ApiProperty({ enum: SIGNING_PARTIES, example: 'issuer' })
  party: SigningParty;

  @ApiProperty({ example: EXAMPLE_IDS.issuerUser, format: 'uuid' })
  userId: string;

  @ApiProperty({ example: EXAMPLE_IDS.issuerOrganization, type: String, format: 'uuid', nullable: true })
  organizationId: string | null;

  @ApiProperty({ type: 'integer', example: 1, description: 'The task book version signed' })
  taskBookVersion: number;

  @ApiProperty({ example: '2027-06-15T02:00:00.000Z', format: 'date-time' })
  signedAt: string;
}

export class IndicatorProgressViewDto {
  @ApiProperty({ example: EXAMPLE_IDS.indicator, format: 'uuid' })
  indicatorId: string;

  @ApiProperty({ example: '临界电流已达 420 A' })
  progress: string;
}

export class MilestoneAssessmentViewDto {
  @ApiProperty({ example: EXAMPLE_IDS.milestoneAssessment, format: 'uuid' })
  id: string;

  @ApiProperty({ enum: MILESTONE_OUTCOMES, example: 'passed' })
  outcome: MilestoneOutcome;

  @ApiProperty({ example: '按期完成阶段目标' })
  opinion: string;

  @ApiProperty({ example: '同意通过' })
  issuerOpinion: string;

  @ApiProperty({ example: EXAMPLE_IDS.admin, format: 'uuid' })
  assessedBy: string;

  @ApiProperty({ example: '2027-12-28T02:00:00.000Z', format: 'date-time' })
  assessedAt: string;
}

export class MilestoneReportViewDto {
  @ApiProperty({ example: EXAMPLE_IDS.milestoneReport, format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'integer', example: 1, description: '1, then 2 for a resubmission' })
  attempt: number;

  @ApiProperty({ example: '完成样品制备与性能测试' })
  summary: string;

  @ApiProperty({ type: [IndicatorProgressViewDto] })
  indicatorProgress: IndicatorProgressViewDto[];

  @ApiProperty({
    example: [EXAMPLE_IDS.evidenceAttachment],
    type: 'array',
    items: { type: 'string', format: 'uuid' },
  })
  evidenceAttachmentIds: string[];

  @ApiProperty({ example: EXAMPLE_IDS.leader, format: 'uuid' })
  submittedBy: string;

  @ApiProperty({ example: '2027-12-10T03:00:00.000Z', format: 'date-time' })
  submittedAt: string;

  @ApiProperty({ type: MilestoneAssessmentViewDto, nullable: true, description: 'Null until assessed' })
  assessment: MilestoneAssessmentViewDto | null;
}

export class MilestoneDto {
  @ApiProperty({ example: EXAMPLE_IDS.milestone, format: 'uuid' })
  id: string;

  @ApiProperty({ example: EXAMPLE_IDS.project, format: 'uuid' })
  projectId: string;

  @ApiProperty({ type: 'integer', example: 0, description: 'From 0, as in the task book' })
  position: number;

  @ApiProperty({ example: '样品研制' })
  title: string;

  @ApiProperty({ example: '样品 3 件及测试报告' })
  deliverables: string;

  @ApiProperty({ type: 'integer', example: 6, description: 'Months after activation' })
  dueMonth: number;

  @ApiProperty({ type: 'integer', example: 30, description: 'Share of the amounts paid for it, percent' })
  sharePercent: number;

  @ApiProperty({
    example: EXAMPLE_TIMES.milestoneDue,
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Set at activation: the end of the Asia/Shanghai day, dueMonth months later',
  })
  dueAt: string | null;

  @ApiProperty({ enum: MILESTONE_STATUSES, example: 'pending' })
  status: MilestoneStatus;

  @ApiProperty({ example: '2027-12-21T00:00:00.000Z', type: String, format: 'date-time', nullable: true })
  overdueAt: string | null;

  @ApiProperty({ type: 'integer', example: 0 })
  reportsSubmitted: number;

  @ApiProperty({ type: [MilestoneReportViewDto], description: 'Oldest first' })
  reports: MilestoneReportViewDto[];

  @ApiProperty({ type: 'integer', example: 1 })
  version: number;
}

export class TaskBookIndicatorDto {
  @ApiProperty({ example: EXAMPLE_IDS.indicator, format: 'uuid' })
  indicatorId: string;

  @ApiProperty({ example: '超导带材临界电流' })
  name: string;

  @ApiProperty({ example: '≥ 500' })
  targetValue: string;

  @ApiProperty({ example: 'A' })
  unit: string;

  @ApiProperty({ example: '≥ 520' })
  committedValue: string;
}

export class TaskBookMilestoneDto {
  @ApiProperty({ type: 'integer', example: 0 })
  position: number;

  @ApiProperty({ example: '样品研制' })
  title: string;

  @ApiProperty({ example: '样品 3 件及测试报告' })
  deliverables: string;

  @ApiProperty({ type: 'integer', example: 6 })
  dueMonth: number;

  @ApiProperty({ type: 'integer', example: 30 })
  sharePercent: number;
}

export class TaskBookMemberDto {
  @ApiProperty({ example: '李华' })
  name: string;

  @ApiProperty({ example: '研究员' })
  title: string;

  @ApiProperty({ example: '技术负责人' })
  role: string;

  @ApiProperty({ example: EXAMPLE_IDS.leadOrganization, format: 'uuid' })
  organizationId: string;
}

export class TaskBookAmountsDto {
  @ApiProperty({ type: 'integer', format: 'int64', example: 3_000_000_000 })
  fiscalFen: number;

  @ApiProperty({ type: 'integer', format: 'int64', example: 1_000_000_000 })
  issuerFen: number;
}

/** The task book (任务书): the application's commitments as awarded, changed only by approved change requests. */
export class TaskBookDto {
  @ApiProperty({ example: EXAMPLE_IDS.challenge, format: 'uuid' })
  challengeId: string;

  @ApiProperty({ type: String, nullable: true, example: 'JB-2027-0001' })
  challengeCode: string | null;

  @ApiProperty({ example: EXAMPLE_IDS.application, format: 'uuid' })
  applicationId: string;

  @ApiProperty({ example: EXAMPLE_IDS.team, format: 'uuid' })
  teamId: string;

  @ApiProperty({ example: EXAMPLE_IDS.leadOrganization, format: 'uuid' })
  leadOrganizationId: string;

  @ApiProperty({ example: EXAMPLE_IDS.leader, format: 'uuid' })
  leaderUserId: string;

  @ApiProperty({ type: 'integer', example: 24 })
  durationMonths: number;

  @ApiProperty({ type: [TaskBookIndicatorDto] })
  indicators: TaskBookIndicatorDto[];

  @ApiProperty({ type: [TaskBookMilestoneDto] })
  milestones: TaskBookMilestoneDto[];

  @ApiProperty({ type: TaskBookAmountsDto })
  amounts: TaskBookAmountsDto;

  @ApiProperty({ type: 'integer', format: 'int64', example: 3_000_000_000 })
  requestedFiscalFen: number;

  @ApiProperty({ type: 'integer', format: 'int64', example: 3_000_000_000 })
  listFiscalFen: number;

  @ApiProperty({ type: 'integer', format: 'int64', example: 1_000_000_000 })
  listCofundingFen: number;

  @ApiPropertyOptional({
    type: [TaskBookMemberDto],
    description: 'After an approved member_change: the team members',
  })
  members?: TaskBookMemberDto[];
}

export class ProjectDto extends ProjectSummaryDto {
  @ApiProperty({
    enum: PROJECT_STATUSES,
    nullable: true,
    description: 'While suspended: the status to resume',
  })
  suspendedFrom: ProjectStatus | null;

  @ApiProperty({ type: TaskBookDto })
  taskBook: TaskBookDto;

  @ApiProperty({ type: [SignatureDto], description: 'Up to three: issuer, applicant, admin' })
  signatures: SignatureDto[];

  @ApiProperty({ type: [MilestoneDto], description: 'By position' })
  milestones: MilestoneDto[];
}

export class TaskBookVersionDto {
  @ApiProperty({ type: 'integer', example: 2 })
  version: number;

  @ApiProperty({ example: 'extension approved' })
  reason: string;

  @ApiProperty({ example: EXAMPLE_IDS.changeRequest, type: String, format: 'uuid', nullable: true })
  changeRequestId: string | null;

  @ApiProperty({
    example: EXAMPLE_IDS.admin,
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Null for the award (system)',
  })
  createdBy: string | null;

  @ApiProperty({ example: '2028-01-10T02:00:00.000Z', format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: TaskBookDto })
  taskBook: TaskBookDto;
}

/** What a change request asks for; the fields of its kind only. */
export class ChangeRequestPayloadDto {
  @ApiPropertyOptional({ example: EXAMPLE_IDS.milestone, format: 'uuid', description: 'extension' })
  milestoneId?: string;

  @ApiPropertyOptional({ example: '2028-03-31T09:00:00.000Z', format: 'date-time', description: 'extension' })
  newDueAt?: string;

  @ApiPropertyOptional({ example: EXAMPLE_IDS.indicator, format: 'uuid', description: 'indicator_change' })
  indicatorId?: string;

  @ApiPropertyOptional({ description: 'indicator_change', example: '≥ 480' })
  committedValue?: string;

  @ApiPropertyOptional({ type: [TaskBookMemberDto], description: 'member_change' })
  members?: TaskBookMemberDto[];
}

export class ChangeRequestResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.changeRequest, format: 'uuid' })
  id: string;

  @ApiProperty({ example: EXAMPLE_IDS.project, format: 'uuid' })
  projectId: string;

  @ApiProperty({ enum: CHANGE_REQUEST_KINDS, example: 'extension' })
  kind: ChangeRequestKind;

  @ApiProperty({ example: EXAMPLE_IDS.milestone, type: String, format: 'uuid', nullable: true })
  milestoneId: string | null;

  @ApiProperty({ type: ChangeRequestPayloadDto })
  payload: ChangeRequestPayloadDto;

  @ApiProperty({ example: '设备到货延迟' })
  reason: string;

  @ApiProperty({ enum: CHANGE_REQUEST_STATUSES, example: 'pending' })
  status: ChangeRequestStatus;

  @ApiProperty({ example: EXAMPLE_IDS.leader, format: 'uuid' })
  requestedBy: string;

  @ApiProperty({ example: '理由充分，同意延期', type: String, nullable: true })
  decisionReason: string | null;

  @ApiProperty({ example: '同意', type: String, nullable: true })
  issuerOpinion: string | null;

  @ApiProperty({ example: EXAMPLE_IDS.admin, type: String, format: 'uuid', nullable: true })
  decidedBy: string | null;

  @ApiProperty({ example: '2028-01-10T02:00:00.000Z', type: String, format: 'date-time', nullable: true })
  decidedAt: string | null;

  @ApiProperty({
    example: 2,
    type: 'integer',
    nullable: true,
    description: 'The task book version an approval wrote',
  })
  taskBookVersion: number | null;

  @ApiProperty({ example: '2028-01-05T02:00:00.000Z', format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: 'integer', example: 1 })
  version: number;
}

export class StageGateDecisionViewDto {
  @ApiProperty({ example: EXAMPLE_IDS.project, format: 'uuid' })
  projectId: string;

  @ApiProperty({ enum: ['continue', 'terminate'] })
  outcome: 'continue' | 'terminate';

  @ApiProperty({ example: '阶段指标领先，继续' })
  reason: string;

  @ApiPropertyOptional({
    example: 1_650_000_000,
    type: 'integer',
    format: 'int64',
    description: 'terminate: fiscal amount released',
  })
  releasedFiscalFen?: number;

  @ApiPropertyOptional({
    example: 550_000_000,
    type: 'integer',
    format: 'int64',
    description: 'terminate: issuer amount released',
  })
  releasedIssuerFen?: number;
}

export class StageGateResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.stageGate, format: 'uuid' })
  id: string;

  @ApiProperty({ example: EXAMPLE_IDS.challenge, format: 'uuid' })
  challengeId: string;

  @ApiProperty({ type: 'integer', example: 0 })
  milestonePosition: number;

  @ApiProperty({ type: [StageGateDecisionViewDto] })
  decisions: StageGateDecisionViewDto[];

  @ApiProperty({ example: EXAMPLE_IDS.admin, format: 'uuid' })
  decidedBy: string;

  @ApiProperty({ example: '2028-01-15T02:00:00.000Z', format: 'date-time' })
  decidedAt: string;
}
