import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDateString,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../../../../common/pagination/pagination';
import { PROJECT_STATUSES } from '../entities/project.entity';
import type { ProjectStatus } from '../entities/project.entity';
import { CHANGE_REQUEST_KINDS, MILESTONE_OUTCOMES } from '../entities/project-work.entity';
import type { ChangeRequestKind, MilestoneOutcome } from '../entities/project-work.entity';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';

export class ListProjectsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: PROJECT_STATUSES })
  @IsOptional()
  @IsIn(PROJECT_STATUSES)
  status?: ProjectStatus;

  @ApiPropertyOptional({ example: EXAMPLE_IDS.challenge, format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  challengeId?: string;
}

export class ProjectReasonDto {
  @ApiProperty({ example: '项目负责人变更，暂停执行待核实' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason: string;
}

export class IndicatorProgressDto {
  @ApiProperty({
    example: EXAMPLE_IDS.indicator,
    format: 'uuid',
    description: 'An indicator of the task book',
  })
  @IsUUID('all')
  indicatorId: string;

  @ApiProperty({ example: '临界电流已达 520 A', description: 'Progress against the committed value' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  progress: string;
}

export class MilestoneReportDto {
  @ApiProperty({
    example: '完成带材样品制备与第三方检测，临界电流达到 520 A。',
    description: 'Progress summary (进展报告)',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(20000)
  summary: string;

  @ApiProperty({ type: [IndicatorProgressDto] })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => IndicatorProgressDto)
  indicatorProgress: IndicatorProgressDto[];

  @ApiProperty({
    example: [EXAMPLE_IDS.evidenceAttachment],
    type: [String],
    format: 'uuid',
    description: "Evidence: attachments uploaded by the lead organization's users",
  })
  @IsArray()
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true })
  evidenceAttachmentIds: string[];
}

export class MilestoneAssessmentDto {
  @ApiProperty({ enum: MILESTONE_OUTCOMES })
  @IsIn(MILESTONE_OUTCOMES)
  outcome: MilestoneOutcome;

  @ApiProperty({ example: '阶段目标按期完成，同意通过', description: "The admin's (panel's) opinion" })
  @IsString()
  @MinLength(1)
  @MaxLength(10000)
  opinion: string;

  @ApiProperty({
    example: '同意',
    description: "The issuer's opinion, recorded with the assessment (required)",
  })
  @IsString()
  @MinLength(1)
  @MaxLength(10000)
  issuerOpinion: string;
}

export class ChangeMemberDto {
  @ApiProperty({ example: '李华' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiProperty({ example: '研究员' })
  @IsString()
  @MaxLength(100)
  title: string;

  @ApiProperty({ example: '技术负责人' })
  @IsString()
  @MaxLength(100)
  role: string;

  @ApiProperty({ example: EXAMPLE_IDS.leadOrganization, format: 'uuid' })
  @IsUUID('all')
  organizationId: string;
}

/** One valid body per kind of change request, as OpenAPI examples. */
export const CHANGE_REQUEST_EXAMPLES = {
  extension: {
    summary: 'Move a milestone later',
    value: {
      kind: 'extension',
      reason: '关键设备到货延迟',
      milestoneId: EXAMPLE_IDS.milestone,
      newDueAt: '2028-03-31T17:00:00+08:00',
    },
  },
  member_change: {
    summary: 'Change the team members',
    value: {
      kind: 'member_change',
      reason: '原技术负责人调离，由李华接任',
      members: [
        { name: '李华', title: '研究员', role: '技术负责人', organizationId: EXAMPLE_IDS.leadOrganization },
      ],
    },
  },
  indicator_change: {
    summary: 'Change the committed value of an indicator',
    value: {
      kind: 'indicator_change',
      reason: '测试标准更新，指标口径调整',
      indicatorId: EXAMPLE_IDS.indicator,
      committedValue: '≥ 480',
    },
  },
};

export class CreateChangeRequestDto {
  @ApiProperty({ enum: CHANGE_REQUEST_KINDS })
  @IsIn(CHANGE_REQUEST_KINDS)
  kind: ChangeRequestKind;

  @ApiProperty({ example: '关键设备到货延迟' })
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  reason: string;

  @ApiPropertyOptional({
    example: EXAMPLE_IDS.milestone,
    format: 'uuid',
    description: 'extension: the milestone to move',
  })
  @ValidateIf((o: CreateChangeRequestDto) => o.kind === 'extension')
  @IsUUID('all')
  milestoneId?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'extension: the new due time',
    example: '2028-03-31T17:00:00+08:00',
  })
  @ValidateIf((o: CreateChangeRequestDto) => o.kind === 'extension')
  @IsDateString({ strict: true })
  @MaxLength(40)
  newDueAt?: string;

  @ApiPropertyOptional({
    type: [ChangeMemberDto],
    description: 'member_change: the team members after the change',
  })
  @ValidateIf((o: CreateChangeRequestDto) => o.kind === 'member_change')
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ChangeMemberDto)
  members?: ChangeMemberDto[];

  @ApiPropertyOptional({
    example: EXAMPLE_IDS.indicator,
    format: 'uuid',
    description: 'indicator_change: an indicator of the task book',
  })
  @ValidateIf((o: CreateChangeRequestDto) => o.kind === 'indicator_change')
  @IsUUID('all')
  indicatorId?: string;

  @ApiPropertyOptional({ example: '≥ 480', description: 'indicator_change: the new committed value' })
  @ValidateIf((o: CreateChangeRequestDto) => o.kind === 'indicator_change')
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  committedValue?: string;
}

export class DecideChangeRequestDto {
  @ApiProperty({ enum: ['approved', 'rejected'] })
  @IsIn(['approved', 'rejected'])
  decision: 'approved' | 'rejected';

  @ApiProperty({ example: '理由充分，同意延期' })
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  reason: string;

  @ApiProperty({
    example: '同意',
    description: "The issuer's opinion, recorded with the decision (required)",
  })
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  issuerOpinion: string;
}

export class StageGateDecisionDto {
  @ApiProperty({ example: EXAMPLE_IDS.project, format: 'uuid' })
  @IsUUID('all')
  projectId: string;

  @ApiProperty({ enum: ['continue', 'terminate'] })
  @IsIn(['continue', 'terminate'])
  outcome: 'continue' | 'terminate';

  @ApiProperty({ example: '阶段指标领先，继续' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason: string;
}

export class StageGateDto {
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 19,
    example: 0,
    description:
      'The milestone position (0-based, as in the task book; an application has at most 20) the gate follows',
  })
  @IsInt()
  @Min(0)
  @Max(19)
  milestonePosition: number;

  @ApiProperty({ type: [StageGateDecisionDto], description: 'One decision per active line of the challenge' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => StageGateDecisionDto)
  decisions: StageGateDecisionDto[];
}
