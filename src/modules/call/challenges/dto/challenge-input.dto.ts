import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
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
import {
  ORGANIZATION_TYPES,
  type OrganizationType,
} from '../../../platform/organizations/organization-types';
import { ATTACHMENT_VISIBILITIES } from '../entities/challenge-attachment.entity';
import type { AttachmentVisibility } from '../entities/challenge-attachment.entity';
import { OUTCOME_KINDS, SELECTION_MODES } from '../entities/challenge.entity';
import type { OutcomeKind, SelectionMode } from '../entities/challenge.entity';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';

/** An ISO-8601 instant with an explicit offset (`Z` or `+08:00`): a bare local time is ambiguous. */
export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
/** OpenAPI for an ISO_INSTANT string: its pattern and the length of its longest form (…T09:00:00.123456+08:00). */
export const ISO_INSTANT_SCHEMA = { pattern: ISO_INSTANT.source, maxLength: 32 } as const;
const instantMessage = (field: string) =>
  `${field} must be an ISO-8601 time with an offset, like 2027-03-01T09:00:00+08:00`;
/** 1,000,000,000,000 yuan: far above any challenge, far below Number.MAX_SAFE_INTEGER. */
export const MAX_FEN = 100_000_000_000_000;

export class IndicatorInputDto {
  @ApiPropertyOptional({
    example: EXAMPLE_IDS.indicator,
    format: 'uuid',
    description:
      'The id of an indicator of this challenge to keep (applications refer to it); omit for a new one',
  })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiProperty({ example: '超导带材临界电流', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: '≥ 500', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  targetValue: string;

  @ApiProperty({ example: 'A', maxLength: 50, description: 'Empty for dimensionless indicators' })
  @IsString()
  @MaxLength(50)
  unit: string;

  @ApiProperty({ example: '第三方检测机构出具检测报告', maxLength: 1000 })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  verificationMethod: string;
}

export class ExpectedOutcomeDto {
  @ApiProperty({ enum: OUTCOME_KINDS })
  @IsIn(OUTCOME_KINDS)
  kind: OutcomeKind;

  @ApiProperty({ example: '工程样机 1 台', maxLength: 500 })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  description: string;
}

export class EligibilityDto {
  @ApiPropertyOptional({
    example: ['enterprise', 'university', 'research_institute'],
    enum: ORGANIZATION_TYPES,
    isArray: true,
    maxItems: ORGANIZATION_TYPES.length,
    description: 'Lead organization types allowed to apply, each once; empty or omitted: all',
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(ORGANIZATION_TYPES, { each: true })
  allowedOrganizationTypes?: OrganizationType[];

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', pattern: '^\\d{6}$', maxLength: 6 },
    maxItems: 50,
    example: ['360000'],
    description:
      'Administrative divisions the lead organization must be in (360000: the province, 360100: the city); empty or omitted: anywhere',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @Matches(/^\d{6}$/, { each: true, message: 'regionCodes must be 6-digit administrative division codes' })
  regionCodes?: string[];

  @ApiPropertyOptional({ example: true, default: true, description: 'Whether consortia (联合体) may apply' })
  @IsOptional()
  @IsBoolean()
  consortiumAllowed?: boolean;

  @ApiPropertyOptional({
    example: 2,
    nullable: true,
    minimum: 1,
    maximum: 20,
    description: "How many active challenges one leader may hold; omitted or null: the program's setting",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20)
  leaderConcurrencyLimit?: number | null;
}

export class ChallengeAttachmentInputDto {
  @ApiProperty({
    example: EXAMPLE_IDS.listAttachment,
    format: 'uuid',
    description: 'An attachment your organization uploaded (POST /attachments)',
  })
  @IsUUID()
  attachmentId: string;

  @ApiProperty({
    enum: ATTACHMENT_VISIBILITIES,
    description: 'public: in the public detail; confidential: only after the undertaking',
  })
  @IsIn(ATTACHMENT_VISIBILITIES)
  visibility: AttachmentVisibility;
}

export class CreateChallengeDto {
  @ApiProperty({ example: EXAMPLE_IDS.program, format: 'uuid' })
  @IsUUID()
  programId: string;

  @ApiProperty({ example: '高温超导带材低成本制备关键技术', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title: string;

  @ApiProperty({ example: 'key_technology', description: 'A category code (GET /categories)' })
  @IsString()
  @MaxLength(40)
  category: string;

  @ApiProperty({ example: 'new_materials', description: 'An industry chain code (GET /industry-chains)' })
  @IsString()
  @MaxLength(40)
  industryChain: string;

  @ApiProperty({ example: '我省电网企业亟需低损耗输电技术。', description: '需求背景', maxLength: 20000 })
  @IsString()
  @MinLength(1)
  @MaxLength(20000)
  background: string;

  @ApiProperty({
    example: '研制高温超导电缆样机，临界电流与交流损耗达到国际先进水平。',
    description: 'What everyone sees',
    maxLength: 5000,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  publicSummary: string;

  @ApiPropertyOptional({
    example: '目标电网接入点为某 220kV 变电站，负荷曲线见附件。',
    description: 'The real specifications; shown only after the non-disclosure undertaking',
    maxLength: 50000,
    default: '',
  })
  @IsOptional()
  @IsString()
  @MaxLength(50000)
  confidentialDetails?: string;

  @ApiProperty({ type: [IndicatorInputDto], minItems: 1, maxItems: 50 })
  @IsArray()
  @ArrayMinSize(1, { message: 'indicators must have at least one indicator' })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => IndicatorInputDto)
  indicators: IndicatorInputDto[];

  @ApiPropertyOptional({ type: [ExpectedOutcomeDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ExpectedOutcomeDto)
  expectedOutcomes?: ExpectedOutcomeDto[];

  @ApiProperty({
    type: 'integer',
    example: 500_000_000,
    description: 'fiscalFen + cofundingFen, in fen (1/100 yuan)',
  })
  @IsInt()
  @Min(1)
  @Max(MAX_FEN)
  totalFen: number;

  @ApiProperty({ type: 'integer', example: 300_000_000, description: 'Fiscal (government) funding, in fen' })
  @IsInt()
  @Min(0)
  @Max(MAX_FEN)
  fiscalFen: number;

  @ApiProperty({
    type: 'integer',
    example: 200_000_000,
    description: "The issuer's own funding (co-funding), in fen",
  })
  @IsInt()
  @Min(0)
  @Max(MAX_FEN)
  cofundingFen: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 120, example: 24 })
  @IsInt()
  @Min(1)
  @Max(120)
  durationMonths: number;

  @ApiProperty({
    example: '2027-03-01T09:00:00+08:00',
    description: 'When applications open',
    ...ISO_INSTANT_SCHEMA,
  })
  @IsString()
  @Matches(ISO_INSTANT, { message: instantMessage('opensAt') })
  opensAt: string;

  @ApiProperty({
    example: '2027-04-30T17:00:00+08:00',
    description: 'When applications close',
    ...ISO_INSTANT_SCHEMA,
  })
  @IsString()
  @Matches(ISO_INSTANT, { message: instantMessage('closesAt') })
  closesAt: string;

  @ApiPropertyOptional({ type: EligibilityDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => EligibilityDto)
  eligibility?: EligibilityDto;

  @ApiProperty({
    enum: SELECTION_MODES,
    description: 'single winner, or a horse race (赛马) of teamCount teams',
  })
  @IsIn(SELECTION_MODES)
  selectionMode: SelectionMode;

  @ApiPropertyOptional({
    type: 'integer',
    example: 1,
    minimum: 1,
    description: "1 for single; 2 up to the program's maxHorseRaceTeams for a horse race",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  teamCount?: number;

  @ApiPropertyOptional({ type: [ChallengeAttachmentInputDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ChallengeAttachmentInputDto)
  attachments?: ChallengeAttachmentInputDto[];
}

/** A draft's edit: any field of the draft; lists (indicators, attachments, outcomes) are replaced whole. */
export class UpdateChallengeDto extends PartialType(CreateChallengeDto) {}

/** The fields an amendment may change after publication (money, program and taxonomy are fixed then). */
export class AmendableFieldsDto extends PartialType(
  PickType(CreateChallengeDto, [
    'title',
    'background',
    'publicSummary',
    'confidentialDetails',
    'indicators',
    'expectedOutcomes',
    'durationMonths',
    'opensAt',
    'closesAt',
    'eligibility',
    'attachments',
  ] as const),
) {}

export class AmendChallengeDto {
  @ApiProperty({
    example: '延长揭榜截止时间两周',
    description: 'Why (shown in the public amendment history)',
    maxLength: 2000,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason: string;

  @ApiProperty({ type: AmendableFieldsDto })
  @ValidateNested()
  @Type(() => AmendableFieldsDto)
  changes: AmendableFieldsDto;
}

export class ReasonDto {
  @ApiProperty({ example: '指标表述不清，请补充验证方式后重新提交', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason: string;
}

export class AcceptNdaDto {
  @ApiProperty({
    enum: [true],
    description: 'true: I accept the non-disclosure undertaking for this challenge (recorded and audited)',
  })
  @IsIn([true], { message: 'accepted must be true' })
  accepted: true;
}
