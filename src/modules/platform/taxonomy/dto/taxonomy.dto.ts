import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { PageQueryDto } from '../../../../common/pagination/pagination';
import { TaxonomyTerm } from '../entities/taxonomy-term';
import { EXAMPLE_TIMES } from '../../../../common/openapi/examples';

export const TAXONOMY_CODE = /^[a-z][a-z0-9_]{1,39}$/;
/** OpenAPI for a TAXONOMY_CODE string. */
export const TAXONOMY_CODE_SCHEMA = { pattern: TAXONOMY_CODE.source, maxLength: 40 } as const;
export const SORT_ORDER = { min: 0, max: 1_000_000 } as const;

/** Absent is allowed, null is not (unlike @IsOptional, which lets null through). */
function IsOmittable(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

export class CreateTaxonomyTermDto {
  @ApiProperty({
    example: 'new_materials',
    ...TAXONOMY_CODE_SCHEMA,
    description: 'Stable; cannot change',
  })
  @IsString()
  @Matches(TAXONOMY_CODE, {
    message: 'code must be 2 to 40 lowercase letters, digits or underscores, starting with a letter',
  })
  code: string;

  @ApiProperty({ example: '新材料', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  nameZh: string;

  @ApiProperty({ example: 'New materials', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  nameEn: string;

  @ApiPropertyOptional({
    example: 10,
    type: 'integer',
    minimum: SORT_ORDER.min,
    maximum: SORT_ORDER.max,
    description: 'Defaults to after the last one',
  })
  @IsOmittable()
  @IsInt()
  @Min(SORT_ORDER.min)
  @Max(SORT_ORDER.max)
  sortOrder?: number;

  @ApiPropertyOptional({ example: true, default: true })
  @IsOmittable()
  @IsBoolean()
  active?: boolean;
}

/** The code never changes; `active: false` retires a term (there is no DELETE: records reference codes). */
export class UpdateTaxonomyTermDto {
  @ApiPropertyOptional({ example: '新材料', maxLength: 100 })
  @IsOmittable()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  nameZh?: string;

  @ApiPropertyOptional({ example: 'New materials', maxLength: 100 })
  @IsOmittable()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  nameEn?: string;

  @ApiPropertyOptional({ example: 20, type: 'integer', minimum: SORT_ORDER.min, maximum: SORT_ORDER.max })
  @IsOmittable()
  @IsInt()
  @Min(SORT_ORDER.min)
  @Max(SORT_ORDER.max)
  sortOrder?: number;

  @ApiPropertyOptional({ example: false })
  @IsOmittable()
  @IsBoolean()
  active?: boolean;
}

export class ListTaxonomyQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    example: true,
    type: Boolean,
    default: false,
    description: 'Also list retired terms (to show what older records reference)',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  includeInactive?: boolean;
}

export class TaxonomyTermResponseDto {
  @ApiProperty({ example: 'new_materials', ...TAXONOMY_CODE_SCHEMA }) code: string;
  @ApiProperty({ example: '新材料' }) nameZh: string;
  @ApiProperty({ example: 'New materials' }) nameEn: string;
  @ApiProperty({ type: 'integer', minimum: SORT_ORDER.min, maximum: SORT_ORDER.max, example: 10 })
  sortOrder: number;
  @ApiProperty({ example: true }) active: boolean;
  @ApiProperty({ type: 'integer', example: 1 }) version: number;
  @ApiProperty({ example: EXAMPLE_TIMES.created, format: 'date-time' }) createdAt: string;
  @ApiProperty({ example: EXAMPLE_TIMES.created, format: 'date-time' }) updatedAt: string;
}

export function toTaxonomyTermResponse(term: TaxonomyTerm): TaxonomyTermResponseDto {
  return {
    code: term.code,
    nameZh: term.nameZh,
    nameEn: term.nameEn,
    sortOrder: term.sortOrder,
    active: term.active,
    version: term.version,
    createdAt: term.createdAt.toISOString(),
    updatedAt: term.updatedAt.toISOString(),
  };
}
