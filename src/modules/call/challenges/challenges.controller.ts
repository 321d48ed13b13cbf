import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { HttpResponse, SendingHttpResponse } from '../../../infra/http/http-types';
import { Uncompressed } from '../../../infra/http/compression';
import { Auth, Authenticated, OptionalAuth } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { ApiIfMatch, IfMatch, withEtag } from '../../../common/concurrency/etag';
import {
  ApiConditionalRead,
  ifNoneMatchMatches,
  setReadCaching,
} from '../../../common/concurrency/conditional';
import type { HeaderResponse } from '../../../common/concurrency/conditional';
import { ApiPageResponse, Page, PageQueryDto } from '../../../common/pagination/pagination';
import { ChallengeAccessService } from './challenge-access.service';
import { ChallengeAmendmentsService } from './challenge-amendments.service';
import { ChallengeAuthoringService } from './challenge-authoring.service';
import { ChallengeQueriesService } from './challenge-queries.service';
import { ChallengeVettingService } from './challenge-vetting.service';
import {
  AcceptNdaDto,
  AmendChallengeDto,
  CreateChallengeDto,
  ReasonDto,
  UpdateChallengeDto,
} from './dto/challenge-input.dto';
import {
  AmendmentResponseDto,
  ChallengeResponseDto,
  ChallengeSummaryDto,
  ConfidentialDetailsResponseDto,
  NdaResponseDto,
} from './dto/challenge-response.dto';
import { ListChallengesQueryDto } from './dto/list-challenges.query';
import { Endpoint } from '../../../common/openapi/endpoint';
import { CHALLENGE_MACHINE } from './challenge-status';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });

@ApiTags('challenges')
@Controller('challenges')
export class ChallengesController {
  constructor(
    private readonly queries: ChallengeQueriesService,
    private readonly authoring: ChallengeAuthoringService,
    private readonly vetting: ChallengeVettingService,
    private readonly amendments: ChallengeAmendmentsService,
    private readonly access: ChallengeAccessService,
  ) {}

