import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { CHALLENGE_STATUSES } from '../../../call/challenges/challenge-status';
import type { ChallengeStatus } from '../../../call/challenges/challenge-status';
import { PROGRAM_YEAR } from '../../../call/programs/dto/program.dto';
import {
  ACCEPTANCE_RATE_DEFINITION,
  AWARD_RATE_DEFINITION,
  APPLICATIONS_CLOSED_STATUSES,
} from '../stats-rules';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';

export class StatsQueryDto {
  @ApiPropertyOptional({
    example: EXAMPLE_IDS.program,
    format: 'uuid',
    description: 'Only the challenges of this program (404 if there is none)',
  })
  @IsOptional()
  @IsUUID()
  programId?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: PROGRAM_YEAR.min,
    maximum: PROGRAM_YEAR.max,
    example: 2027,
    description: "Only the challenges of programs of this year (the program's `year`, the year of the call)",
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(PROGRAM_YEAR.min)
  @Max(PROGRAM_YEAR.max)
  year?: number;
}

/** How many challenges and how much money; amounts in fen, integers (fiscal + co-funding = total). */
export class AmountsDto {
  @ApiProperty({ type: 'integer', example: 12, description: 'Published challenges' })
  count: number;

  @ApiProperty({ type: 'integer', example: 1_250_000_000, description: 'Sum of totalFen' })
  totalFen: number;

  @ApiProperty({ type: 'integer', example: 800_000_000, description: 'Sum of fiscalFen (财政资金)' })
  fiscalFen: number;

  @ApiProperty({
    type: 'integer',
    example: 450_000_000,
    description: "Sum of cofundingFen (the issuers' own funding, 配套)",
  })
  cofundingFen: number;
}

export class TermAmountsDto extends AmountsDto {
  @ApiProperty({ example: 'new_materials' })
  code: string;

  @ApiProperty({ example: '新材料', description: 'The taxonomy name (the code when the term is unknown)' })
  nameZh: string;

  @ApiProperty({ example: 'New materials' })
  nameEn: string;
}

export class RegionAmountsDto extends AmountsDto {
  @ApiProperty({
    example: '360100',
    description: "The issuing organization's 6-digit administrative division",
  })
  regionCode: string;
}

export class StatusAmountsDto extends AmountsDto {
  @ApiProperty({
    enum: CHALLENGE_STATUSES,
    example: 'open',
    description:
      'The status by the clock, as GET /challenges shows it (published → open → closed at opensAt/closesAt)',
  })
  status: ChallengeStatus;
}

export class BidBucketDto {
  @ApiProperty({ example: '3-5', enum: ['0', '1', '2', '3-5', '6-10', '11+'] })
  bucket: string;

  @ApiProperty({ type: 'integer', example: 3 })
  min: number;

  @ApiProperty({ example: 5, nullable: true, type: 'integer', description: 'null: no upper bound' })
  max: number | null;

  @ApiProperty({ type: 'integer', example: 4, description: 'Challenges with that many applications' })
  lists: number;
}

export class BidStatsDto {
  @ApiProperty({
    type: 'integer',
    example: 9,
    description: `Challenges whose application window has closed (status ${APPLICATIONS_CLOSED_STATUSES.join(', ')}): application counts are public only once a challenge has closed`,
  })
  lists: number;

  @ApiProperty({
    type: 'integer',
    example: 31,
    description: 'Applications submitted and not withdrawn on those challenges',
  })
  bids: number;

  @ApiProperty({
    example: 3.44,
    nullable: true,
    type: Number,
    description: 'applications / challenges, 2 decimals; null without challenges',
  })
  averagePerList: number | null;

  @ApiProperty({
    type: [BidBucketDto],
    description: 'How many challenges had 0, 1, 2, 3-5, 6-10 and 11+ applications (always these six)',
  })
  distribution: BidBucketDto[];
}

export class AwardRateDto {
  @ApiProperty({ type: 'integer', example: 5 })
  awarded: number;

  @ApiProperty({ type: 'integer', example: 1, description: 'Declared unsuccessful (流榜)' })
  unsuccessful: number;

  @ApiProperty({ type: 'integer', example: 6, description: 'awarded + unsuccessful' })
  decided: number;

  @ApiProperty({ example: 0.8333, nullable: true, type: Number, description: AWARD_RATE_DEFINITION })
  rate: number | null;
}

export class AcceptanceRateDto {
  @ApiProperty({ type: 'integer', example: 3 })
  passed: number;

  @ApiProperty({ type: 'integer', example: 1 })
  failed: number;

  @ApiProperty({ type: 'integer', example: 4, description: 'passed + failed' })
  decided: number;

  @ApiProperty({ example: 0.75, nullable: true, type: Number, description: ACCEPTANCE_RATE_DEFINITION })
  rate: number | null;
}

/** `GET /stats/overview`: published challenges only (never drafts, challenges under vetting or never published). */
export class StatsOverviewDto {
  @ApiProperty({
    example: EXAMPLE_IDS.program,
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The programId filter, or null',
  })
  programId: string | null;

  @ApiProperty({ nullable: true, type: 'integer', example: 2027, description: 'The year filter, or null' })
  year: number | null;

  @ApiProperty({
    example: '2027-07-01T00:00:00.000Z',
    format: 'date-time',
    description:
      'When these figures were computed (statuses are by the clock at that time); reused for up to 60 s',
  })
  generatedAt: string;

  @ApiProperty({ type: AmountsDto, description: 'Every published challenge in scope' })
  lists: AmountsDto;

  @ApiProperty({
    type: [TermAmountsDto],
    description: 'Per category, in taxonomy order; only categories with challenges',
  })
  byCategory: TermAmountsDto[];

  @ApiProperty({
    type: [TermAmountsDto],
    description: 'Per industry chain, in taxonomy order; only chains with challenges',
  })
  byIndustryChain: TermAmountsDto[];

  @ApiProperty({
    type: [RegionAmountsDto],
    description: 'Per region code, ascending; only regions with challenges',
  })
  byRegion: RegionAmountsDto[];

  @ApiProperty({
    type: [StatusAmountsDto],
    description: 'Per status, in lifecycle order; only statuses with challenges',
  })
  byStatus: StatusAmountsDto[];

  @ApiProperty({ type: BidStatsDto })
  bids: BidStatsDto;

  @ApiProperty({ type: AwardRateDto })
  awardRate: AwardRateDto;

  @ApiProperty({ type: AcceptanceRateDto })
  acceptancePassRate: AcceptanceRateDto;
}
