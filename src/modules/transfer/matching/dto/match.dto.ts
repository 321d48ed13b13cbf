import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';
import { IntroduceDto } from '../../needs/dto/need-input.dto';
import { NeedResponseDto } from '../../needs/dto/need-response.dto';
import { MATCH_VERDICTS, NEED_MATCH_KINDS } from '../matching.constants';
import type { MatchVerdict, NeedMatchKind } from '../matching.constants';

export class NeedMatchesQueryDto {
  @ApiProperty({ enum: NEED_MATCH_KINDS, example: 'result' })
  @IsIn(NEED_MATCH_KINDS)
  kind: NeedMatchKind;

  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}

export class ResultMatchesQueryDto {
  @ApiProperty({ enum: ['need'], example: 'need' })
  @IsIn(['need'])
  kind: 'need';

  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}

export class LabelMatchDto {
  @ApiProperty({ enum: MATCH_VERDICTS, example: 'accept' })
  @IsIn(MATCH_VERDICTS)
  verdict: MatchVerdict;

  @ApiProperty({ example: '成果的耐高温磁体正对需求的退磁问题', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason: string;
}

/** An introduction from an accepted match: the note, and whether it answered the need. */
export class IntroduceMatchDto extends PickType(IntroduceDto, ['note', 'markMatched'] as const) {}

export class SharedTermDto {
  @ApiProperty({ example: '永磁' })
  term: string;

  @ApiProperty({ example: 0.21, description: 'This term’s part of the term score' })
  weight: number;
}

export class TermsExplanationDto {
  @ApiProperty({ example: 0.62 })
  score: number;

  @ApiProperty({ type: [SharedTermDto], description: 'The shared segmented terms, heaviest first' })
  shared: SharedTermDto[];
}

export class ChainExplanationDto {
  @ApiProperty({ type: [String], example: ['rare_earth'] })
  overlap: string[];

  @ApiProperty({ example: 1 })
  score: number;
}

export class TrlExplanationDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 6,
    description:
      'The TRL of the subject matched: the need’s asked TRL (needs’ matches), the result’s (a result’s)',
  })
  query: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 7,
    description:
      'The candidate’s TRL: a result’s reached (verified, else claimed) TRL, or a need’s asked one',
  })
  candidate: number | null;

  @ApiProperty({
    example: 1,
    description:
      'The result’s TRL against the need’s: 1 when it reaches it, ⅓ less per level short, 0.5 unknown',
  })
  fit: number;
}

export class RegionExplanationDto {
  @ApiProperty({ type: String, nullable: true, example: '360700' })
  query: string | null;

  @ApiProperty({ type: String, nullable: true, example: '360700' })
  candidate: string | null;

  @ApiProperty({ example: 1 })
  fit: number;
}

export class MatchExplanationDto {
  @ApiProperty({ type: TermsExplanationDto })
  terms: TermsExplanationDto;

  @ApiProperty({ type: ChainExplanationDto })
  chain: ChainExplanationDto;

  @ApiProperty({ type: TrlExplanationDto })
  trl: TrlExplanationDto;

  @ApiProperty({ type: RegionExplanationDto })
  region: RegionExplanationDto;
}

export class TeamMatchViewDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_IDS.team })
  id: string;

  @ApiProperty({ example: '稀土永磁晶界扩散攻关团队' })
  name: string;

  @ApiProperty({ example: '赣州稀土研究院' })
  leadOrganizationName: string;

  @ApiProperty({
    type: [String],
    example: ['rare_earths'],
    description: 'The industry chains of the lists the team applied to (as indexed)',
  })
  chains: string[];
}

export class ExpertMatchViewDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_IDS.expert })
  id: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '李明',
    description: 'Shown to brokers and admins only (null for the need’s enterprise)',
  })
  displayName: string | null;

  @ApiProperty({ type: [String], example: ['钕铁硼', '晶界扩散'], description: 'Fields of expertise' })
  keywords: string[];

  @ApiProperty({ type: [String], example: ['rare_earths'] })
  industryChains: string[];

  @ApiProperty({ example: '360700', description: 'The region of the expert’s affiliation' })
  regionCode: string;
}

export class MatchResponseDto {
  @ApiProperty({ enum: ['need', 'result', 'team', 'expert'], example: 'result' })
  kind: string;

  @ApiProperty({ format: 'uuid', example: EXAMPLE_IDS.result })
  id: string;

  @ApiProperty({ example: 0.58, description: '0..1: terms × (0.6 + 0.25·chain + 0.1·trl + 0.05·region)' })
  score: number;

  @ApiProperty({ type: MatchExplanationDto })
  explanation: MatchExplanationDto;

  @ApiPropertyOptional({
    type: NeedResponseDto,
    description: 'For kind=need: the need’s public view (an anonymous need never names its enterprise)',
  })
  need?: NeedResponseDto;

  @ApiPropertyOptional({
    type: TeamMatchViewDto,
    description: 'For kind=team: the team (name, lead organization, chains)',
  })
  team?: TeamMatchViewDto;

  @ApiPropertyOptional({
    type: ExpertMatchViewDto,
    description:
      'For kind=expert: fields of expertise and region only; never contact data, the affiliation, reviews or scores',
  })
  expert?: ExpertMatchViewDto;
}

export class MatchLabelResponseDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_IDS.matchLabel })
  id: string;

  @ApiProperty({ format: 'uuid', example: EXAMPLE_IDS.need })
  needId: string;

  @ApiProperty({ enum: NEED_MATCH_KINDS, example: 'result' })
  subjectKind: NeedMatchKind;

  @ApiProperty({ format: 'uuid', example: EXAMPLE_IDS.result })
  subjectId: string;

  @ApiProperty({ enum: MATCH_VERDICTS, example: 'accept' })
  verdict: MatchVerdict;

  @ApiProperty({ example: '成果的耐高温磁体正对需求的退磁问题' })
  reason: string;

  @ApiProperty({ type: Number, nullable: true, example: 0.58 })
  score: number | null;

  @ApiProperty({ format: 'uuid', example: EXAMPLE_IDS.contractBroker })
  brokerUserId: string;

  @ApiProperty({ example: '2026-03-01T08:00:00.000Z' })
  createdAt: Date;

  @ApiProperty({ example: '2026-03-01T08:00:00.000Z' })
  updatedAt: Date;
}
