import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { MAX_FEN } from '../../challenges/dto/challenge-input.dto';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';

export class CommitmentInputDto {
  @ApiProperty({
    example: EXAMPLE_IDS.indicator,
    format: 'uuid',
    description: 'An indicator of the challenge (GET /challenges/{id} → indicators[].id)',
  })
  @IsUUID()
  indicatorId: string;

  @ApiProperty({ example: '≥ 650 A', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  committedValue: string;
}

export class MilestoneInputDto {
  @ApiProperty({ example: '完成样机研制', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title: string;

  @ApiProperty({ example: '10 米电缆样机 1 套及检测报告', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  deliverables: string;

  @ApiProperty({
    type: 'integer',
    example: 6,
    minimum: 1,
    maximum: 120,
    description: 'Due so many months after the project starts; within the challenge duration',
  })
  @IsInt()
  @Min(1)
  @Max(120)
  dueMonth: number;

  @ApiProperty({
    example: 40,
    minimum: 1,
    maximum: 100,
    description: 'Share of the funding paid on this milestone, percent; the shares sum to 100',
  })
  @IsInt()
  @Min(1)
  @Max(100)
  sharePercent: number;
}

export class CreateApplicationDto {
  @ApiProperty({
    example: EXAMPLE_IDS.team,
    format: 'uuid',
    description: "One of your organization's teams (POST /teams)",
  })
  @IsUUID()
  teamId: string;

  @ApiProperty({
    example: '采用第二代高温超导带材，分三阶段完成电缆样机研制与挂网试验。',
    description: '技术方案摘要',
    maxLength: 20000,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(20000)
  technicalPlan: string;

  @ApiProperty({
    type: 'integer',
    example: 250_000_000,
    description: "Fiscal funding asked for, in fen; at most the challenge's fiscalFen",
  })
  @IsInt()
  @Min(0)
  @Max(MAX_FEN)
  requestedFiscalFen: number;

  @ApiPropertyOptional({
    type: [CommitmentInputDto],
    description:
      'A committed value per indicator of the challenge; every indicator must be covered to submit',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CommitmentInputDto)
  indicatorCommitments?: CommitmentInputDto[];

  @ApiPropertyOptional({
    type: [MilestoneInputDto],
    description: 'At least one to submit; shares sum to 100',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => MilestoneInputDto)
  milestones?: MilestoneInputDto[];

  @ApiPropertyOptional({
    example: [EXAMPLE_IDS.attachment],
    type: [String],
    format: 'uuid',
    description: 'Attachments your organization uploaded (POST /attachments)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUUID(undefined, { each: true })
  attachmentIds?: string[];
}

/** Lists given replace the old ones; any edit clears the leader's pledge, which must be taken again. */
export class UpdateApplicationDto extends PartialType(OmitType(CreateApplicationDto, ['teamId'] as const)) {}

export class PledgeDto {
  @ApiProperty({
    enum: [true],
    description:
      'true: I, the leader (挂帅者), accept the responsibility pledge (军令状) for this application',
  })
  @IsIn([true], { message: 'accepted must be true' })
  accepted: true;
}

export const FORMAL_CHECK_OUTCOMES = ['eligible', 'ineligible', 'returned'] as const;
export type FormalCheckOutcome = (typeof FORMAL_CHECK_OUTCOMES)[number];

export class FormalCheckDto {
  @ApiProperty({ enum: FORMAL_CHECK_OUTCOMES })
  @IsIn(FORMAL_CHECK_OUTCOMES)
  outcome: FormalCheckOutcome;

  @ApiPropertyOptional({
    example: '缺少联合体协议，请补充后重新提交',
    maxLength: 2000,
    description: 'Required for ineligible and returned',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason?: string;
}
