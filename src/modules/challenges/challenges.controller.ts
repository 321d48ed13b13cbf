import {
  Body,
  Controller,
  Delete,
  Get,
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
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Auth, Authenticated, OptionalAuth } from '../../common/auth/decorators';
import type { Principal } from '../../common/auth/principal';
import { ApiIfMatch, IfMatch, setEtag } from '../../common/concurrency/etag';
import { ProblemDto } from '../../common/errors/problem';
import { ApiPageResponse, Page, PageQueryDto } from '../../common/pagination/pagination';
import { ChallengeAccessService } from './challenge-access.service';
import { CHALLENGE_TRANSITIONS } from './challenge-status';
import { ChallengesService } from './challenges.service';
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

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });

/** "Allowed from: draft, pending_review." — the transition table, quoted in each action's OpenAPI description. */
function allowedFrom(action: (typeof CHALLENGE_TRANSITIONS)[number]['action']): string {
  const t = CHALLENGE_TRANSITIONS.find((row) => row.action === action);
  return t ? `Allowed in: ${t.from.join(', ')}${t.to ? `; moves the list to ${t.to}` : ''}.` : '';
}

const STALE =
  'Stale If-Match, or the action is not allowed in this state (INVALID_STATE_TRANSITION names both)';

@ApiTags('challenges')
@Controller('challenges')
export class ChallengesController {
  constructor(
    private readonly challenges: ChallengesService,
    private readonly access: ChallengeAccessService,
  ) {}

  @Get()
  @OptionalAuth()
  @ApiOperation({
    summary: 'List and search challenge lists (published ones for everyone; scope=mine/all with credentials)',
  })
  @ApiPageResponse(ChallengeSummaryDto)
  @ApiBadRequestResponse({ description: 'Bad filter, sort or cursor', type: ProblemDto })
  @ApiForbiddenResponse({ description: 'scope=all without the admin role', type: ProblemDto })
  list(
    @Auth() auth: Principal | undefined,
    @Query() query: ListChallengesQueryDto,
  ): Promise<Page<ChallengeSummaryDto>> {
    return this.challenges.list(auth, query);
  }

