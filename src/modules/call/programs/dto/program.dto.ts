import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type as TransformType } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../../../../common/pagination/pagination';
import { ProgramEntity } from '../entities/program.entity';
import {
  AGGREGATIONS,
  BOOLEAN_SETTINGS,
  DEFAULT_PROGRAM_SETTINGS,
  describeRange,
  ProgramSettings,
  REMINDER_OFFSETS,
  RUBRIC_LIMITS,
  SETTING_RANGES,
} from '../program-settings';
import type { Rubric, RubricCriterion } from '../program-settings';
import { EXAMPLE_IDS, EXAMPLE_TIMES, EXAMPLE_TEXT } from '../../../../common/openapi/examples';

export const PROGRAM_YEAR = { min: 2000, max: 2100 } as const;

/** Absent is allowed, null is not (unlike @IsOptional, which lets null through). */
function IsOmittable(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

/** Type, range and OpenAPI of one numeric setting, from SETTING_RANGES. */
function SettingNumber(key: keyof typeof SETTING_RANGES, description: string): PropertyDecorator {
  const range = SETTING_RANGES[key];
  const message = `${key} must be ${describeRange(range)}`;
  return applyDecorators(
    ApiProperty({
      type: range.decimals === 0 ? 'integer' : 'number',
      minimum: range.min,
      maximum: range.max,
      default: DEFAULT_PROGRAM_SETTINGS[key],
      example: DEFAULT_PROGRAM_SETTINGS[key],
      description,
    }),
    range.decimals === 0
      ? IsInt({ message })
      : IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: range.decimals }, { message }),
    Min(range.min, { message }),
    Max(range.max, { message }),
  );
}

function SettingBoolean(key: (typeof BOOLEAN_SETTINGS)[number], description: string): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      default: DEFAULT_PROGRAM_SETTINGS[key],
      example: DEFAULT_PROGRAM_SETTINGS[key],
      description,
    }),
    IsBoolean(),
  );
}

/** The complete policy settings of a program (every response carries all of them). */
export class ProgramSettingsDto implements ProgramSettings {
  @SettingNumber(
    'publicityWorkingDays',
    'Publicity period (公示期) in Asia/Shanghai working days, by the official calendar (GET /calendar/{year}): weekends and public holidays skipped, make-up working days counted',
  )
  publicityWorkingDays: number;

  @SettingNumber(
    'reviewWorkingDays',
    "Review period: a panel's scores are due this many Asia/Shanghai working days after the draw (official calendar: weekends and public holidays skipped, make-up working days counted); experts are reminded before it",
  )
  reviewWorkingDays: number;

  @SettingNumber('panelSize', 'Experts on a review panel')
  panelSize: number;

  @SettingNumber(
    'minEnterpriseExpertPercent',
    'At least ceil(panelSize × percent / 100) panel experts are affiliated with an enterprise (33 gives one third)',
  )
  minEnterpriseExpertPercent: number;

  @SettingNumber('reserveExperts', 'Reserve experts drawn with the panel')
  reserveExperts: number;

  @SettingNumber(
    'conflictWindowYears',
    'A declared collaboration within this many years is a conflict of interest',
  )
  conflictWindowYears: number;

  @ApiProperty({ enum: AGGREGATIONS, default: DEFAULT_PROGRAM_SETTINGS.aggregation })
  @IsIn(AGGREGATIONS)
  aggregation: ProgramSettings['aggregation'];

  @SettingNumber(
    'trimMinScores',
    'The trimmed mean drops the highest and lowest total when at least this many scored',
  )
  trimMinScores: number;

  @SettingNumber(
    'outlierThresholdPoints',
    'A total this many points from the median is flagged as an outlier',
  )
  outlierThresholdPoints: number;

  @SettingNumber('passLine', 'Applications whose aggregated total (0..100) is below this cannot be selected')
  passLine: number;

  @SettingNumber('firstTranchePercent', "Cap of the first tranche, percent of each payer's amount")
  firstTranchePercent: number;

  @SettingNumber(
    'finalTranchePercent',
    "The final tranche (after acceptance), percent of each payer's amount; firstTranchePercent + finalTranchePercent ≤ 100",
  )
  finalTranchePercent: number;

  @SettingNumber('maxHorseRaceTeams', 'Teams that may run in parallel on one challenge (赛马)')
  maxHorseRaceTeams: number;

  @SettingNumber('maxActiveListsPerLeader', 'Challenges one team leader may hold at the same time')
  maxActiveListsPerLeader: number;

