import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '../../../../common/pagination/pagination';
import { IsIn, IsOptional } from 'class-validator';
import { Transform } from 'class-transformer';
import { PLEDGE_TEXT } from '../application-rules';
import { APPLICATION_STATUSES } from '../application-status';
import type { ApplicationStatus } from '../application-status';
import { ELIGIBILITY_RULES } from '../eligibility-rules';
import type { EligibilityRule } from '../eligibility-rules';
import { csvEnumProperty } from '../../../../common/openapi/csv-enum';
import { EXAMPLE_IDS, EXAMPLE_TIMES, EXAMPLE_TEXT, EXAMPLE_FEN } from '../../../../common/openapi/examples';

export class RuleResultDto {
  @ApiProperty({ enum: ELIGIBILITY_RULES })
  rule: EligibilityRule;

  @ApiProperty({
    enum: ['pass', 'fail', 'warn'],
    description: 'fail blocks an eligible decision; warn is for a person to weigh',
  })
  outcome: 'pass' | 'fail' | 'warn';

  @ApiProperty({ example: 'lead organization region 360100 is allowed' })
  detail: string;
}

export class CommitmentResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.indicator, format: 'uuid' })
  indicatorId: string;

  @ApiProperty({ example: EXAMPLE_TEXT.indicatorName, description: "The indicator's name on the challenge" })
  indicatorName: string;

  @ApiProperty({ example: '≥ 650 A' })
  committedValue: string;
}

export class MilestoneResponseDto {
  @ApiProperty({ example: '完成样机研制' })
  title: string;

  @ApiProperty({ example: '10 米电缆样机 1 套及检测报告' })
  deliverables: string;

  @ApiProperty({ type: 'integer', example: 6 })
  dueMonth: number;

  @ApiProperty({ example: 40 })
  sharePercent: number;
}

export class ApplicationAttachmentDto {
  @ApiProperty({ example: EXAMPLE_IDS.attachment, format: 'uuid' })
  attachmentId: string;

  @ApiProperty({ example: '项目申报书.pdf' })
  filename: string;

  @ApiProperty({ example: 'application/pdf' })
  contentType: string;

  @ApiProperty({ type: 'integer', example: 482133 })
  sizeBytes: number;

  @ApiProperty({ example: EXAMPLE_TEXT.sha256 })
  sha256: string;
}

export class BidderRefDto {
  @ApiProperty({ example: EXAMPLE_IDS.team, format: 'uuid' })
  teamId: string;

  @ApiProperty({ example: EXAMPLE_TEXT.teamName })
  teamName: string;

  @ApiProperty({ example: EXAMPLE_IDS.leadOrganization, format: 'uuid' })
  leadOrganizationId: string;

  @ApiProperty({ example: EXAMPLE_TEXT.leadOrganization })
  leadOrganizationName: string;

  @ApiProperty({ example: EXAMPLE_IDS.leader, format: 'uuid' })
  leaderUserId: string;

  @ApiProperty({ example: EXAMPLE_TEXT.leaderName })
  leaderName: string;
}

export class PledgeResponseDto {
  @ApiProperty({ example: '2027-04-20T06:00:00.000Z', format: 'date-time' })
  acceptedAt: Date;

  @ApiProperty({
    example: EXAMPLE_IDS.leader,
    format: 'uuid',
    nullable: true,
    type: String,
    description:
      "The leader who accepted it; null for the issuer when the program hides applicants' identities",
  })
  acceptedBy: string | null;

  @ApiProperty({ example: PLEDGE_TEXT, description: 'The text the leader accepted' })
  text: string;
}

export class ApplicationResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.application, format: 'uuid' })
  id: string;

  @ApiProperty({ example: EXAMPLE_IDS.challenge, format: 'uuid' })
  challengeId: string;

  @ApiProperty({
    type: BidderRefDto,
    nullable: true,
    description: "Who applications; null for the issuer when the program hides applicants' identities",
  })
  bidder: BidderRefDto | null;

  @ApiProperty({ enum: APPLICATION_STATUSES })
  status: ApplicationStatus;

  @ApiProperty({
    example: '缺少联合体协议，请补充后重新提交',
    nullable: true,
    type: String,
    description: 'The formal check reason (ineligible, returned)',
  })
  statusReason: string | null;

  @ApiProperty({ example: '采用第二代高温超导带材，分三阶段完成电缆样机研制与挂网试验。' })
  technicalPlan: string;

  @ApiProperty({ type: 'integer', example: EXAMPLE_FEN.fiscal, description: 'In fen' })
  requestedFiscalFen: number;

  @ApiProperty({ type: [CommitmentResponseDto] })
  indicatorCommitments: CommitmentResponseDto[];

  @ApiProperty({ type: [MilestoneResponseDto] })
  milestones: MilestoneResponseDto[];

  @ApiProperty({
    type: [ApplicationAttachmentDto],
    description: 'Empty for the issuer when identities are hidden',
  })
  attachments: ApplicationAttachmentDto[];

  @ApiProperty({ type: PledgeResponseDto, nullable: true })
  pledge: PledgeResponseDto | null;

  @ApiPropertyOptional({
    type: [RuleResultDto],
    nullable: true,
    description: 'The eligibility rules as last evaluated (applicant organization and admins)',
  })
  ruleResults?: RuleResultDto[] | null;

  @ApiProperty({ example: EXAMPLE_TIMES.submitted, nullable: true, type: Date, format: 'date-time' })
  submittedAt: Date | null;

  @ApiProperty({ example: EXAMPLE_TIMES.formalChecked, nullable: true, type: Date, format: 'date-time' })
  formalCheckedAt: Date | null;

  @ApiProperty({ type: 'integer', example: 5 })
  version: number;

  @ApiProperty({ example: '2027-03-20T02:00:00.000Z', format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ example: EXAMPLE_TIMES.formalChecked, format: 'date-time' })
  updatedAt: Date;
}

export class ListApplicationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'One status or several, comma-separated',
    ...csvEnumProperty(APPLICATION_STATUSES),
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value,
  )
  @IsIn(APPLICATION_STATUSES, { each: true })
  status?: ApplicationStatus[];
}
