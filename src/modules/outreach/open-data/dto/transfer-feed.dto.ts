import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { IsOptional, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../../common/pagination/pagination';
import { EXAMPLE_TIMES } from '../../../../common/openapi/examples';
import { ISO_INSTANT } from '../../../call/challenges/dto/challenge-input.dto';
import { PublicContractDto } from '../../../transfer/contracts/dto/contract-response.dto';
import { NeedResponseDto } from '../../../transfer/needs/dto/need-response.dto';
import { ResultResponseDto } from '../../../transfer/results/dto/result-response.dto';

export class OpenDataFeedQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    example: '2027-03-01T00:00:00+08:00',
    pattern: ISO_INSTANT.source,
    maxLength: 32,
    description:
      'Only records whose updatedAt is at or after this time (an ISO-8601 time with an offset). Poll with the last ' +
      'item’s updatedAt minus a few minutes and keep the newest item per id.',
  })
  @IsOptional()
  @MaxLength(32)
  @Matches(ISO_INSTANT, { message: 'since must be an ISO-8601 time with an offset' })
  since?: string;
}

/** A public need as the public need list shows it (GET /needs): no organization when anonymous. */
export class OpenDataNeedDto extends PickType(NeedResponseDto, [
  'id',
  'title',
  'publicSummary',
  'industryChain',
  'regionCode',
  'desiredOutcome',
  'budgetMinFen',
  'budgetMaxFen',
  'deadlineWish',
  'anonymous',
  'enterprise',
  'status',
  'diagnosis',
  'refinedAt',
  'challengeId',
  'expiresAt',
  'createdAt',
  'updatedAt',
] as const) {}

/** A published result's public part: never its confidential details; holders that are organizations only. */
export class OpenDataResultDto extends PickType(ResultResponseDto, [
  'id',
  'status',
  'source',
  'title',
  'abstract',
  'type',
  'industryChain',
  'keywords',
  'trlClaimed',
  'verifiedTrl',
  'ipRecords',
  'holders',
  'transferModes',
  'priceGuidanceFen',
  'organizationId',
  'projectId',
  'challengeId',
  'indicators',
  'hasConfidentialDetails',
  'publishedAt',
  'updatedAt',
] as const) {}

/** A registered contract as the public contract list shows it (GET /contracts/registered), and when it last changed. */
export class OpenDataContractDto extends PublicContractDto {
  @ApiProperty({ example: EXAMPLE_TIMES.updated, format: 'date-time' })
  updatedAt: Date;
}

export class OpenDataLinksDto {
  @ApiProperty({
    example:
      'https://jiebang.example.cn/api/v1/open-data/needs?limit=20&cursor=WyIyMDI3LTAzLTAxVDAyOjAwOjAwLjAwMDAwMFoiLCI3MDA3MTkyMS04MzkzLTRlM2QtYjcxYi1lOTU5ZTMyOTQ2YzQiXQ',
    nullable: true,
    type: String,
    format: 'uri',
    description: 'The next page (same since, the next cursor); null on the last page',
  })
  next: string | null;
}

abstract class OpenDataPageDto {
  @ApiProperty({ example: 'https://jiebang.example.cn/api/v1/open-data/needs?limit=20', format: 'uri' })
  uri: string;

  @ApiProperty({ type: OpenDataLinksDto })
  links: OpenDataLinksDto;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'WyIyMDI3LTAzLTAxVDAyOjAwOjAwLjAwMDAwMFoiLCI3MDA3MTkyMS04MzkzLTRlM2QtYjcxYi1lOTU5ZTMyOTQ2YzQiXQ',
    description: 'Pass as `cursor` for the next page; null on the last',
  })
  nextCursor: string | null;
}

export class OpenDataNeedsPageDto extends OpenDataPageDto {
  @ApiProperty({ type: [OpenDataNeedDto], description: 'Oldest change (updatedAt, then id) first' })
  items: OpenDataNeedDto[];
}

export class OpenDataResultsPageDto extends OpenDataPageDto {
  @ApiProperty({ type: [OpenDataResultDto], description: 'Oldest change (updatedAt, then id) first' })
  items: OpenDataResultDto[];
}

export class OpenDataContractsPageDto extends OpenDataPageDto {
  @ApiProperty({ type: [OpenDataContractDto], description: 'Oldest change (updatedAt, then id) first' })
  items: OpenDataContractDto[];
}
