import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { HttpRequest, HttpResponse } from '../../../infra/http/http-types';
import { Public } from '../../../common/auth/decorators';
import { OcdsQueryDto, OcdsReleasePackageDto } from './dto/ocds.dto';
import { OpenDataService } from './open-data.service';
import { Endpoint } from '../../../common/openapi/endpoint';

/** Seconds a portal or a shared cache may reuse a page. */
export const OCDS_MAX_AGE_SECONDS = 60;

@ApiTags('open-data')
@Controller('open-data')
export class OpenDataController {
  constructor(private readonly openData: OpenDataService) {}

  @Get('ocds')
  @Public()
  @Endpoint({
    summary: 'Open data: an OCDS 1.1 release package of the public lifecycle of the published challenges',
    description:
      'One release per challenge (ocid = OCDS_PREFIX + challenge id) with its public part as of its last change: challenge → tender, ' +
      'application counts → bids.statistics (once closed), selection → awards, task book → contracts, milestones and paid tranches ' +
      '→ contracts[].implementation. Amounts in yuan (CNY), converted exactly from fen. Oldest change first, keyset-paged ' +
      `(limit, cursor; links.next), filtered by since (the time of the last change, inclusive). Cached for ${OCDS_MAX_AGE_SECONDS} s.`,
  })
  @ApiOkResponse({
    type: OcdsReleasePackageDto,
    headers: {
      'Cache-Control': { description: `public, max-age=${OCDS_MAX_AGE_SECONDS}`, schema: { type: 'string' } },
    },
  })
  async releasePackage(
    @Query() query: OcdsQueryDto,
    @Req() req: HttpRequest & { protocol: string; url: string; originalUrl?: string },
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<OcdsReleasePackageDto> {
    const host = typeof req.headers.host === 'string' ? req.headers.host : 'localhost';
    const url = `${req.protocol}://${host}${req.originalUrl ?? req.url}`;
    const body = await this.openData.releasePackage(query, url);
    res.header('Cache-Control', `public, max-age=${OCDS_MAX_AGE_SECONDS}`);
    return body;
  }
}
