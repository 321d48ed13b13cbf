import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../../common/auth/decorators';
import { Endpoint } from '../../../common/openapi/endpoint';
import type { HttpRequest, HttpResponse } from '../../../infra/http/http-types';
import {
  OpenDataContractsPageDto,
  OpenDataFeedQueryDto,
  OpenDataNeedsPageDto,
  OpenDataResultsPageDto,
} from './dto/transfer-feed.dto';
import { OCDS_MAX_AGE_SECONDS } from './open-data.controller';
import { TransferFeedService } from './transfer-feed.service';

type FeedRequest = HttpRequest & { protocol: string; url: string; originalUrl?: string };

const PAGING =
  'Oldest change first (updatedAt, then id), keyset-paged (limit, cursor; links.next), filtered by since (updatedAt, inclusive). ' +
  `A record that leaves the feed's statuses leaves the feed. Cached for ${OCDS_MAX_AGE_SECONDS} s. Field definitions: docs/integration.md; docs/adr/0062.`;

const CACHED = {
  'Cache-Control': { description: `public, max-age=${OCDS_MAX_AGE_SECONDS}`, schema: { type: 'string' } },
};

/** The absolute URL of the request: the page's uri and the base of links.next. */
function requestUrl(req: FeedRequest): string {
  const host = typeof req.headers.host === 'string' ? req.headers.host : 'localhost';
  return `${req.protocol}://${host}${req.originalUrl ?? req.url}`;
}

/**
 * The JSON feeds of the transfer loop beside the OCDS export (OCDS has no place for needs, results
 * or technology contracts; ADR 0062).
 */
@ApiTags('open-data')
@Controller('open-data')
export class TransferFeedController {
  constructor(private readonly feeds: TransferFeedService) {}

  @Get('needs')
  @Public()
  @Endpoint({
    summary: 'Open data: public needs of the industry-demand library (JSON feed)',
    description:
      'Needs in the public statuses (refined, listed, matched, long_term), as the public need list shows them: no organization ' +
      'for an anonymous need (only a label of region and chain), never the confidential details, the real problem, the centre or the broker. ' +
      PAGING,
  })
  @ApiOkResponse({ type: OpenDataNeedsPageDto, headers: CACHED })
  async needs(
    @Query() query: OpenDataFeedQueryDto,
    @Req() req: FeedRequest,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<OpenDataNeedsPageDto> {
    const body = await this.feeds.needs(query, requestUrl(req));
    res.header('Cache-Control', `public, max-age=${OCDS_MAX_AGE_SECONDS}`);
    return body;
  }

  @Get('results')
  @Public()
  @Endpoint({
    summary: 'Open data: published results of the results library (JSON feed)',
    description:
      'Published results, their public part only (whether there are confidential details, never what); holders that are organizations only. ' +
      PAGING,
  })
  @ApiOkResponse({ type: OpenDataResultsPageDto, headers: CACHED })
  async results(
    @Query() query: OpenDataFeedQueryDto,
    @Req() req: FeedRequest,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<OpenDataResultsPageDto> {
    const body = await this.feeds.results(query, requestUrl(req));
    res.header('Cache-Control', `public, max-age=${OCDS_MAX_AGE_SECONDS}`);
    return body;
  }

  @Get('contracts')
  @Public()
  @Endpoint({
    summary: 'Open data: registered technology contracts (JSON feed)',
    description:
      'Registered contracts as the public contract list shows them: registration number, type, amounts in fen, chain, region, dates; ' +
      'the parties only when the contract is not confidential; never the broker or a person. ' +
      PAGING,
  })
  @ApiOkResponse({ type: OpenDataContractsPageDto, headers: CACHED })
  async contracts(
    @Query() query: OpenDataFeedQueryDto,
    @Req() req: FeedRequest,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<OpenDataContractsPageDto> {
    const body = await this.feeds.contracts(query, requestUrl(req));
    res.header('Cache-Control', `public, max-age=${OCDS_MAX_AGE_SECONDS}`);
    return body;
  }
}