  @Post()
  @Authenticated({ roles: ['issuer'] })
  @ApiOperation({ summary: "Draft a new list for the caller's organization" })
  @ApiCreatedResponse({ type: ChallengeResponseDto })
  @ApiBadRequestResponse({ description: 'Invalid body (field errors in `errors`)', type: ProblemDto })
  @ApiUnprocessableEntityResponse({
    description: "The program's settings refuse it (e.g. too many horse-race teams)",
    type: ProblemDto,
  })
  async create(
    @Auth() auth: Principal,
    @Body() dto: CreateChallengeDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChallengeResponseDto> {
    return withEtag(res, await this.challenges.create(auth, dto));
  }

  @Get(':id')
  @OptionalAuth()
  @ApiOperation({
    summary:
      'Read a list (public once published; the issuer organization and admins always). Never the confidential part.',
  })
  @ApiOkResponse({ type: ChallengeResponseDto })
  @ApiNotFoundResponse({ description: 'No such list, or not visible to you', type: ProblemDto })
  async get(
    @Auth() auth: Principal | undefined,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChallengeResponseDto> {
    return withEtag(res, await this.challenges.get(auth, id));
  }

  @Patch(':id')
  @Authenticated({ roles: ['issuer'] })
  @ApiOperation({ summary: 'Edit a draft (If-Match required)', description: allowedFrom('edit') })
  @ApiIfMatch()
  @ApiOkResponse({ type: ChallengeResponseDto })
  @ApiBadRequestResponse({ description: 'Invalid body', type: ProblemDto })
  @ApiNotFoundResponse({ description: "No such list, or not your organization's", type: ProblemDto })
  @ApiConflictResponse({ description: STALE, type: ProblemDto })
  @ApiUnprocessableEntityResponse({ description: "The program's settings refuse it", type: ProblemDto })
  @ApiResponse({ status: 428, description: 'If-Match missing', type: ProblemDto })
  async update(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateChallengeDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChallengeResponseDto> {
    return withEtag(res, await this.challenges.update(auth, id, dto, version));
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Authenticated({ roles: ['issuer'] })
  @ApiOperation({ summary: 'Send a draft to vetting', description: allowedFrom('submit') })
  @ApiIfMatch()
  @ApiOkResponse({ type: ChallengeResponseDto })
  @ApiNotFoundResponse({ description: "No such list, or not your organization's", type: ProblemDto })
  @ApiConflictResponse({ description: STALE, type: ProblemDto })
  @ApiUnprocessableEntityResponse({ description: 'closesAt has passed (DEADLINE_PASSED)', type: ProblemDto })
  async submit(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChallengeResponseDto> {
    return withEtag(res, await this.challenges.submit(auth, id, version));
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Authenticated({ roles: ['issuer'] })
  @ApiOperation({ summary: 'Withdraw a list before it opens', description: allowedFrom('withdraw') })
  @ApiIfMatch()
  @ApiOkResponse({ type: ChallengeResponseDto })
  @ApiNotFoundResponse({ description: "No such list, or not your organization's", type: ProblemDto })
  @ApiConflictResponse({ description: STALE, type: ProblemDto })
  @ApiUnprocessableEntityResponse({
    description: 'The list has opened already (DEADLINE_PASSED)',
    type: ProblemDto,
  })
  async withdraw(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChallengeResponseDto> {
    return withEtag(res, await this.challenges.withdraw(auth, id, version));
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Approve and publish: assigns the code JB-<year>-<seq> and schedules opening and closing',
    description: allowedFrom('approve'),
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ChallengeResponseDto })
  @ApiNotFoundResponse({ description: 'No such list', type: ProblemDto })
  @ApiConflictResponse({ description: STALE, type: ProblemDto })
  @ApiUnprocessableEntityResponse({ description: 'closesAt has passed (DEADLINE_PASSED)', type: ProblemDto })
  async approve(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChallengeResponseDto> {
    return withEtag(res, await this.challenges.approve(auth, id, version));
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Send a list back to its issuer with a reason',
    description: allowedFrom('reject'),
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ChallengeResponseDto })
  @ApiBadRequestResponse({ description: 'No reason', type: ProblemDto })
  @ApiNotFoundResponse({ description: 'No such list', type: ProblemDto })
  @ApiConflictResponse({ description: STALE, type: ProblemDto })
  async reject(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: ReasonDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChallengeResponseDto> {
    return withEtag(res, await this.challenges.reject(auth, id, dto.reason, version));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Cancel a list before its award, with a reason',
    description: allowedFrom('cancel'),
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ChallengeResponseDto })
  @ApiBadRequestResponse({ description: 'No reason', type: ProblemDto })
  @ApiNotFoundResponse({ description: 'No such list', type: ProblemDto })
  @ApiConflictResponse({ description: STALE, type: ProblemDto })
  async cancel(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: ReasonDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChallengeResponseDto> {
    return withEtag(res, await this.challenges.cancel(auth, id, dto.reason, version));
  }

  @Post(':id/amendments')
  @Authenticated({ roles: ['issuer', 'admin'] })
  @ApiOperation({
    summary: 'Amend a published list: reason, changed fields, new version; deadline changes move the jobs',
    description: `${allowedFrom('amend')} Money, program, category, industry chain and selection mode are fixed once published.`,
  })
  @ApiIfMatch()
  @ApiCreatedResponse({ type: AmendmentResponseDto })
  @ApiBadRequestResponse({ description: 'Invalid changes', type: ProblemDto })
  @ApiNotFoundResponse({ description: "No such list, or not your organization's", type: ProblemDto })
  @ApiConflictResponse({ description: STALE, type: ProblemDto })
  @ApiUnprocessableEntityResponse({
    description: 'Nothing changes, or the list has closed',
    type: ProblemDto,
  })
  amend(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: AmendChallengeDto,
    @IfMatch() version: number | undefined,
  ): Promise<AmendmentResponseDto> {
    return this.challenges.amend(auth, id, dto, version);
  }

  @Get(':id/amendments')
  @OptionalAuth()
  @ApiOperation({
    summary: 'The amendment history of a list, oldest first (confidential changes show no values)',
  })
  @ApiPageResponse(AmendmentResponseDto)
  @ApiBadRequestResponse({ description: 'Bad cursor', type: ProblemDto })
  @ApiNotFoundResponse({ description: 'No such list, or not visible to you', type: ProblemDto })
  listAmendments(
    @Auth() auth: Principal | undefined,
    @Param('id', uuid) id: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<AmendmentResponseDto>> {
    return this.challenges.listAmendments(auth, id, query);
  }

  @Post(':id/nda')
  @HttpCode(200)
  @Authenticated({ roles: ['applicant'] })
  @ApiOperation({
    summary:
      'Record your non-disclosure undertaking for this list (audited); repeating it returns the first record',
    description: allowedFrom('accept_nda'),
  })
  @ApiOkResponse({ type: NdaResponseDto })
  @ApiBadRequestResponse({ description: '`accepted` is not true', type: ProblemDto })
  @ApiNotFoundResponse({ description: 'No such list, or not published', type: ProblemDto })
  @ApiConflictResponse({ description: 'Not allowed in this state', type: ProblemDto })
  acceptNda(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() _dto: AcceptNdaDto,
  ): Promise<NdaResponseDto> {
    return this.access.acceptNda(auth, id);
  }

  @Get(':id/confidential')
  @Authenticated({ roles: ['applicant', 'issuer', 'admin'] })
  @ApiOperation({
    summary:
      'The confidential details: the issuer organization, admins, and applicants who made the undertaking',
  })
  @ApiOkResponse({ type: ConfidentialDetailsResponseDto })
  @ApiNotFoundResponse({ description: 'No such list, or not visible to you', type: ProblemDto })
  getConfidential(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
  ): Promise<ConfidentialDetailsResponseDto> {
    return this.access.getConfidential(auth, id);
  }

  @Get(':id/attachments/:attachmentId')
  @OptionalAuth()
  @ApiOperation({
    summary:
      'Download an attachment of a list (confidential ones under the same rule as the confidential details)',
  })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({
    description: 'The file, with its content type and a Content-Disposition file name',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiForbiddenResponse({ description: 'Confidential, and no undertaking (NDA_REQUIRED)', type: ProblemDto })
  @ApiNotFoundResponse({ description: 'No such list or attachment, or not visible to you', type: ProblemDto })
  async download(
    @Auth() auth: Principal | undefined,
    @Param('id', uuid) id: string,
    @Param('attachmentId', uuid) attachmentId: string,
    @Res() res: Response,
  ): Promise<void> {
    await this.access.sendAttachment(auth, id, attachmentId, res);
  }

  @Put(':id/watch')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'Follow a list: be notified of its amendments, cancellation and closing' })
  @ApiNoContentResponse({ description: 'Following (also when you already were)' })
  @ApiNotFoundResponse({ description: 'No such list, or not visible to you', type: ProblemDto })
  watch(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<void> {
    return this.access.watch(auth, id);
  }

  @Delete(':id/watch')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'Stop following a list' })
  @ApiNoContentResponse({ description: 'Not following (also when you were not)' })
  @ApiNotFoundResponse({ description: 'No such list, or not visible to you', type: ProblemDto })
  unwatch(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<void> {
    return this.access.unwatch(auth, id);
  }
}

function withEtag(res: Response, challenge: ChallengeResponseDto): ChallengeResponseDto {
  setEtag(res, challenge.version);
  return challenge;
}
