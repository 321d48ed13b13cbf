import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Auth, Authenticated } from '../../common/auth/decorators';
import type { Principal } from '../../common/auth/principal';
import { ApiIfMatch, IfMatch, setEtag } from '../../common/concurrency/etag';
import { ProblemDto } from '../../common/errors/problem';
import { ApiPageResponse, Page, PageQueryDto } from '../../common/pagination/pagination';
import { AcceptanceService } from './acceptance.service';
import {
  AcceptanceDeclareDto,
  ConfirmConditionsDto,
  DecideAcceptanceDto,
  RequestAcceptanceDto,
  SubmitVerdictsDto,
} from './dto/acceptance-input.dto';
import { DECLARATION_EXAMPLES } from '../reviews/dto/review-input.dto';
import { AcceptanceAssignmentResponseDto, AcceptanceResponseDto } from './dto/acceptance-response.dto';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });
const NOT_VISIBLE = 'No such acceptance, or the caller is not a party of the project (404, never 403)';

@ApiTags('acceptance')
@Controller('projects/:id/acceptance')
export class ProjectAcceptanceController {
  constructor(private readonly acceptance: AcceptanceService) {}

  @Post()
  @HttpCode(201)
  @Authenticated({ roles: ['applicant'] })
  @ApiOperation({
    summary:
      'Request acceptance (验收) of an active project: measured values, evidence, summary; draws the panel',
    description:
      "An applicant of the project's lead organization; the project active (request_acceptance: active → " +
      'acceptance_requested) and every milestone passed (422 naming the others). One measured value per task-book ' +
      'indicator (422 naming the missing ones); evidence: attachments of your organization. The panel is drawn at once ' +
      "as for review: active experts of the list's industry chain without any conflict with the issuer, the lead and " +
      'consortium organizations or the team members, ordered by HMAC-SHA256(seed, expertId), the program’s panelSize ' +
      'members (enterprise minimum first) and reserveExperts reserves; the seed is in the audit event. Issuer ' +
      'representatives are not drawn: the issuer’s opinion is recorded with the decision.',
  })
  @ApiCreatedResponse({ type: AcceptanceResponseDto })
  @ApiNotFoundResponse({ description: 'No such project, or not a party', type: ProblemDto })
  @ApiForbiddenResponse({
    description: 'A party, but not an applicant of the lead organization',
    type: ProblemDto,
  })
  @ApiConflictResponse({
    description: 'The project is not active (INVALID_STATE_TRANSITION)',
    type: ProblemDto,
  })
  @ApiUnprocessableEntityResponse({
    description:
      'A milestone not passed or an indicator without a measured value (BUSINESS_RULE_VIOLATION); too few qualified ' +
      'experts (PANEL_UNDERSTAFFED) — nothing written',
    type: ProblemDto,
  })
  async request(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: RequestAcceptanceDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AcceptanceResponseDto> {
    return withEtag(res, await this.acceptance.request(auth, id, dto));
  }

  @Get()
  @Authenticated()
  @ApiOperation({
    summary: 'The project’s latest acceptance',
    description:
      'Admins; the issuer, lead and consortium organizations (read-only). The parties never see the experts’ names; ' +
      'they see the verdicts, without expert identities, only after the decision.',
  })
  @ApiOkResponse({ type: AcceptanceResponseDto })
  @ApiNotFoundResponse({ description: NOT_VISIBLE, type: ProblemDto })
  async get(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AcceptanceResponseDto> {
    return withEtag(res, await this.acceptance.getOfProject(auth, id));
  }
}

@ApiTags('acceptance')
@Controller('acceptances/:id')
export class AcceptancesController {
  constructor(private readonly acceptance: AcceptanceService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'An acceptance: request, panel progress, decision (parties and admins)' })
  @ApiOkResponse({ type: AcceptanceResponseDto })
  @ApiNotFoundResponse({ description: NOT_VISIBLE, type: ProblemDto })
  async get(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AcceptanceResponseDto> {
    return withEtag(res, await this.acceptance.get(auth, id));
  }

  @Post('verdicts')
  @HttpCode(200)
  @Authenticated({ roles: ['expert'] })
  @ApiOperation({
    summary:
      'A panel member’s verdicts: met / partially_met / not_met with a comment, every indicator once; final',
  })
  @ApiOkResponse({ type: AcceptanceAssignmentResponseDto })
  @ApiNotFoundResponse({ description: 'No such acceptance, or you are not on its panel', type: ProblemDto })
  @ApiConflictResponse({
    description: 'Not declared yet, already submitted, left the panel, or the acceptance is decided',
    type: ProblemDto,
  })
  @ApiUnprocessableEntityResponse({
    description: 'An indicator missing, unknown or given twice (BUSINESS_RULE_VIOLATION)',
    type: ProblemDto,
  })
  verdicts(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: SubmitVerdictsDto,
  ): Promise<AcceptanceAssignmentResponseDto> {
    return this.acceptance.submitVerdicts(auth, id, dto);
  }

  @Post('decide')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Decide: passed | passed_with_conditions | failed, with the reason and the issuer’s opinion',
    description:
      'Once every active panel member submitted its verdicts, or with a closeReason. passed → project accepted, final ' +
      'tranches approved; passed_with_conditions (conditions + conditionsDueAt) → the acceptance waits: confirm with ' +
      'POST /acceptances/{id}/conditions before the due date, or it fails at the due date (deadline job, integrity ' +
      'records written); failed → project failed, integrity records against the leader and the lead organization ' +
      'unless dueDiligenceExemption (尽职免责). Emits acceptance.decided. If-Match optional.',
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: AcceptanceResponseDto })
  @ApiNotFoundResponse({ description: 'No such acceptance', type: ProblemDto })
  @ApiConflictResponse({
    description:
      'Already decided, verdicts pending without closeReason, project not acceptance_requested, stale If-Match',
    type: ProblemDto,
  })
  @ApiUnprocessableEntityResponse({ description: 'conditionsDueAt not in the future', type: ProblemDto })
  async decide(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: DecideAcceptanceDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AcceptanceResponseDto> {
    return withEtag(res, await this.acceptance.decide(auth, id, dto, version));
  }

  @Post('conditions')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Confirm, before the due date, whether the conditions of a conditional pass were met',
    description:
      'met → project accepted (final tranches approved); not met → project failed (integrity records unless ' +
      'dueDiligenceExemption). After the due date: 422 DEADLINE_PASSED (the deadline job fails it). If-Match optional.',
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: AcceptanceResponseDto })
  @ApiNotFoundResponse({ description: 'No such acceptance', type: ProblemDto })
  @ApiConflictResponse({ description: 'Not waiting for conditions, or stale If-Match', type: ProblemDto })
  @ApiUnprocessableEntityResponse({ description: 'The due date passed (DEADLINE_PASSED)', type: ProblemDto })
  async conditions(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: ConfirmConditionsDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AcceptanceResponseDto> {
    return withEtag(res, await this.acceptance.confirmConditions(auth, id, dto, version));
  }
}

