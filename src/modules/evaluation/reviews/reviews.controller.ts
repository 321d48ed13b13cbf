import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { HttpResponse } from '../../../infra/http/http-types';
import { Auth, Authenticated } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { ApiIfMatch, IfMatch, withEtag } from '../../../common/concurrency/etag';
import { ApiPageResponse, Page, PageQueryDto } from '../../../common/pagination/pagination';
import { CloseReviewDto, DECLARATION_EXAMPLES, DeclareDto, SaveScoresDto } from './dto/review-input.dto';
import {
  BlindReviewApplicationDto,
  DeclarationResponseDto,
  OpenReviewApplicationDto,
  RankingResponseDto,
  ReviewApplicationDto,
  ReviewAssignmentResponseDto,
  ReviewPanelResponseDto,
} from './dto/review-response.dto';
import { ReviewAssignmentsService } from './review-assignments.service';
import { ReviewPanelsService } from './review-panels.service';
import { ReviewResultsService } from './review-results.service';
import { Endpoint } from '../../../common/openapi/endpoint';
import { APPLICATION_MACHINE } from '../../call/applications/application-status';
import { CHALLENGE_MACHINE } from '../../call/challenges/challenge-status';
import { PANEL_MEMBER_MACHINE } from '../panels/panel-member.machine';
import { REVIEW_ASSIGNMENT_MACHINE } from './review-assignment.machine';
import { REVIEW_PANEL_MACHINE } from './review-panel.machine';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });
@ApiTags('review')
@Controller('challenges/:id')
export class ChallengeReviewController {
  constructor(
    private readonly panels: ReviewPanelsService,
    private readonly results: ReviewResultsService,
  ) {}

