import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '../../../common/pagination/pagination';
import { IsIn, IsOptional } from 'class-validator';
import { Transform } from 'class-transformer';
import { APPLICATION_STATUSES } from '../application-status';
import type { ApplicationStatus } from '../application-status';
import { ELIGIBILITY_RULES } from '../eligibility-rules';
import type { EligibilityRule } from '../eligibility-rules';
import { csvEnumProperty } from '../../../common/openapi/csv-enum';

export class RuleResultDto {
  @ApiProperty({ enum: ELIGIBILITY_RULES })
  rule: EligibilityRule;

  @ApiProperty({
    enum: ['pass', 'fail', 'warn'],
    description: 'fail blocks an eligible decision; warn is for a person to weigh',
  })
  outcome: 'pass' | 'fail' | 'warn';

  @ApiProperty()
  detail: string;
}

export class CommitmentResponseDto {
  @ApiProperty({ format: 'uuid' })
  indicatorId: string;

  @ApiProperty({ description: "The indicator's name on the list" })
  indicatorName: string;

  @ApiProperty()
  committedValue: string;
}

export class MilestoneResponseDto {
  @ApiProperty()
  title: string;

  @ApiProperty()
  deliverables: string;

  @ApiProperty()
  dueMonth: number;

  @ApiProperty()
  sharePercent: number;
}

export class ApplicationAttachmentDto {
  @ApiProperty({ format: 'uuid' })
  attachmentId: string;

  @ApiProperty()
  filename: string;

  @ApiProperty()
  contentType: string;

  @ApiProperty()
  sizeBytes: number;

  @ApiProperty()
  sha256: string;
}

export class BidderRefDto {
  @ApiProperty({ format: 'uuid' })
  teamId: string;

  @ApiProperty()
  teamName: string;

  @ApiProperty({ format: 'uuid' })
  leadOrganizationId: string;

  @ApiProperty()
  leadOrganizationName: string;

  @ApiProperty({ format: 'uuid' })
  leaderUserId: string;

  @ApiProperty()
  leaderName: string;
}

export class PledgeResponseDto {
  @ApiProperty({ format: 'date-time' })
  acceptedAt: Date;

  @ApiProperty({ format: 'uuid' })
  acceptedBy: string;

  @ApiProperty({ description: 'The text the leader accepted' })
  text: string;
}

export class ApplicationResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  challengeId: string;

  @ApiProperty({
    type: BidderRefDto,
    nullable: true,
    description: "Who bids; null for the issuer when the program hides applicants' identities",
  })
  bidder: BidderRefDto | null;

  @ApiProperty({ enum: APPLICATION_STATUSES })
  status: ApplicationStatus;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The formal check reason (ineligible, returned)',
  })
  statusReason: string | null;

  @ApiProperty()
  technicalPlan: string;

  @ApiProperty({ description: 'In fen' })
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

  @ApiProperty({ nullable: true, type: Date, format: 'date-time' })
  submittedAt: Date | null;

  @ApiProperty({ nullable: true, type: Date, format: 'date-time' })
  formalCheckedAt: Date | null;

  @ApiProperty()
  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ format: 'date-time' })
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
