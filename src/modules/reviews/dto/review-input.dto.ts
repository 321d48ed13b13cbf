import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { RUBRIC_LIMITS } from '../../programs/program-settings';

const NOT_BLANK = /\S/;

export class CloseReviewDto {
  @ApiProperty({ maxLength: 2000, example: '两位专家因故无法完成评分，经批准提前结束评审' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'reason must not be blank' })
  @MaxLength(2000)
  reason: string;
}

/**
 * `{ "conflict": false }` to proceed; `{ "conflict": true, "reason" }` to declare a conflict of
 * interest; `{ "decline": true, "reason" }` to decline. A conflict or a decline replaces the expert
 * on the panel by the next reserve.
 */
export class DeclareDto {
  @ApiPropertyOptional({ description: 'false: no conflict of interest with this list and its bids' })
  @IsOptional()
  @IsBoolean()
  conflict?: boolean;

  @ApiPropertyOptional({ description: 'true: the expert declines to review this list' })
  @IsOptional()
  @IsBoolean()
  decline?: boolean;

  @ApiPropertyOptional({
    example: '曾与申报单位合作承担相关课题',
    maxLength: 2000,
    description: 'Required with conflict: true or decline: true',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class SaveScoresDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number', minimum: 0, maximum: RUBRIC_LIMITS.maxScore.max },
    maxProperties: RUBRIC_LIMITS.maxCriteria,
    example: { technical_approach: 25.5, team_capability: 20 },
    description:
      "criterion key of the program's rubric → score, 0..maxScore, integer or one decimal; a draft may be partial; replaces the saved scores",
  })
  @IsObject()
  scores: Record<string, number>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 2000 },
    maxProperties: RUBRIC_LIMITS.maxCriteria,
    example: { technical_approach: '技术路线清晰' },
    description:
      'criterion key → comment (≤ 2000 characters); required at submission for a score under 60% of the maxScore; replaces the saved comments',
  })
  @IsOptional()
  @IsObject()
  comments?: Record<string, string>;
}