  @Post('review')
  @HttpCode(201)
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Start the review of a closed challenge: draw the expert panel and its reserves',
    description:
      'The challenge must be closed with at least one eligible application. Candidates are the active ' +
      "experts of the challenge's industry chain without any conflict of interest with the issuer or any eligible application's organizations " +
      'and members; the draw orders them by HMAC-SHA256(seed, expertId) with a 32-byte random seed recorded on the panel and in ' +
      'the audit event, takes the enterprise minimum first, fills the panel, then the reserves. Eligible applications go under_review; ' +
      'every member gets one pending assignment per application and a notification. If-Match (the challenge’s ETag) optional.',
    errors: [
      'VALIDATION_FAILED',
      'FORBIDDEN',
      'NOT_FOUND',
      'INVALID_STATE_TRANSITION',
      'BUSINESS_RULE_VIOLATION',
      'DEADLINE_PASSED',
      'PANEL_UNDERSTAFFED',
    ],
    transitions: [
      { machine: CHALLENGE_MACHINE, actions: ['start_review'] },
      { machine: REVIEW_PANEL_MACHINE, actions: ['draw'] },
      { machine: PANEL_MEMBER_MACHINE, actions: ['draw', 'draw_reserve'] },
      { machine: REVIEW_ASSIGNMENT_MACHINE, actions: ['assign'] },
      { machine: APPLICATION_MACHINE, actions: ['start_review'] },
    ],
  })
  @ApiIfMatch()
  @ApiResponse({ status: 201, type: ReviewPanelResponseDto })
  async start(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ReviewPanelResponseDto> {
    return withEtag(res, await this.panels.start(auth, id, version));
  }

  @Get('review')
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary:
      'The panel: members (with names), reserves, replacements and each assignment’s progress — never scores',
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({ type: ReviewPanelResponseDto })
  async get(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ReviewPanelResponseDto> {
    return withEtag(res, await this.panels.getPanel(auth, id));
  }

  @Post('review/close')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Close the panel before every score is in, with a reason',
    description:
      'The submitted scores are aggregated and ranked; assignments not submitted are left out. Applications at or above the pass line ' +
      'are shortlisted. The panel also closes by itself with the last submission. If-Match (the panel’s ETag) optional.',
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION'],
    transitions: [
      { machine: REVIEW_PANEL_MACHINE, actions: ['close'] },
      { machine: APPLICATION_MACHINE, actions: ['shortlist'] },
    ],
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ReviewPanelResponseDto })
  async close(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: CloseReviewDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ReviewPanelResponseDto> {
    return withEtag(res, await this.panels.closeByAdmin(auth, id, dto.reason, version));
  }

  @Get('ranking')
  @Authenticated({ roles: ['admin', 'issuer'] })
  @Endpoint({
    summary: 'The ranking of a closed panel: score, mean, trimmed mean, median, spread, outliers, pass line',
    description:
      'Admins after the panel closed (409 before); the challenge’s issuer organization after the panel closed (404 before, and for ' +
      'any other organization). Team names unless the program hides applicants from the issuer. Never the experts’ names; ' +
      'admins also see which assignments are outliers.',
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION'],
  })
  @ApiOkResponse({ type: RankingResponseDto })
  ranking(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<RankingResponseDto> {
    return this.results.ranking(auth, id);
  }
}

@ApiTags('review')
@Controller('review-assignments')
@ApiExtraModels(BlindReviewApplicationDto, OpenReviewApplicationDto)
export class ReviewAssignmentsController {
  constructor(private readonly assignments: ReviewAssignmentsService) {}

  @Get()
  @Authenticated({ roles: ['expert'] })
  @Endpoint({
    summary: 'Your assignments, newest first (keyset paginated)',
    description:
      'Each names its challenge and the application by a neutral label (申请 n, by order of submission); the team name only after you ' +
      'declared no conflict, and never in a blind program. Your own scores only.',
  })
  @ApiPageResponse(ReviewAssignmentResponseDto)
  list(@Auth() auth: Principal, @Query() query: PageQueryDto): Promise<Page<ReviewAssignmentResponseDto>> {
    return this.assignments.list(auth, query);
  }

  @Get(':id')
  @Authenticated({ roles: ['expert'] })
  @Endpoint({
    summary: 'One of your assignments with your own saved scores (ETag for If-Match)',
    errors: ['VALIDATION_FAILED', 'NOT_FOUND'],
  })
  @ApiOkResponse({ type: ReviewAssignmentResponseDto })
  async get(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ReviewAssignmentResponseDto> {
    return withEtag(res, await this.assignments.get(auth, id));
  }

  @Post(':id/declare')
  @HttpCode(200)
  @Authenticated({ roles: ['expert'] })
  @Endpoint({
    summary: 'Declare no conflict of interest, or a conflict, or decline',
    description:
      '{"conflict": false} → declared, after the conflict rules run again on your profile as it is now. {"conflict": true, ' +
      '"reason"} or {"decline": true, "reason"} → you leave the panel (all your assignments on it end) and the next reserve ' +
      'without a conflict takes your place. If the rules find a conflict when you declared none, you are replaced the same ' +
      'way and the answer is 422 CONFLICT_OF_INTEREST naming it.',
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION', 'CONFLICT_OF_INTEREST'],
    transitions: [
      { machine: REVIEW_ASSIGNMENT_MACHINE, actions: ['declare', 'conflict', 'decline', 'cancel', 'assign'] },
      { machine: PANEL_MEMBER_MACHINE, actions: ['conflict', 'decline', 'skip', 'call'] },
    ],
  })
  @ApiBody({ type: DeclareDto, examples: DECLARATION_EXAMPLES })
  @ApiOkResponse({ type: DeclarationResponseDto })
  async declare(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: DeclareDto,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<DeclarationResponseDto> {
    return withEtag(res, await this.assignments.declare(auth, id, dto));
  }

  @Get(':id/application')
  @Authenticated({ roles: ['expert'] })
  @Endpoint({
    summary: 'The application to review, after declaring no conflict; blinded when the program says so',
    description:
      'Blind programs answer BlindReviewApplicationDto (blind: true): the plan, commitments with the challenge’s indicators, ' +
      'milestones, amount and attachments labelled 附件1…, with no team, organization or member names or ids, no leader, ' +
      'no region, no file names. Otherwise OpenReviewApplicationDto (blind: false) adds the team.',
    errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'INVALID_STATE_TRANSITION'],
  })
  @ApiOkResponse({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(BlindReviewApplicationDto) },
        { $ref: getSchemaPath(OpenReviewApplicationDto) },
      ],
      discriminator: { propertyName: 'blind' },
    },
  })
  application(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<ReviewApplicationDto> {
    return this.assignments.application(auth, id);
  }

  @Put(':id/scores')
  @Authenticated({ roles: ['expert'] })
  @Endpoint({
    summary:
      'Save a draft of your scores and comments (replaces the saved ones); as often as you want until you submit',
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION', 'PRECONDITION_REQUIRED'],
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ReviewAssignmentResponseDto })
  async save(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: SaveScoresDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ReviewAssignmentResponseDto> {
    return withEtag(res, await this.assignments.saveScores(auth, id, dto, version));
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Authenticated({ roles: ['expert'] })
  @Endpoint({
    summary: 'Submit your saved scores: final',
    description:
      'Every criterion scored, and a comment on each score under 60% of its maximum (422 with field errors). The last ' +
      'submission of the panel closes it and computes the ranking. If-Match optional.',
    errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'INVALID_STATE_TRANSITION', 'BUSINESS_RULE_VIOLATION'],
    transitions: [
      { machine: REVIEW_ASSIGNMENT_MACHINE, actions: ['submit'] },
      { machine: REVIEW_PANEL_MACHINE, actions: ['close'] },
      { machine: APPLICATION_MACHINE, actions: ['shortlist'] },
    ],
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ReviewAssignmentResponseDto })
  async submit(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ReviewAssignmentResponseDto> {
    return withEtag(res, await this.assignments.submit(auth, id, version));
  }
}