  @ApiProperty({
    example: [168, 24],
    type: 'integer',
    isArray: true,
    maxItems: REMINDER_OFFSETS.maxCount,
    default: DEFAULT_PROGRAM_SETTINGS.reminderOffsetsHours,
    description: `Reminders before each deadline, in hours (${REMINDER_OFFSETS.min}..${REMINDER_OFFSETS.max}), distinct; answered sorted descending`,
  })
  @IsArray()
  @ArrayMaxSize(REMINDER_OFFSETS.maxCount)
  @IsInt({ each: true })
  @Min(REMINDER_OFFSETS.min, { each: true })
  @Max(REMINDER_OFFSETS.max, { each: true })
  reminderOffsetsHours: number[];

  @SettingBoolean('blindReview', 'Experts do not see team or organization identities')
  blindReview: boolean;

  @SettingBoolean('issuerSeesApplicantIdentities', 'The issuer sees who applies to its challenges')
  issuerSeesApplicantIdentities: boolean;

  @SettingBoolean(
    'conditionalPassReleasesTranche',
    'A milestone passed with conditions still releases its tranche',
  )
  conditionalPassReleasesTranche: boolean;

  @SettingNumber('milestoneResubmissions', 'Times a failed milestone report may be resubmitted')
  milestoneResubmissions: number;

  @SettingBoolean(
    'drawFitWeighting',
    "The panel draw weights each qualified expert by its fit to the list's public text (shared terms); still random and replayable from the seed, the fits recorded in the audit event",
  )
  drawFitWeighting: boolean;

  @SettingNumber(
    'expertYearlyPanelCap',
    'Panel seats (review and acceptance; members and called reserves) one expert may take in the calendar year (Asia/Shanghai) of a draw; an expert at the cap is not drawn; 0: no cap',
  )
  expertYearlyPanelCap: number;
}

/** Some settings: the rest keep their current values (defaults on creation). */
export class ProgramSettingsPatchDto extends PartialType(ProgramSettingsDto) {}

export class RubricCriterionInputDto {
  @ApiProperty({ example: 'technical_approach', pattern: RUBRIC_LIMITS.key.source, maxLength: 40 })
  @IsString()
  @Matches(RUBRIC_LIMITS.key, { message: 'key must be a lowercase slug like technical_approach' })
  key: string;

  @ApiProperty({ example: '技术路线', maxLength: RUBRIC_LIMITS.nameMaxLength })
  @IsString()
  @MinLength(1)
  @MaxLength(RUBRIC_LIMITS.nameMaxLength)
  name: string;

  @ApiProperty({
    example: 30,
    type: 'integer',
    minimum: RUBRIC_LIMITS.weight.min,
    maximum: RUBRIC_LIMITS.weight.max,
  })
  @IsInt()
  @Min(RUBRIC_LIMITS.weight.min)
  @Max(RUBRIC_LIMITS.weight.max)
  weight: number;

  @ApiPropertyOptional({
    example: 30,
    type: 'integer',
    minimum: RUBRIC_LIMITS.maxScore.min,
    maximum: RUBRIC_LIMITS.maxScore.max,
    description: 'The highest score on this criterion; defaults to the weight',
  })
  @IsOmittable()
  @IsInt()
  @Min(RUBRIC_LIMITS.maxScore.min)
  @Max(RUBRIC_LIMITS.maxScore.max)
  maxScore?: number;
}

export class RubricInputDto {
  @ApiProperty({
    type: [RubricCriterionInputDto],
    minItems: RUBRIC_LIMITS.minCriteria,
    maxItems: RUBRIC_LIMITS.maxCriteria,
    description: `Weights sum to ${RUBRIC_LIMITS.weightTotal}; keys are unique`,
  })
  @IsArray()
  @ArrayMinSize(RUBRIC_LIMITS.minCriteria)
  @ArrayMaxSize(RUBRIC_LIMITS.maxCriteria)
  @ValidateNested({ each: true })
  @TransformType(() => RubricCriterionInputDto)
  criteria: RubricCriterionInputDto[];
}

export class CreateProgramDto {
  @ApiProperty({ example: '南昌市2027年关键技术揭榜挂帅', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ type: 'integer', example: 2027, minimum: PROGRAM_YEAR.min, maximum: PROGRAM_YEAR.max })
  @IsInt()
  @Min(PROGRAM_YEAR.min)
  @Max(PROGRAM_YEAR.max)
  year: number;

