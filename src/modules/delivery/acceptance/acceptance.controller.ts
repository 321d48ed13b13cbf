import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { HttpResponse } from '../../../infra/http/http-types';
import { Auth, Authenticated } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { ApiIfMatch, IfMatch, withEtag } from '../../../common/concurrency/etag';
import { ApiPageResponse, Page, PageQueryDto } from '../../../common/pagination/pagination';
import { AcceptanceDecisionsService } from './acceptance-decisions.service';
import { AcceptancePanelService } from './acceptance-panel.service';
import { AcceptanceRequestsService } from './acceptance-requests.service';
import { AcceptanceVerdictsService } from './acceptance-verdicts.service';
import { AcceptanceViewService } from './acceptance-view.service';
import {
  AcceptanceDeclareDto,
  ConfirmConditionsDto,
  DecideAcceptanceDto,
  RequestAcceptanceDto,
  SubmitVerdictsDto,
} from './dto/acceptance-input.dto';
import { DECLARATION_EXAMPLES } from '../../evaluation/reviews/dto/review-input.dto';
import { AcceptanceAssignmentResponseDto, AcceptanceResponseDto } from './dto/acceptance-response.dto';
import { Endpoint } from '../../../common/openapi/endpoint';
import { ACCEPTANCE_MACHINE } from './acceptance.machine';
import { PAYMENT_MACHINE } from '../payments/payment-status';
import { PROJECT_MACHINE } from '../projects/project-status';
import { PANEL_MEMBER_MACHINE } from '../../evaluation/panels/panel-member.machine';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });
@ApiTags('acceptance')
@Controller('projects/:id/acceptance')
export class ProjectAcceptanceController {
  constructor(
    private readonly requests: AcceptanceRequestsService,
    private readonly views: AcceptanceViewService,
  ) {}

