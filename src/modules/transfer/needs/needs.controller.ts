import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { HttpResponse } from '../../../infra/http/http-types';
import { Auth, Authenticated, OptionalAuth } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { ApiIfMatch, IfMatch, withEtag } from '../../../common/concurrency/etag';
import { Endpoint } from '../../../common/openapi/endpoint';
import { ApiPageResponse, Page } from '../../../common/pagination/pagination';
import { AcceptNdaDto } from '../../call/challenges/dto/challenge-input.dto';
import { ListNeedsQueryDto } from './dto/list-needs.query';
import { FileNeedDto } from './dto/need-input.dto';
import { NeedConfidentialResponseDto, NeedNdaResponseDto, NeedResponseDto } from './dto/need-response.dto';
import { NeedFilingService } from './need-filing.service';
import { NeedQueriesService } from './need-queries.service';
import { NEED_MACHINE } from './needs-status';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });

/** The industry-demand library (需求库): filing, reading, renewing, the confidential part. */
@ApiTags('needs')
@Controller('needs')
export class NeedsController {
  constructor(
    private readonly queries: NeedQueriesService,
    private readonly filing: NeedFilingService,
  ) {}

  @Get()
  @OptionalAuth()
  @Endpoint({
    summary:
      'List needs: public ones for everyone (anonymous unless the enterprise chose otherwise); scope=mine/centre/all with credentials',
    errors: ['UNAUTHENTICATED', 'FORBIDDEN'],
  })
  @ApiPageResponse(NeedResponseDto)
  list(
    @Auth() auth: Principal | undefined,
    @Query() query: ListNeedsQueryDto,
  ): Promise<Page<NeedResponseDto>> {
    return this.queries.list(auth, query);
  }

  @Post()
  @Authenticated({ roles: ['issuer', 'applicant'] })
  @Endpoint({
    summary: 'File a need for your enterprise organization; it is routed to a service centre at once',
    description:
      'budgetMinFen ≤ budgetMaxFen; the chain must be an active industry chain. Routing: the most specific route of the routing table for the enterprise’s region and the chain, else the provincial root centre. The need expires after NEED_EXPIRY_DAYS (default 180) unless renewed.',
    errors: ['FORBIDDEN', 'NOT_FOUND'],
    transitions: { machine: NEED_MACHINE, actions: ['file'] },
  })
  @ApiCreatedResponse({ type: NeedResponseDto })
  async file(
    @Auth() auth: Principal,
    @Body() dto: FileNeedDto,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<NeedResponseDto> {
    return withEtag(res, await this.filing.file(auth, dto));
  }

  @Get(':id')
  @OptionalAuth()
  @Endpoint({
    summary:
      'Read a need: whole for the enterprise, its brokers and admins; the public view of a public need for everyone else (never the confidential details)',
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({ type: NeedResponseDto })
  async get(
    @Auth() auth: Principal | undefined,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<NeedResponseDto> {
    return withEtag(res, await this.queries.get(auth, id));
  }

  @Post(':id/resubmit')
  @HttpCode(200)
  @Authenticated({ roles: ['issuer', 'applicant'] })
  @Endpoint({
    summary: 'File a returned need again (routed again, a new expiry)',
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION', 'VERSION_MISMATCH'],
    transitions: { machine: NEED_MACHINE, actions: ['resubmit'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: NeedResponseDto })
  async resubmit(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<NeedResponseDto> {
    return withEtag(res, await this.filing.resubmit(auth, id, version));
  }

  @Post(':id/renew')
  @HttpCode(200)
  @Authenticated({ roles: ['issuer', 'applicant', 'broker', 'admin'] })
  @Endpoint({
    summary: 'Renew a need: expiresAt moves to now + NEED_EXPIRY_DAYS; an expired need returns to its status',
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION', 'VERSION_MISMATCH'],
    transitions: { machine: NEED_MACHINE, actions: ['renew'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: NeedResponseDto })
  async renew(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<NeedResponseDto> {
    return withEtag(res, await this.filing.renew(auth, id, version));
  }

  @Post(':id/nda')
  @HttpCode(200)
  @Authenticated({ roles: ['applicant'] })
  @Endpoint({
    summary:
      'Record your non-disclosure undertaking for a public need (audited); repeating it returns the first record',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE_TRANSITION'],
    transitions: { machine: NEED_MACHINE, actions: ['accept_nda'] },
  })
  @ApiOkResponse({ type: NeedNdaResponseDto })
  acceptNda(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() _dto: AcceptNdaDto,
  ): Promise<NeedNdaResponseDto> {
    return this.queries.acceptNda(auth, id);
  }

  @Get(':id/confidential')
  @Authenticated({ roles: ['issuer', 'applicant', 'broker', 'admin'] })
  @Endpoint({
    summary:
      'The confidential details: the enterprise, its brokers, admins, and applicants after the undertaking',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'NDA_REQUIRED'],
  })
  @ApiOkResponse({ type: NeedConfidentialResponseDto })
  confidential(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<NeedConfidentialResponseDto> {
    return this.queries.confidential(auth, id);
  }
}
