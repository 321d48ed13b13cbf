import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../../common/pagination/pagination';
import { NEED_STATUSES } from '../needs-status';
import type { NeedStatus } from '../needs-status';

export const NEED_SCOPES = ['public', 'mine', 'centre', 'all'] as const;
export type NeedScope = (typeof NEED_SCOPES)[number];

export class ListNeedsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: NEED_SCOPES,
    description:
      "public (default): refined, listed, matched and long-term needs, anonymous; mine: the caller's organization's; centre: a broker's (routed to its centre or below, or claimed by it); all: admin",
  })
  @IsOptional()
  @IsIn(NEED_SCOPES)
  scope?: NeedScope;

  @ApiPropertyOptional({ enum: NEED_STATUSES })
  @IsOptional()
  @IsIn(NEED_STATUSES)
  status?: NeedStatus;

  @ApiPropertyOptional({ example: 'new_materials', maxLength: 40 })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  industryChain?: string;
}
