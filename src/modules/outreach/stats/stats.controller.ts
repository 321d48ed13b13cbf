import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../../common/auth/decorators';
import { StatsOverviewDto, StatsQueryDto } from './dto/stats.dto';
import { StatsService } from './stats.service';
import { Endpoint } from '../../../common/openapi/endpoint';
import { Clock } from '../../../infra/clock/clock';
import { STATS_MAX_AGE_MS } from './stats-snapshots';

/** The part of the reply this controller touches (Express and Fastify both have it). */
interface HeaderReply {
  header(name: string, value: string): unknown;
}

/**
 * Seconds a portal or a shared cache may reuse an answer, counted from `generatedAt` (the `Age`
 * header tells a cache how much of it has passed): the bound of the figures (ADR 0054).
 */
export const STATS_MAX_AGE_SECONDS = STATS_MAX_AGE_MS / 1000;

@ApiTags('stats')
@Controller('stats')
export class StatsController {
  constructor(
    private readonly stats: StatsService,
    private readonly clock: Clock,
  ) {}

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
    @Res({ passthrough: true }) res: HeaderReply,
  ): Promise<StatsOverviewDto> {
    const overview = await this.stats.overview(query);
    const age = Math.floor((this.clock.now().getTime() - Date.parse(overview.generatedAt)) / 1000);
    res.header('Cache-Control', `public, max-age=${STATS_MAX_AGE_SECONDS}`);
    // RFC 9111 §5.1: a cache counts the seconds already passed, so no copy outlives the bound.
    res.header('Age', String(Math.max(0, age)));
    return overview;
  }
}