@ApiTags('acceptance')
@Controller('acceptance-assignments')
export class AcceptanceAssignmentsController {
  constructor(private readonly acceptance: AcceptanceService) {}

  @Get()
  @Authenticated({ roles: ['expert'] })
  @ApiOperation({ summary: 'Your acceptance-panel assignments, newest first' })
  @ApiPageResponse(AcceptanceAssignmentResponseDto)
  list(
    @Auth() auth: Principal,
    @Query() query: PageQueryDto,
  ): Promise<Page<AcceptanceAssignmentResponseDto>> {
    return this.acceptance.listAssignments(auth, query);
  }

  @Get(':id')
  @Authenticated({ roles: ['expert'] })
  @ApiOperation({ summary: 'One of your assignments (the measured values once you declared no conflict)' })
  @ApiOkResponse({ type: AcceptanceAssignmentResponseDto })
  @ApiNotFoundResponse({ description: 'No such assignment, or not yours', type: ProblemDto })
  get(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<AcceptanceAssignmentResponseDto> {
    return this.acceptance.getAssignment(auth, id);
  }

  @Post(':id/declare')
  @HttpCode(200)
  @Authenticated({ roles: ['expert'] })
  @ApiOperation({
    summary: 'Declare: {conflict:false} | {conflict:true, reason} | {decline:true, reason}',
    description:
      'The conflict rules run again on your profile as it is now. A conflict (declared or found) or a decline takes ' +
      'you off the panel; the next reserve without a conflict is called, audited.',
  })
  @ApiBody({ type: AcceptanceDeclareDto, examples: DECLARATION_EXAMPLES })
  @ApiOkResponse({ type: AcceptanceAssignmentResponseDto })
  @ApiNotFoundResponse({ description: 'No such assignment, or not yours', type: ProblemDto })
  @ApiConflictResponse({ description: 'Already declared, or the acceptance is decided', type: ProblemDto })
  @ApiUnprocessableEntityResponse({
    description: '{conflict:false} but the rules found one (CONFLICT_OF_INTEREST): you were replaced',
    type: ProblemDto,
  })
  declare(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: AcceptanceDeclareDto,
  ): Promise<AcceptanceAssignmentResponseDto> {
    return this.acceptance.declare(auth, id, dto);
  }
}

function withEtag<T extends { version: number }>(res: Response, body: T): T {
  setEtag(res, body.version);
  return body;
}