  @Post()
  @HttpCode(201)
  @Authenticated({ roles: ['applicant'] })
  @Endpoint({
    summary:
      'Request acceptance (验收) of an active project: measured values, evidence, summary; draws the panel',
    description:
      "An applicant of the project's lead organization; the project active and every milestone passed " +
      '(422 naming the others). One measured value per task-book ' +
      'indicator (422 naming the missing ones); evidence: attachments of your organization. The panel is drawn at once ' +
      "as for review: active experts of the challenge's industry chain without any conflict with the issuer, the lead and " +
      'consortium organizations or the team members, ordered by HMAC-SHA256(seed, expertId), the program’s panelSize ' +
      'members (enterprise minimum first) and reserveExperts reserves; the seed is in the audit event. Issuer ' +
      'representatives are not drawn: the issuer’s opinion is recorded with the decision.',
    errors: [
      'FORBIDDEN',
      'NOT_FOUND',
      'INVALID_STATE_TRANSITION',
      'BUSINESS_RULE_VIOLATION',
      'PANEL_UNDERSTAFFED',
    ],
    transitions: [
      { machine: PROJECT_MACHINE, actions: ['request_acceptance'] },
      { machine: ACCEPTANCE_MACHINE, actions: ['request'] },
      { machine: PANEL_MEMBER_MACHINE, actions: ['draw', 'draw_reserve'] },
    ],
  })
  @ApiCreatedResponse({ type: AcceptanceResponseDto })
  async request(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: RequestAcceptanceDto,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<AcceptanceResponseDto> {
    return withEtag(res, await this.requests.request(auth, id, dto));
  }

  @Get()
  @Authenticated({ roles: ['admin', 'issuer', 'applicant', 'expert'] })
  @Endpoint({
    summary: 'The project’s latest acceptance',
    description:
      'Admins; the issuer, lead and consortium organizations (read-only). The parties never see the experts’ names; ' +
      'they see the verdicts, without expert identities, only after the decision.',
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({ type: AcceptanceResponseDto })
  async get(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<AcceptanceResponseDto> {
    return withEtag(res, await this.views.getOfProject(auth, id));
  }
}

@ApiTags('acceptance')
@Controller('acceptances/:id')
export class AcceptancesController {
  constructor(
    private readonly views: AcceptanceViewService,
    private readonly verdictsOfPanel: AcceptanceVerdictsService,
    private readonly decisions: AcceptanceDecisionsService,
  ) {}

  @Get()
  @Authenticated({ roles: ['admin', 'issuer', 'applicant', 'expert'] })
  @Endpoint({
    summary: 'An acceptance: request, panel progress, decision (parties and admins)',
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({ type: AcceptanceResponseDto })
  async get(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<AcceptanceResponseDto> {
    return withEtag(res, await this.views.get(auth, id));
  }

  @Post('verdicts')
  @HttpCode(200)
  @Authenticated({ roles: ['expert'] })
  @Endpoint({
    summary:
      'A panel member’s verdicts: met / partially_met / not_met with a comment, every indicator once; final',
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION', 'BUSINESS_RULE_VIOLATION'],
    transitions: { machine: PANEL_MEMBER_MACHINE, actions: ['submit'] },
  })
  @ApiOkResponse({ type: AcceptanceAssignmentResponseDto })
  verdicts(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: SubmitVerdictsDto,
  ): Promise<AcceptanceAssignmentResponseDto> {
    return this.verdictsOfPanel.submitVerdicts(auth, id, dto);
  }

  @Post('decide')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Decide: passed | passed_with_conditions | failed, with the reason and the issuer’s opinion',
    description:
      'Once every active panel member submitted its verdicts, or with a closeReason. passed → project accepted, final ' +
      'tranches approved; passed_with_conditions (conditions + conditionsDueAt) → the acceptance waits: confirm with ' +
      'POST /acceptances/{id}/conditions before the due date, or it fails at the due date (deadline job, integrity ' +
      'records written); failed → project failed, integrity records against the leader and the lead organization ' +
      'unless dueDiligenceExemption (尽职免责). Emits acceptance.decided. If-Match optional.',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE_TRANSITION', 'BUSINESS_RULE_VIOLATION'],
    transitions: [
      { machine: ACCEPTANCE_MACHINE, actions: ['pass', 'pass_with_conditions', 'fail'] },
      { machine: PROJECT_MACHINE, actions: ['accept', 'fail'] },
      { machine: PAYMENT_MACHINE, actions: ['approve'] },
    ],
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: AcceptanceResponseDto })
  async decide(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: DecideAcceptanceDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<AcceptanceResponseDto> {
    return withEtag(res, await this.decisions.decide(auth, id, dto, version));
  }

  @Post('conditions')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Confirm, before the due date, whether the conditions of a conditional pass were met',
    description:
      'met → project accepted (final tranches approved); not met → project failed (integrity records unless ' +
      'dueDiligenceExemption). After the due date: 422 DEADLINE_PASSED (the deadline job fails it). If-Match optional.',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE_TRANSITION', 'DEADLINE_PASSED'],
    transitions: [
      { machine: ACCEPTANCE_MACHINE, actions: ['meet_conditions', 'miss_conditions'] },
      { machine: PROJECT_MACHINE, actions: ['accept', 'fail'] },
      { machine: PAYMENT_MACHINE, actions: ['approve'] },
    ],
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: AcceptanceResponseDto })
  async conditions(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: ConfirmConditionsDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<AcceptanceResponseDto> {
    return withEtag(res, await this.decisions.confirmConditions(auth, id, dto, version));
  }
}

@ApiTags('acceptance')
@Controller('acceptance-assignments')
export class AcceptanceAssignmentsController {
  constructor(private readonly panel: AcceptancePanelService) {}

  @Get()
  @Authenticated({ roles: ['expert'] })
  @Endpoint({ summary: 'Your acceptance-panel assignments, newest first' })
  @ApiPageResponse(AcceptanceAssignmentResponseDto)
  list(
    @Auth() auth: Principal,
    @Query() query: PageQueryDto,
  ): Promise<Page<AcceptanceAssignmentResponseDto>> {
    return this.panel.listAssignments(auth, query);
  }

  @Get(':id')
  @Authenticated({ roles: ['expert'] })
  @Endpoint({
    summary: 'One of your assignments (the measured values once you declared no conflict)',
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({ type: AcceptanceAssignmentResponseDto })
  get(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<AcceptanceAssignmentResponseDto> {
    return this.panel.getAssignment(auth, id);
  }

  @Post(':id/declare')
  @HttpCode(200)
  @Authenticated({ roles: ['expert'] })
  @Endpoint({
    summary: 'Declare: {conflict:false} | {conflict:true, reason} | {decline:true, reason}',
    description:
      'The conflict rules run again on your profile as it is now. A conflict (declared or found) or a decline takes ' +
      'you off the panel; the next reserve without a conflict is called, audited.',
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION', 'CONFLICT_OF_INTEREST'],
    transitions: {
      machine: PANEL_MEMBER_MACHINE,
      actions: ['declare', 'conflict', 'decline', 'skip', 'call'],
    },
  })
  @ApiBody({ type: AcceptanceDeclareDto, examples: DECLARATION_EXAMPLES })
  @ApiOkResponse({ type: AcceptanceAssignmentResponseDto })
  declare(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: AcceptanceDeclareDto,
  ): Promise<AcceptanceAssignmentResponseDto> {
    return this.panel.declare(auth, id, dto);
  }
}
