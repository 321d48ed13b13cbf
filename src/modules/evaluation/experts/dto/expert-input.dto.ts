import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../../../../common/pagination/pagination';
import { TAXONOMY_CODE, TAXONOMY_CODE_SCHEMA } from '../../../platform/taxonomy/dto/taxonomy.dto';
import { COLLABORATION_YEARS, MAX_COLLABORATIONS, MAX_INDUSTRY_CHAINS, MAX_KEYWORDS } from '../expert-rules';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';

const NOT_BLANK = /\S/;

/** Absent means unchanged; null is not a value for these (IsOptional would let it through). */
const unlessAbsent = ValidateIf((_object: object, value: unknown) => value !== undefined);

export class CollaborationInputDto {
  @ApiProperty({
    example: EXAMPLE_IDS.partnerOrganization,
    format: 'uuid',
    description: 'The organization collaborated with',
  })
  @IsUUID()
  organizationId: string;

  @ApiProperty({
    example: '联合承担省重点研发计划项目',
    maxLength: 500,
    description: 'What the collaboration was (may be empty)',
  })
  @IsString()
  @MaxLength(500)
  description: string;

  @ApiProperty({
    type: 'integer',
    minimum: COLLABORATION_YEARS.min,
    maximum: COLLABORATION_YEARS.max,
    example: 2023,
  })
  @IsInt()
  @Min(COLLABORATION_YEARS.min)
  @Max(COLLABORATION_YEARS.max)
  fromYear: number;

  @ApiPropertyOptional({
    example: 2025,
    minimum: COLLABORATION_YEARS.min,
    maximum: COLLABORATION_YEARS.max,
    nullable: true,
    type: Number,
    description: 'The last year; omitted or null: ongoing. Not before fromYear',
  })
  @IsOptional()
  @IsInt()
  @Min(COLLABORATION_YEARS.min)
  @Max(COLLABORATION_YEARS.max)
  toYear?: number | null;
}

const industryChainsProperty = (required: boolean) =>
  (required ? ApiProperty : ApiPropertyOptional)({
    type: 'array',
    items: { type: 'string', ...TAXONOMY_CODE_SCHEMA },
    example: ['new_materials', 'rare_earths'],
    minItems: 1,
    maxItems: MAX_INDUSTRY_CHAINS,
    description: 'Fields of expertise: codes of active industry chains (GET /industry-chains), each once',
  });

const keywordsProperty = ApiPropertyOptional({
  type: [String],
  example: ['高温超导', '稀土永磁'],
  maxItems: MAX_KEYWORDS,
  description: 'Fields of expertise in words; trimmed, each kept once',
});

const collaborationsProperty = ApiPropertyOptional({
  type: [CollaborationInputDto],
  maxItems: MAX_COLLABORATIONS,
  description:
    'Declared collaborations with organizations (the conflict check reads them). On PATCH: the whole list, replacing the previous one',
});

export class CreateExpertDto {
  @ApiProperty({
    example: EXAMPLE_IDS.expertUser,
    format: 'uuid',
    description: 'An enabled user with the expert role, without a profile yet',
  })
  @IsUUID()
  userId: string;

  @ApiPropertyOptional({
    example: EXAMPLE_IDS.expertOrganization,
    format: 'uuid',
    description: "The organization the expert works for; omitted: the user's own organization",
  })
  @IsOptional()
  @IsUUID()
  affiliationOrganizationId?: string;

  @ApiProperty({
    example: '教授级高级工程师',
    maxLength: 100,
    description: '职称, free text (may be empty); shown, never used by any rule',
  })
  @IsString()
  @MaxLength(100)
  title: string;

  @industryChainsProperty(true)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_INDUSTRY_CHAINS)
  @ArrayUnique()
  @Matches(TAXONOMY_CODE, { each: true, message: 'each industry chain must be a taxonomy code' })
  industryChains: string[];

  @keywordsProperty
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_KEYWORDS)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(50, { each: true })
  @Matches(NOT_BLANK, { each: true, message: 'keywords must not be blank' })
  keywords?: string[];

  @collaborationsProperty
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_COLLABORATIONS)
  @ValidateNested({ each: true })
  @Type(() => CollaborationInputDto)
  collaborations?: CollaborationInputDto[];

  @ApiPropertyOptional({ example: true, default: true, description: 'Inactive experts are never drawn' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

/**
 * Everything optional; what is given replaces what was. Admins change every field; the expert
 * itself every field but `active` (403).
 */
export class UpdateExpertDto {
  @ApiPropertyOptional({
    example: EXAMPLE_IDS.expertOrganization,
    format: 'uuid',
    description:
      'The organization the expert works for. Audited; the conflict check runs again when the expert declares',
  })
  @unlessAbsent
  @IsUUID()
  affiliationOrganizationId?: string;

  @ApiPropertyOptional({ example: '研究员', maxLength: 100, description: '职称, free text (may be empty)' })
  @unlessAbsent
  @IsString()
  @MaxLength(100)
  title?: string;

  @industryChainsProperty(false)
  @unlessAbsent
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_INDUSTRY_CHAINS)
  @ArrayUnique()
  @Matches(TAXONOMY_CODE, { each: true, message: 'each industry chain must be a taxonomy code' })
  industryChains?: string[];

  @keywordsProperty
  @unlessAbsent
  @IsArray()
  @ArrayMaxSize(MAX_KEYWORDS)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(50, { each: true })
  @Matches(NOT_BLANK, { each: true, message: 'keywords must not be blank' })
  keywords?: string[];

  @collaborationsProperty
  @unlessAbsent
  @IsArray()
  @ArrayMaxSize(MAX_COLLABORATIONS)
  @ValidateNested({ each: true })
  @Type(() => CollaborationInputDto)
  collaborations?: CollaborationInputDto[];

  @ApiPropertyOptional({ example: true, description: 'Admins only (an expert sending it gets 403)' })
  @unlessAbsent
  @IsBoolean()
  active?: boolean;
}

export class ListExpertsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    example: 'new_materials',
    description: 'Experts of this industry chain',
    ...TAXONOMY_CODE_SCHEMA,
  })
  @IsOptional()
  @Matches(TAXONOMY_CODE, { message: 'industryChain must be a taxonomy code' })
  industryChain?: string;

  @ApiPropertyOptional({
    example: true,
    type: Boolean,
    description: 'Only active (true) or inactive (false) experts',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({
    example: EXAMPLE_IDS.expertOrganization,
    format: 'uuid',
    description: 'Experts affiliated with this organization',
  })
  @IsOptional()
  @IsUUID()
  affiliationOrganizationId?: string;

  @ApiPropertyOptional({
    example: '超导',
    maxLength: 50,
    description: "Case-insensitive part of a keyword or of the expert's display name",
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  @Matches(NOT_BLANK, { message: 'q must not be blank' })
  q?: string;
}