  @ApiPropertyOptional({
    example: '面向全市重点产业链关键核心技术需求，公开张榜，择优揭榜。',
    maxLength: 5000,
  })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @ApiPropertyOptional({
    type: ProgramSettingsPatchDto,
    description: 'Settings left out take their defaults',
  })
  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @TransformType(() => ProgramSettingsPatchDto)
  settings?: ProgramSettingsPatchDto;

  @ApiPropertyOptional({ type: RubricInputDto, description: 'Omitted: the default rubric' })
  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @TransformType(() => RubricInputDto)
  rubric?: RubricInputDto;
}

export class UpdateProgramDto {
  @ApiPropertyOptional({ example: '南昌市2027年关键技术揭榜挂帅', maxLength: 200 })
  @IsOmittable()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({
    example: 2027,
    type: 'integer',
    minimum: PROGRAM_YEAR.min,
    maximum: PROGRAM_YEAR.max,
  })
  @IsOmittable()
  @IsInt()
  @Min(PROGRAM_YEAR.min)
  @Max(PROGRAM_YEAR.max)
  year?: number;

  @ApiPropertyOptional({
    example: '面向全市重点产业链关键核心技术需求，公开张榜，择优揭榜。',
    maxLength: 5000,
    nullable: true,
    type: String,
    description: 'null clears it',
  })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string | null;

  @ApiPropertyOptional({ type: ProgramSettingsPatchDto, description: 'Merged into the current settings' })
  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @TransformType(() => ProgramSettingsPatchDto)
  settings?: ProgramSettingsPatchDto;

  @ApiPropertyOptional({ type: RubricInputDto, description: 'Replaces the whole rubric' })
  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @TransformType(() => RubricInputDto)
  rubric?: RubricInputDto;
}

export class ListProgramsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    example: 2027,
    type: 'integer',
    minimum: PROGRAM_YEAR.min,
    maximum: PROGRAM_YEAR.max,
  })
  @IsOptional()
  @TransformType(() => Number)
  @IsInt()
  @Min(PROGRAM_YEAR.min)
  @Max(PROGRAM_YEAR.max)
  year?: number;
}

export class RubricCriterionDto implements RubricCriterion {
  @ApiProperty({ example: 'technical_approach' }) key: string;
  @ApiProperty({ example: '技术路线' }) name: string;
  @ApiProperty({
    type: 'integer',
    example: 30,
    minimum: RUBRIC_LIMITS.weight.min,
    maximum: RUBRIC_LIMITS.weight.max,
  })
  weight: number;
  @ApiProperty({
    type: 'integer',
    example: 30,
    minimum: RUBRIC_LIMITS.maxScore.min,
    maximum: RUBRIC_LIMITS.maxScore.max,
  })
  maxScore: number;
}

export class RubricDto implements Rubric {
  @ApiProperty({ type: [RubricCriterionDto] }) criteria: RubricCriterionDto[];
}

export class ProgramResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.program, format: 'uuid' }) id: string;
  @ApiProperty({ example: EXAMPLE_TEXT.programName }) name: string;
  @ApiProperty({ type: 'integer', example: 2027, minimum: PROGRAM_YEAR.min, maximum: PROGRAM_YEAR.max })
  year: number;
  @ApiProperty({
    example: '面向全市重点产业链关键核心技术需求，公开张榜，择优揭榜。',
    nullable: true,
    type: String,
  })
  description: string | null;
  @ApiProperty({ type: ProgramSettingsDto, description: 'The complete effective settings' })
  settings: ProgramSettingsDto;
  @ApiProperty({ type: RubricDto }) rubric: RubricDto;
  @ApiProperty({ type: 'integer', example: 1 }) version: number;
  @ApiProperty({ example: EXAMPLE_TIMES.created, format: 'date-time' }) createdAt: string;
  @ApiProperty({ example: EXAMPLE_TIMES.created, format: 'date-time' }) updatedAt: string;
}

/** The rubric a request describes: maxScore defaults to the weight. */
export function toRubric(dto: RubricInputDto): Rubric {
  return {
    criteria: dto.criteria.map((c) => ({
      key: c.key,
      name: c.name.trim(),
      weight: c.weight,
      maxScore: c.maxScore ?? c.weight,
    })),
  };
}

export function toProgramResponse(program: ProgramEntity): ProgramResponseDto {
  return {
    id: program.id,
    name: program.name,
    year: program.year,
    description: program.description,
    settings: { ...program.settings, reminderOffsetsHours: [...program.settings.reminderOffsetsHours] },
    rubric: { criteria: program.rubric.criteria.map((c) => ({ ...c })) },
    version: program.version,
    createdAt: program.createdAt.toISOString(),
    updatedAt: program.updatedAt.toISOString(),
  };
}
