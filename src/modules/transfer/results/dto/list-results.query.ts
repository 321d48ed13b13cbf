import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '../../../../common/pagination/pagination';
import { RESULT_TYPES, TRANSFER_MODES, TRL_MAX, TRL_MIN } from '../results.constants';
import type { ResultType, TransferMode } from '../results.constants';
import { RESULT_STATUSES } from '../results-status';
import type { ResultStatus } from '../results-status';

export const RESULT_SCOPES = ['public', 'mine', 'all'] as const;
export type ResultScope = (typeof RESULT_SCOPES)[number];

export class ListResultsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: RESULT_SCOPES,
    default: 'public',
    description:
      "public: published results (anyone); mine: the caller's organization's, every status; all: every result (admins, brokers)",
  })
  @IsOptional()
  @IsIn(RESULT_SCOPES)
  scope?: ResultScope;

  @ApiPropertyOptional({ enum: RESULT_STATUSES, description: 'With scope mine or all' })
  @IsOptional()
  @IsIn(RESULT_STATUSES)
  status?: ResultStatus;

  @ApiPropertyOptional({ example: 'new_energy_vehicles', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  industryChain?: string;

  @ApiPropertyOptional({ enum: RESULT_TYPES })
  @IsOptional()
  @IsIn(RESULT_TYPES)
  type?: ResultType;

  @ApiPropertyOptional({ enum: TRANSFER_MODES, description: 'Results offering this transfer mode' })
  @IsOptional()
  @IsIn(TRANSFER_MODES)
  transferMode?: TransferMode;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: TRL_MIN,
    maximum: TRL_MAX,
    description: 'Claimed TRL at least',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(TRL_MIN)
  @Max(TRL_MAX)
  minTrl?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: TRL_MIN,
    maximum: TRL_MAX,
    description: 'Claimed TRL at most',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(TRL_MIN)
  @Max(TRL_MAX)
  maxTrl?: number;
}
