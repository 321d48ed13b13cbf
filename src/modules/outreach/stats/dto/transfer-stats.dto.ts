import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ISO_DATE } from '../../../platform/calendar/dto/calendar.dto';
import { REGION_CODE } from '../../../platform/organizations/dto/organization.dto';
import { ContractFigureDto } from '../../../transfer/contracts/dto/contract-response.dto';
import { FUNNEL_STEPS } from '../transfer-funnel';
import type { FunnelStepName } from '../transfer-funnel';

export class TransferStatsQueryDto {
  @ApiPropertyOptional({
    example: 'new_materials',
    maxLength: 40,
    description: 'Only this industry chain (400 if the taxonomy has no such chain)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  industryChainCode?: string;

  @ApiPropertyOptional({
    example: '360102',
    pattern: REGION_CODE.source,
    maxLength: 6,
    description:
      '6-digit administrative division code, matched exactly (the need’s, the contract’s, the result holder’s)',
  })
  @IsOptional()
  @MaxLength(6)
  @Matches(REGION_CODE, { message: 'regionCode must be a 6-digit administrative division code' })
  regionCode?: string;

  @ApiPropertyOptional({
    example: '2027-01-01',
    pattern: ISO_DATE.source,
    maxLength: 10,
    description: 'First Asia/Shanghai calendar day of the period (inclusive)',
  })
  @IsOptional()
  @MaxLength(10)
  @Matches(ISO_DATE, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({
    example: '2027-12-31',
    pattern: ISO_DATE.source,
    maxLength: 10,
    description: 'Last Asia/Shanghai calendar day of the period (inclusive; not before from)',
  })
  @IsOptional()
  @MaxLength(10)
  @Matches(ISO_DATE, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;
}

export class FunnelStepDto {
  @ApiProperty({ enum: FUNNEL_STEPS, example: 'refined' })
  step: FunnelStepName;

  @ApiProperty({
    type: 'integer',
    example: 8,
    description: 'Objects that reached this step, each counted once',
  })
  count: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 6.5,
    description:
      'Median days from the predecessor event (0.01 day); null for filed and when nothing reached the step',
  })
  medianDaysFromPrevious: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 7.25,
    description: 'Mean days from the predecessor event',
  })
  meanDaysFromPrevious: number | null;
}

const STEPS_EXAMPLE = [
  { step: 'filed', count: 12, medianDaysFromPrevious: null, meanDaysFromPrevious: null },
  { step: 'refined', count: 8, medianDaysFromPrevious: 6.5, meanDaysFromPrevious: 7.25 },
  { step: 'listed', count: 4, medianDaysFromPrevious: 21, meanDaysFromPrevious: 24.5 },
  { step: 'projects', count: 3, medianDaysFromPrevious: 62, meanDaysFromPrevious: 60.33 },
  { step: 'results', count: 1, medianDaysFromPrevious: 540, meanDaysFromPrevious: 540 },
  { step: 'contracts', count: 2, medianDaysFromPrevious: 30, meanDaysFromPrevious: 45 },
];

export class FunnelDto {
  @ApiProperty({
    type: [FunnelStepDto],
    example: STEPS_EXAMPLE,
    description: 'Always the six steps, in order: filed, refined, listed, projects, results, contracts',
  })
  steps: FunnelStepDto[];
}

export class ChainFunnelDto {
  @ApiProperty({ example: 'new_materials', description: 'The root need’s industry chain' })
  industryChainCode: string;

  @ApiProperty({ type: [FunnelStepDto], example: STEPS_EXAMPLE })
  steps: FunnelStepDto[];
}

export class RegionFunnelDto {
  @ApiProperty({ example: '360102', description: 'The root need’s region' })
  regionCode: string;

  @ApiProperty({ type: [FunnelStepDto], example: STEPS_EXAMPLE })
  steps: FunnelStepDto[];
}

export class CountDto {
  @ApiProperty({ example: 'new_materials', description: 'The status, chain, region, type or TRL' })
  key: string;

  @ApiProperty({ type: 'integer', example: 3 })
  count: number;
}

export class PublicNeedFiguresDto {
  @ApiProperty({
    type: 'integer',
    example: 9,
    description: 'Public needs (refined, listed, matched, long_term) filed in the period',
  })
  total: number;

  @ApiProperty({ type: [CountDto], example: [{ key: 'refined', count: 5 }] })
  byStatus: CountDto[];

  @ApiProperty({ type: [CountDto], example: [{ key: 'new_materials', count: 6 }] })
  byIndustryChain: CountDto[];

  @ApiProperty({ type: [CountDto], example: [{ key: '360102', count: 4 }] })
  byRegion: CountDto[];
}

export class PublishedResultFiguresDto {
  @ApiProperty({ type: 'integer', example: 7, description: 'Results published in the period' })
  total: number;

  @ApiProperty({ type: [CountDto], example: [{ key: 'patent', count: 4 }] })
  byType: CountDto[];

  @ApiProperty({ type: [CountDto], example: [{ key: 'new_materials', count: 5 }] })
  byIndustryChain: CountDto[];

  @ApiProperty({
    type: [CountDto],
    example: [{ key: '6', count: 2 }],
    description: 'By verified TRL (key "none": not verified)',
  })
  byVerifiedTrl: CountDto[];
}

export class RegisteredContractFiguresDto {
  @ApiProperty({ type: ContractFigureDto, description: 'Contracts registered in the period (key: all)' })
  total: ContractFigureDto;

  @ApiProperty({ type: [ContractFigureDto] })
  byType: ContractFigureDto[];

  @ApiProperty({ type: [ContractFigureDto] })
  byIndustryChain: ContractFigureDto[];

  @ApiProperty({ type: [ContractFigureDto] })
  byRegion: ContractFigureDto[];
}

export class TransferStatsDto {
  @ApiProperty({ example: '2027-03-01T02:00:00.000Z', description: 'When the figures were computed' })
  generatedAt: string;

  @ApiProperty({ type: FunnelDto })
  funnel: FunnelDto;

  @ApiProperty({
    type: [ChainFunnelDto],
    description: 'Per root-need chain, by code; their counts sum to the funnel',
  })
  funnelByChain: ChainFunnelDto[];

  @ApiProperty({
    type: [RegionFunnelDto],
    description: 'Per root-need region, by code; their counts sum to the funnel',
  })
  funnelByRegion: RegionFunnelDto[];

  @ApiProperty({ type: PublicNeedFiguresDto })
  needs: PublicNeedFiguresDto;

  @ApiProperty({ type: PublishedResultFiguresDto })
  results: PublishedResultFiguresDto;

  @ApiProperty({ type: RegisteredContractFiguresDto })
  contracts: RegisteredContractFiguresDto;
}
