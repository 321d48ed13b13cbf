import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { HttpResponse } from '../../../infra/http/http-types';
import { Public } from '../../../common/auth/decorators';
import { StatsOverviewDto, StatsQueryDto } from './dto/stats.dto';
import { StatsService } from './stats.service';
import { Endpoint } from '../../../common/openapi/endpoint';

/** Seconds a portal or a shared cache may reuse an answer: the figures move with state changes, not by the second. */
export const STATS_MAX_AGE_SECONDS = 60;

@ApiTags('stats')
@Controller('stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('overview')
  @Public()
  @Endpoint({
    summary:
      'Public statistics: challenges and amounts by category, industry chain, region and status; applications per challenge; award and acceptance rates',
    description:
      'Published challenges only (never drafts or challenges under vetting), live from one database snapshot; statuses by the clock. ' +
      'Amounts are integers in fen. Application counts cover only challenges whose application window has closed. ' +
      `Cached for ${STATS_MAX_AGE_SECONDS} s (Cache-Control: public). See docs/adr/0032 for the definitions.`,
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({
    type: StatsOverviewDto,
    headers: {
      'Cache-Control': {
        description: `public, max-age=${STATS_MAX_AGE_SECONDS}`,
        schema: { type: 'string' },
      },
    },
  })
  async overview(
    @Query() query: StatsQueryDto,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<StatsOverviewDto> {
    const overview = await this.stats.overview(query);
    res.header('Cache-Control', `public, max-age=${STATS_MAX_AGE_SECONDS}`);
    return overview;
  }
}
