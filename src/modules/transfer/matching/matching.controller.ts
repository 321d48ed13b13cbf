import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseEnumPipe,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated } from '../../../common/auth/decorators';
import type { Principal, Role } from '../../../common/auth/principal';
import { Endpoint } from '../../../common/openapi/endpoint';
import type { HttpResponse } from '../../../infra/http/http-types';
import { NeedIntroductionResponseDto } from '../needs/dto/need-response.dto';
import { NEED_MACHINE } from '../needs/needs-status';
import {
  IntroduceMatchDto,
  LabelMatchDto,
  MatchLabelResponseDto,
  MatchResponseDto,
  NeedMatchesQueryDto,
  ResultMatchesQueryDto,
} from './dto/match.dto';
import { MatchIntroductionsService } from './match-introductions.service';
import { MatchingService } from './matching.service';
import { NEED_MATCH_KINDS } from './matching.constants';
import type { NeedMatchKind } from './matching.constants';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });
const kindPipe = new ParseEnumPipe(Object.fromEntries(NEED_MATCH_KINDS.map((k) => [k, k])), {
  errorHttpStatusCode: 404,
});
/** Any person of an organization, and admins: access is decided per need or result (404 otherwise). */
const READERS: Role[] = ['issuer', 'applicant', 'expert', 'broker', 'user_manager', 'admin'];

const EXPLAINED =
  'Each match carries its explanation: the shared segmented terms with their weights, the industry-chain ' +
  'overlap, the TRL fit and the region (ADR 0060). Matching reads public fields only, never confidential details.';

@ApiTags('matching')
@Controller()
export class MatchingController {
  constructor(
    private readonly matching: MatchingService,
    private readonly introductions: MatchIntroductionsService,
  ) {}

  @Get('needs/:id/matches')
  @Authenticated({ roles: READERS })
  @Endpoint({
    summary: "A need's best results, teams or experts (its enterprise, brokers who see it, admins)",
    description:
      `${EXPLAINED} kind=team answers carry the team (name, lead organization, chains); kind=expert the ` +
      'expert’s fields of expertise and region, with the name for brokers and admins only (never contact data). ' +
      '404 for anyone who does not see the need whole.',
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({ type: [MatchResponseDto] })
  needMatches(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Query() query: NeedMatchesQueryDto,
  ): Promise<MatchResponseDto[]> {
    return this.matching.needMatches(auth, id, query.kind, query.limit);
  }

  @Get('results/:id/matches')
  @Authenticated({ roles: READERS })
  @Endpoint({
    summary: "A result's best open public needs (its holder, brokers, admins)",
    description: `${EXPLAINED} Each need is shown as the public sees it: an anonymous need never names its enterprise.`,
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({ type: [MatchResponseDto] })
  resultMatches(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Query() query: ResultMatchesQueryDto,
  ): Promise<MatchResponseDto[]> {
    return this.matching.resultMatches(auth, id, query.limit);
  }

  @Post('needs/:id/matches/:kind/:subjectId/label')
  @HttpCode(200)
  @Authenticated({ roles: ['broker', 'admin'] })
  @Endpoint({
    summary: "Accept or reject a need's suggested match, with a reason (a broker who sees the need)",
    description:
      'One label per need and subject (labelling again replaces it); kept to measure match quality and audited ' +
      'as match.labelled. 404 for a need the broker does not see or an unknown subject.',
    errors: ['NOT_FOUND', 'FORBIDDEN'],
  })
  @ApiParam({ name: 'kind', enum: NEED_MATCH_KINDS })
  @ApiOkResponse({ type: MatchLabelResponseDto })
  label(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Param('kind', kindPipe) kind: NeedMatchKind,
    @Param('subjectId', uuid) subjectId: string,
    @Body() dto: LabelMatchDto,
  ): Promise<MatchLabelResponseDto> {
    return this.matching.label(auth, id, kind, subjectId, dto);
  }

  @Post('needs/:id/matches/:kind/:subjectId/introduction')
  @Authenticated({ roles: ['broker', 'admin'] })
  @Endpoint({
    summary: 'Introduce an accepted match to the need’s enterprise (the broker who claimed the need)',
    description:
      'The match must be labelled accept first (422 BUSINESS_RULE_VIOLATION for a rejected or unlabelled one, or a ' +
      'subject that left the library). Recorded as the need’s introduction (subjectKind, subjectId) and told through ' +
      'introduction.made exactly like an introduction from an interest: the enterprise and the result’s holder or the ' +
      'team’s lead organization; an expert alone. One per need and subject: asking again answers 200 with the ' +
      'introduction made, and tells nobody again. With markMatched the need becomes matched.',
    errors: ['NOT_FOUND', 'FORBIDDEN', 'BUSINESS_RULE_VIOLATION', 'INVALID_STATE_TRANSITION'],
    transitions: { machine: NEED_MACHINE, actions: ['introduce', 'match'] },
  })
  @ApiParam({ name: 'kind', enum: NEED_MATCH_KINDS })
  @ApiCreatedResponse({ type: NeedIntroductionResponseDto, description: 'The introduction, made now' })
  @ApiOkResponse({
    type: NeedIntroductionResponseDto,
    description: 'The introduction made before (a replay)',
  })
  async introduce(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Param('kind', kindPipe) kind: NeedMatchKind,
    @Param('subjectId', uuid) subjectId: string,
    @Body() dto: IntroduceMatchDto,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<NeedIntroductionResponseDto> {
    const { introduction, created } = await this.introductions.introduce(auth, id, kind, subjectId, dto);
    res.status(created ? 201 : 200);
    return introduction;
  }
}
