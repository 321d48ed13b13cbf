import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EXAMPLE_IDS, EXAMPLE_TIMES, EXAMPLE_TEXT } from '../../../../common/openapi/examples';

// ───────────────────────────────────────────── ranking

export class RankingItemDto {
  @ApiProperty({ type: 'integer', example: 1, description: '1..n, never shared (docs/adr/0023 tie-breaks)' })
  rank: number;

  @ApiProperty({ example: EXAMPLE_IDS.application, format: 'uuid' })
  applicationId: string;

  @ApiProperty({ example: '申请 2' })
  bidLabel: string;

  @ApiProperty({
    example: EXAMPLE_TEXT.teamName,
    nullable: true,
    type: String,
    description: "The team's name; null for the issuer when the program hides applicants' identities",
  })
  teamName: string | null;

  @ApiProperty({
    example: 86.5,
    nullable: true,
    type: Number,
    description: 'The number that ranks and meets the pass line',
  })
  score: number | null;

  @ApiProperty({ example: 82.3, nullable: true, type: Number })
  mean: number | null;

  @ApiProperty({
    example: 86.5,
    nullable: true,
    type: Number,
    description: 'null when trimming did not apply',
  })
  trimmedMean: number | null;

  @ApiProperty({ example: 86.5, nullable: true, type: Number })
  median: number | null;

  @ApiProperty({ example: 28, nullable: true, type: Number, description: 'max − min of the totals' })
  spread: number | null;

  @ApiProperty({ type: 'integer', example: 5 })
  scoreCount: number;

  @ApiProperty({
    type: 'integer',
    example: 1,
    description: 'Totals more than outlierThresholdPoints from the median',
  })
  outlierCount: number;

  @ApiPropertyOptional({
    example: [EXAMPLE_IDS.outlierAssignment],
    type: [String],
    description: 'Admins only: the assignments whose totals are outliers (never the experts’ names)',
  })
  outlierAssignmentIds?: string[];

  @ApiProperty({ example: true })
  passes: boolean;

  @ApiProperty({
    nullable: true,
    enum: ['median', 'minTotal', 'submittedAt', 'applicationId'],
    description: 'The key that placed it below the application above it when their scores are equal',
  })
  tieBrokenBy: string | null;
}

export class RankingResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.challenge, format: 'uuid' })
  challengeId: string;

  @ApiProperty({ example: EXAMPLE_TIMES.reviewClosed, format: 'date-time' })
  closedAt: Date;

  @ApiProperty({ example: '两位专家因故无法完成评分，经批准提前结束评审', nullable: true, type: String })
  closeReason: string | null;

  @ApiProperty({ enum: ['trimmed_mean', 'mean'] })
  aggregation: string;

  @ApiProperty({ example: 60 })
  passLine: number;

  @ApiProperty({ example: 20 })
  outlierThresholdPoints: number;

  @ApiProperty({ type: [RankingItemDto] })
  items: RankingItemDto[];
}
