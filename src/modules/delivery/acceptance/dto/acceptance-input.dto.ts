import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ISO_INSTANT, ISO_INSTANT_SCHEMA } from '../../../call/challenges/dto/challenge-input.dto';
import { ACCEPTANCE_OUTCOMES } from '../entities/acceptance.entity';
import type { AcceptanceOutcome } from '../entities/acceptance.entity';
import { VERDICTS } from '../entities/acceptance-verdict.entity';
import type { Verdict } from '../entities/acceptance-verdict.entity';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';

export class MeasurementInputDto {
  @ApiProperty({ example: EXAMPLE_IDS.indicator, format: 'uuid', description: 'A task-book indicator' })
  @IsUUID()
  indicatorId: string;

  @ApiProperty({
    maxLength: 500,
    example: '≥ 520 A',
    description: 'The value measured at the end of the project',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  measuredValue: string;
}

export class RequestAcceptanceDto {
  @ApiProperty({
    type: [MeasurementInputDto],
    description:
      'One measured value per task-book indicator; every indicator is required (422 naming the missing ones)',
  })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => MeasurementInputDto)
  measurements: MeasurementInputDto[];

  @ApiPropertyOptional({
    example: [EXAMPLE_IDS.evidenceAttachment],
    type: [String],
    format: 'uuid',
    description: 'Evidence: attachments uploaded by your organization (POST /attachments)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID(undefined, { each: true })
  evidenceAttachmentIds?: string[];

  @ApiProperty({
    example: '全部指标完成，申请验收。',
    maxLength: 10000,
    description: 'The summary report (总结报告)',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(10000)
  summary: string;
}

export class AcceptanceDeclareDto {
  @ApiPropertyOptional({ example: false, description: 'false: no conflict of interest with this project' })
  @IsOptional()
  @IsBoolean()
  conflict?: boolean;

  @ApiPropertyOptional({ example: true, description: 'true: the expert declines' })
  @IsOptional()
  @IsBoolean()
  decline?: boolean;

  @ApiPropertyOptional({
    example: '曾与该单位合作',
    maxLength: 2000,
    description: 'Required with conflict: true or decline: true',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class VerdictInputDto {
  @ApiProperty({ example: EXAMPLE_IDS.indicator, format: 'uuid' })
  @IsUUID()
  indicatorId: string;

  @ApiProperty({ enum: VERDICTS })
  @IsIn(VERDICTS)
  verdict: Verdict;

  @ApiProperty({ example: '实测值满足任务书要求', maxLength: 2000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  comment: string;
}

export class SubmitVerdictsDto {
  @ApiProperty({ type: [VerdictInputDto], description: 'Every task-book indicator exactly once; final' })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => VerdictInputDto)
  verdicts: VerdictInputDto[];
}

export class DecideAcceptanceDto {
  @ApiProperty({ enum: ACCEPTANCE_OUTCOMES })
  @IsIn(ACCEPTANCE_OUTCOMES)
  outcome: AcceptanceOutcome;

  @ApiProperty({ example: '全部指标达到任务书要求', maxLength: 2000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;

  @ApiProperty({ example: '同意通过验收', maxLength: 2000, description: "The issuer's opinion (发榜方意见)" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  issuerOpinion: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 9,
    example: 6,
    description:
      "The panel's technology readiness level (GB/T 22900, 1–9): on a pass, the result drafted into the results library carries it as its verified TRL",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(9)
  trlVerdict?: number;

  @ApiPropertyOptional({
    example: '三个月内补充长期运行测试报告',
    maxLength: 5000,
    description: 'Required with passed_with_conditions',
  })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  conditions?: string;

  @ApiPropertyOptional({
    description: 'Required with passed_with_conditions; in the future',
    example: '2028-06-30T17:00:00+08:00',
    ...ISO_INSTANT_SCHEMA,
  })
  @IsOptional()
  @Matches(ISO_INSTANT, { message: 'conditionsDueAt must be an ISO-8601 instant with an offset' })
  conditionsDueAt?: string;

  @ApiPropertyOptional({
    example: false,
    description:
      'Only with failed: the due-diligence exemption (尽职免责) — no integrity record is written. Default false',
  })
  @IsOptional()
  @IsBoolean()
  dueDiligenceExemption?: boolean;

  @ApiPropertyOptional({
    example: '专家组意见一致',
    maxLength: 2000,
    description: 'Required when not every active panel member has submitted its verdicts',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  closeReason?: string;
}

export class ConfirmConditionsDto {
  @ApiProperty({ example: true, description: 'Whether the conditions were met' })
  @IsBoolean()
  met: boolean;

  @ApiProperty({ example: '已补充长期运行测试报告', maxLength: 2000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;

  @ApiPropertyOptional({
    example: false,
    description: 'Only with met: false — the due-diligence exemption (尽职免责)',
  })
  @IsOptional()
  @IsBoolean()
  dueDiligenceExemption?: boolean;
}
