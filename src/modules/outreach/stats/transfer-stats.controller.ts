import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../../common/auth/decorators';
import { Endpoint } from '../../../common/openapi/endpoint';
import { TransferStatsDto, TransferStatsQueryDto } from './dto/transfer-stats.dto';
import { STATS_MAX_AGE_SECONDS } from './stats.controller';
import { TransferStatsService } from './transfer-stats.service';

/** The part of the reply this controller touches (Express and Fastify both have it). */
interface HeaderReply {
  header(name: string, value: string): unknown;
}

@ApiTags('stats')
@Controller('stats')
export class TransferStatsController {
  constructor(private readonly stats: TransferStatsService) {}

  @Get('transfer')
  @Public()
  @Endpoint({
    summary:
      'Public statistics of the transfer loop: the funnel needs → contracts, and public needs, results and contracts',
    description:
      'The funnel is the chain rooted at the needs filed in the period (from/to: Asia/Shanghai days, inclusive), each object counted once: ' +
      'filed = those needs; refined = those that ever reached refined; listed = published challenges (never drafts or challenges under vetting) ' +
      'promoted from them; projects = the projects of those challenges; results = the published results of those projects; ' +
      'contracts = registered contracts linked to one of those needs or to one of those results (linked both ways: once, through the result). ' +
      'Durations are days from the predecessor event: filing → refinement → publication of the list → project creation → publication of the result ' +
      '(or the need’s refinement, for a contract linked only to the need) → registration. funnelByChain and funnelByRegion group by the root need; ' +
      'their counts sum to the funnel. needs: public needs (refined, listed, matched, long_term) filed in the period; results: results published in ' +
      'the period (region: the holder organization’s); contracts: contracts registered in the period, amounts in fen. No confidential field, no ' +
      `person, no organization. Live; cached for ${STATS_MAX_AGE_SECONDS} s (Cache-Control: public). See docs/adr/0062.`,
    errors: [],
  })
  @ApiOkResponse({
    type: TransferStatsDto,
    headers: {
      'Cache-Control': {
        description: `public, max-age=${STATS_MAX_AGE_SECONDS}`,
        schema: { type: 'string' },
      },
    },
  })
  async transfer(
    @Query() query: TransferStatsQueryDto,
    @Res({ passthrough: true }) res: HeaderReply,
  ): Promise<TransferStatsDto> {
    const answer = await this.stats.transfer(query);
    res.header('Cache-Control', `public, max-age=${STATS_MAX_AGE_SECONDS}`);
    return answer;
  }
}
