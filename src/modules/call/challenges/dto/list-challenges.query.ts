import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
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
} from 'class-validator';
import { csvEnumProperty } from '../../../../common/openapi/csv-enum';
import { PageQueryDto } from '../../../../common/pagination/pagination';
import { CHALLENGE_STATUSES } from '../challenge-status';
import type { ChallengeStatus } from '../challenge-status';
import { ISO_INSTANT, ISO_INSTANT_SCHEMA, MAX_FEN } from './challenge-input.dto';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';

export const CHALLENGE_SORTS = [
  'publishedAt',
  '-publishedAt',
  'closesAt',
  '-closesAt',
  'totalFen',
  '-totalFen',
  'createdAt',
  '-createdAt',
] as const;
export type ChallengeSort = (typeof CHALLENGE_SORTS)[number];

export const CHALLENGE_SCOPES = ['public', 'mine', 'all'] as const;
export type ChallengeScope = (typeof CHALLENGE_SCOPES)[number];

const csv = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;

export class ListChallengesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description:
      'public (default): published challenges, no credentials needed; mine: every challenge of your organization, drafts included; all: every challenge (admin)',
    enum: CHALLENGE_SCOPES,
  })
  @IsOptional()
  @IsIn(CHALLENGE_SCOPES)
  scope?: ChallengeScope;

  @ApiPropertyOptional({
    description: `One status or several, comma-separated (open,published), of: ${CHALLENGE_STATUSES.join(', ')}. Statuses are by the clock: published challenges are open from opensAt and closed from closesAt.`,
    ...csvEnumProperty(CHALLENGE_STATUSES),
    example: 'open',
  })
  @IsOptional()
  @Transform(csv)
  @ArrayMaxSize(CHALLENGE_STATUSES.length)
  @IsIn(CHALLENGE_STATUSES, { each: true })
  status?: ChallengeStatus[];

  @ApiPropertyOptional({ example: 'key_technology', maxLength: 40 })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  category?: string;

  @ApiPropertyOptional({ example: 'rare_earths', maxLength: 40 })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  industryChain?: string;

  @ApiPropertyOptional({ example: EXAMPLE_IDS.program, format: 'uuid' })
  @IsOptional()
  @IsUUID()
  programId?: string;

  @ApiPropertyOptional({
    example: '360000',
    pattern: '^\\d{6}$',
    maxLength: 6,
    description:
      "The issuer's administrative division: 360000 matches the whole province, 360100 the city, 360102 the district",
  })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'region must be a 6-digit administrative division code' })
  region?: string;

  @ApiPropertyOptional({
    example: '高温超导',
    description:
      'Keyword(s) in the title, public summary or indicator names; Chinese works without spaces (高温超导). Several words separated by spaces must all match.',
    maxLength: 100,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({
    description: 'In fen',
    type: 'integer',
    format: 'int64',
    minimum: 0,
    maximum: MAX_FEN,
    example: 50_000_000,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_FEN)
  minTotalFen?: number;

  @ApiPropertyOptional({
    description: 'In fen',
    type: 'integer',
    format: 'int64',
    minimum: 0,
    maximum: MAX_FEN,
    example: 50_000_000,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_FEN)
  maxTotalFen?: number;

  @ApiPropertyOptional({
    example: '2027-05-01T00:00:00+08:00',
    description: 'closesAt before this time',
    ...ISO_INSTANT_SCHEMA,
  })
  @IsOptional()
  @Matches(ISO_INSTANT, { message: 'closesBefore must be an ISO-8601 time with an offset' })
  closesBefore?: string;

  @ApiPropertyOptional({
    example: '2027-03-01T00:00:00+08:00',
    description: 'closesAt at or after this time',
    ...ISO_INSTANT_SCHEMA,
  })
  @IsOptional()
  @Matches(ISO_INSTANT, { message: 'closesAfter must be an ISO-8601 time with an offset' })
  closesAfter?: string;

  @ApiPropertyOptional({
    enum: CHALLENGE_SORTS,
    description:
      'A leading - sorts descending; ties by id. A cursor is valid only with the same sort and filters. Default: -publishedAt for scope=public, -createdAt otherwise; a publishedAt sort needs scope=public (drafts have no publishedAt).',
  })
  @IsOptional()
  @IsIn(CHALLENGE_SORTS)
  sort?: ChallengeSort;
}
