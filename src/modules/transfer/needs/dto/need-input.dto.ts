import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';
import {
  IndicatorInputDto,
  ISO_INSTANT,
  ISO_INSTANT_SCHEMA,
  MAX_FEN,
} from '../../../call/challenges/dto/challenge-input.dto';
import type { SelectionMode } from '../../../call/challenges/entities/challenge.entity';
import { INTEREST_KINDS } from '../entities/need-interest.entity';
import type { InterestKind } from '../entities/need-interest.entity';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The challenge's selection modes (its entity's list, repeated: entities are shared as types only). */
const SELECTION_MODES: readonly SelectionMode[] = ['single', 'horse_race'];

export class FileNeedDto {
  @ApiProperty({ example: '稀土永磁电机高温退磁问题', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title: string;

  @ApiProperty({
    example: '电机在 150℃ 以上工况下磁钢退磁明显，寻求耐高温磁体或结构方案。',
    maxLength: 5000,
    description: 'The problem statement the public sees once the need is refined',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  publicSummary: string;

  @ApiPropertyOptional({
    example: '现用 N42SH 牌号，工作温度 160℃，退磁率 8%；目标 ≤2%。',
    maxLength: 50000,
    description:
      'Only the enterprise, the brokers of its centre, admins and applicants who recorded the undertaking read it',
  })
  @IsOptional()
  @IsString()
  @MaxLength(50000)
  confidentialDetails?: string;

  @ApiProperty({ example: 'new_materials', maxLength: 40 })
  @IsString()
  @MaxLength(40)
  industryChain: string;

  @ApiProperty({ example: '耐 180℃ 的磁体或电机结构优化方案，小批量验证', maxLength: 5000 })
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  desiredOutcome: string;

  @ApiProperty({ type: 'integer', example: 50_000_000, minimum: 0, description: 'fen; ≤ budgetMaxFen' })
  @IsInt()
  @Min(0)
  @Max(MAX_FEN)
  budgetMinFen: number;

  @ApiProperty({ type: 'integer', example: 200_000_000, minimum: 0, description: 'fen' })
  @IsInt()
  @Min(0)
  @Max(MAX_FEN)
  budgetMaxFen: number;

  @ApiPropertyOptional({
    example: '2027-12-31',
    pattern: DATE.source,
    maxLength: 10,
    description: 'A date the enterprise wishes the answer by',
  })
  @IsOptional()
  @IsString()
  @Matches(DATE, { message: 'deadlineWish must be a date like 2027-12-31' })
  deadlineWish?: string;

  @ApiPropertyOptional({
    example: true,
    description: 'Default true: the public sees "an enterprise in <region>, <chain>", never the name',
  })
  @IsOptional()
  @IsBoolean()
  anonymous?: boolean;
}

export class DiagnoseNeedDto {
  @ApiProperty({ example: '高温下钕铁硼矫顽力不足，需晶界扩散重稀土工艺', maxLength: 5000 })
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  realProblem: string;

  @ApiProperty({
    type: 'integer',
    example: 6,
    minimum: 1,
    maximum: 9,
    description: 'GB/T 22900 technology readiness level',
  })
  @IsInt()
  @Min(1)
  @Max(9)
  trlNeeded: number;

  @ApiProperty({ type: [IndicatorInputDto], minItems: 1, maxItems: 50 })
  @IsArray()
  @ArrayMinSize(1, { message: 'indicators must have at least one indicator' })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => IndicatorInputDto)
  indicators: IndicatorInputDto[];
}

/** The broker's refined public statement (optional: what the enterprise wrote is kept otherwise). */
export class RefineNeedDto {
  @ApiPropertyOptional({ example: '耐高温稀土永磁体制备技术', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional({ example: '寻求 180℃ 下退磁率不高于 2% 的永磁体制备技术。', maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  publicSummary?: string;
}

export class NeedReasonDto {
  @ApiProperty({ example: '需求描述不完整，请补充现有工艺参数', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason: string;
}

export class PromoteNeedDto {
  @ApiProperty({ example: EXAMPLE_IDS.program, format: 'uuid' })
  @IsUUID()
  programId: string;

  @ApiPropertyOptional({
    example: 'enterprise_demand',
    maxLength: 40,
    description: 'Default enterprise_demand',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  category?: string;

  @ApiProperty({ example: '2027-03-01T09:00:00+08:00', ...ISO_INSTANT_SCHEMA })
  @IsString()
  @Matches(ISO_INSTANT, { message: 'opensAt must be an ISO-8601 time with an offset' })
  opensAt: string;

  @ApiProperty({ example: '2027-04-30T17:00:00+08:00', ...ISO_INSTANT_SCHEMA })
  @IsString()
  @Matches(ISO_INSTANT, { message: 'closesAt must be an ISO-8601 time with an offset' })
  closesAt: string;

  @ApiProperty({ type: 'integer', example: 24, minimum: 1, maximum: 120 })
  @IsInt()
  @Min(1)
  @Max(120)
  durationMonths: number;

  @ApiPropertyOptional({
    type: 'integer',
    example: 0,
    minimum: 0,
    description:
      'Of the total (the need’s budgetMaxFen), the fiscal part; the rest is the enterprise’s co-funding. Default 0',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_FEN)
  fiscalFen?: number;

  @ApiPropertyOptional({ enum: SELECTION_MODES, description: 'Default single' })
  @IsOptional()
  @IsIn(SELECTION_MODES)
  selectionMode?: SelectionMode;
}

export class ExpressInterestDto {
  @ApiProperty({
    enum: INTEREST_KINDS,
    description: 'a team that could solve it, or the holder of a result that answers it',
  })
  @IsIn(INTEREST_KINDS)
  kind: InterestKind;

  @ApiProperty({ example: '我们团队有晶界扩散工艺中试线，可对接。', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  message: string;
}

export class IntroduceDto {
  @ApiProperty({ example: EXAMPLE_IDS.needInterest, format: 'uuid' })
  @IsUUID()
  interestId: string;

  @ApiProperty({ example: '已安排双方 3 月 10 日线上对接', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  note: string;

  @ApiPropertyOptional({
    example: false,
    description: 'The introduction answered the need: it becomes matched',
  })
  @IsOptional()
  @IsBoolean()
  markMatched?: boolean;
}