  @Get()
  @OptionalAuth()
  @Endpoint({
    summary: 'List and search challenges (published ones for everyone; scope=mine/all with credentials)',
    errors: ['UNAUTHENTICATED', 'FORBIDDEN'],
  })
  @ApiPageResponse(ChallengeSummaryDto)
  @ApiConditionalRead()
  async list(
    @Auth() auth: Principal | undefined,
    @Query() query: ListChallengesQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<Page<ChallengeSummaryDto> | undefined> {
    const { page, etag } = await this.queries.readList(auth, query);
    setReadCaching(res, auth === undefined, etag);
    if (ifNoneMatchMatches(ifNoneMatch, etag)) {
      res.status(304);
      return undefined;
    }
    return page;
  }

  @Post()
  @Authenticated({ roles: ['issuer'] })
  @Endpoint({
    summary: "Draft a new challenge for the caller's organization",
    errors: ['FORBIDDEN', 'NOT_FOUND', 'BUSINESS_RULE_VIOLATION'],
  })
  @ApiCreatedResponse({ type: ChallengeResponseDto })
  async create(
    @Auth() auth: Principal,
    @Body() dto: CreateChallengeDto,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ChallengeResponseDto> {
    return withEtag(res, await this.authoring.create(auth, dto));
  }

  @Get(':id')
  @OptionalAuth()
  @Endpoint({
    summary:
      'Read a challenge (public once published; the issuer organization and admins always). Never the confidential part.',
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({ type: ChallengeResponseDto })
  @ApiConditionalRead()
  async get(
    @Auth() auth: Principal | undefined,
    @Param('id', uuid) id: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<ChallengeResponseDto | undefined> {
    const read = await this.queries.read(auth, id, ifNoneMatch);
    setReadCaching(res, auth === undefined, read.etag);
    if (read.notModified) {
      res.status(304);
      return undefined;
    }
    return read.body;
  }

  @Patch(':id')
  @Authenticated({ roles: ['issuer'] })
  @Endpoint({
    summary: 'Edit a draft (If-Match required)',
    errors: [
      'NOT_FOUND',
      'INVALID_STATE_TRANSITION',
      'BUSINESS_RULE_VIOLATION',
      'DEADLINE_PASSED',
      'PRECONDITION_REQUIRED',
    ],
    transitions: { machine: CHALLENGE_MACHINE, actions: ['edit'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ChallengeResponseDto })
  async update(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateChallengeDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ChallengeResponseDto> {
    return withEtag(res, await this.authoring.update(auth, id, dto, version));
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Authenticated({ roles: ['issuer'] })
  @Endpoint({
    summary: 'Send a draft to vetting',
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION', 'DEADLINE_PASSED'],
    transitions: { machine: CHALLENGE_MACHINE, actions: ['submit'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ChallengeResponseDto })
  async submit(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ChallengeResponseDto> {
    return withEtag(res, await this.authoring.submit(auth, id, version));
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Authenticated({ roles: ['issuer'] })
  @Endpoint({
    summary: 'Withdraw a challenge before it opens',
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION', 'DEADLINE_PASSED'],
    transitions: { machine: CHALLENGE_MACHINE, actions: ['withdraw'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ChallengeResponseDto })
  async withdraw(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ChallengeResponseDto> {
    return withEtag(res, await this.authoring.withdraw(auth, id, version));
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Approve and publish: assigns the code JB-<year>-<seq> and schedules opening and closing',
    errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'INVALID_STATE_TRANSITION', 'DEADLINE_PASSED'],
    transitions: { machine: CHALLENGE_MACHINE, actions: ['approve'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ChallengeResponseDto })
  async approve(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ChallengeResponseDto> {
    return withEtag(res, await this.vetting.approve(auth, id, version));
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Send a challenge back to its issuer with a reason',
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION', 'DEADLINE_PASSED'],
    transitions: { machine: CHALLENGE_MACHINE, actions: ['reject'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ChallengeResponseDto })
  async reject(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: ReasonDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ChallengeResponseDto> {
    return withEtag(res, await this.vetting.reject(auth, id, dto.reason, version));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Cancel a challenge before its award, with a reason',
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION', 'DEADLINE_PASSED'],
    transitions: { machine: CHALLENGE_MACHINE, actions: ['cancel'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ChallengeResponseDto })
  async cancel(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: ReasonDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ChallengeResponseDto> {
    return withEtag(res, await this.vetting.cancel(auth, id, dto.reason, version));
  }

  @Post(':id/amendments')
  @Authenticated({ roles: ['issuer', 'admin'] })
  @Endpoint({
    summary:
      'Amend a published challenge: reason, changed fields, new version; deadline changes move the jobs',
    description: 'Money, program, category, industry chain and selection mode are fixed once published.',
    errors: [
      'FORBIDDEN',
      'NOT_FOUND',
      'INVALID_STATE_TRANSITION',
      'BUSINESS_RULE_VIOLATION',
      'DEADLINE_PASSED',
    ],
    transitions: { machine: CHALLENGE_MACHINE, actions: ['amend'] },
  })
  @ApiIfMatch()
  @ApiCreatedResponse({ type: AmendmentResponseDto })
  amend(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: AmendChallengeDto,
    @IfMatch() version: number | undefined,
  ): Promise<AmendmentResponseDto> {
    return this.amendments.amend(auth, id, dto, version);
  }

  @Get(':id/amendments')
  @OptionalAuth()
  @Endpoint({
    summary: 'The amendment history of a challenge, oldest first (confidential changes show no values)',
    errors: ['NOT_FOUND'],
  })
  @ApiPageResponse(AmendmentResponseDto)
  listAmendments(
    @Auth() auth: Principal | undefined,
    @Param('id', uuid) id: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<AmendmentResponseDto>> {
    return this.amendments.listAmendments(auth, id, query);
  }

  @Post(':id/nda')
  @HttpCode(200)
  @Authenticated({ roles: ['applicant'] })
  @Endpoint({
    summary:
      'Record your non-disclosure undertaking for this challenge (audited); repeating it returns the first record',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE_TRANSITION', 'DEADLINE_PASSED'],
    transitions: { machine: CHALLENGE_MACHINE, actions: ['accept_nda'] },
  })
  @ApiOkResponse({ type: NdaResponseDto })
  acceptNda(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() _dto: AcceptNdaDto,
  ): Promise<NdaResponseDto> {
    return this.access.acceptNda(auth, id);
  }

  @Get(':id/confidential')
  @Authenticated({ roles: ['applicant', 'issuer', 'admin'] })
  @Endpoint({
    summary:
      'The confidential details: the issuer organization, admins, and applicants who made the undertaking',
    errors: ['FORBIDDEN', 'NDA_REQUIRED', 'NOT_FOUND'],
  })
  @ApiOkResponse({ type: ConfidentialDetailsResponseDto })
  getConfidential(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
  ): Promise<ConfidentialDetailsResponseDto> {
    return this.access.getConfidential(auth, id);
  }

  @Get(':id/attachments/:attachmentId')
  @OptionalAuth()
  @Endpoint({
    summary:
      'Download an attachment of a challenge (confidential ones under the same rule as the confidential details)',
    errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'NDA_REQUIRED', 'NOT_FOUND'],
  })
  @Uncompressed()
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({
    description: 'The file, with its content type and a Content-Disposition file name',
    schema: { type: 'string', format: 'binary' },
  })
  async download(
    @Auth() auth: Principal | undefined,
    @Param('id', uuid) id: string,
    @Param('attachmentId', uuid) attachmentId: string,
    @Res() res: SendingHttpResponse,
  ): Promise<void> {
    await this.access.sendAttachment(auth, id, attachmentId, res);
  }

  @Put(':id/watch')
  @HttpCode(204)
  @Authenticated({ roles: ['admin', 'issuer', 'applicant', 'expert'] })
  @Endpoint({
    summary: 'Follow a challenge: be notified of its amendments, cancellation and closing',
    errors: ['FORBIDDEN', 'NOT_FOUND'],
  })
  @ApiNoContentResponse({ description: 'Following (also when you already were)' })
  watch(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<void> {
    return this.access.watch(auth, id);
  }

  @Delete(':id/watch')
  @HttpCode(204)
  @Authenticated({ roles: ['admin', 'issuer', 'applicant', 'expert'] })
  @Endpoint({ summary: 'Stop following a challenge', errors: ['FORBIDDEN', 'NOT_FOUND'] })
  @ApiNoContentResponse({ description: 'Not following (also when you were not)' })
  unwatch(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<void> {
    return this.access.unwatch(auth, id);
  }
}
