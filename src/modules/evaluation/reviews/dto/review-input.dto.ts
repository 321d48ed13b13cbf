import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { RUBRIC_LIMITS } from '../../../call/programs/program-settings';

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
  @ApiPropertyOptional({
    example: false,
    description: 'false: no conflict of interest with this challenge and its applications',
  })
  @IsOptional()
  @IsBoolean()
  conflict?: boolean;

  @ApiPropertyOptional({ example: true, description: 'true: the expert declines to review this challenge' })
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

/** The three valid bodies of a declaration (review and acceptance panels), as OpenAPI examples. */
export const DECLARATION_EXAMPLES = {
  noConflict: { summary: 'No conflict of interest: go on to the application', value: { conflict: false } },
  conflict: {
    summary: 'Declare a conflict of interest: a reserve takes your place',
    value: { conflict: true, reason: '近三年与申报单位合作承担过相关课题' },
  },
  decline: {
    summary: 'Decline: a reserve takes your place',
    value: { decline: true, reason: '评审期间出国访问，无法按期完成' },
  },
};

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
