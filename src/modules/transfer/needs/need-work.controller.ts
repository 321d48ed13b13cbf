import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { HttpResponse } from '../../../infra/http/http-types';
import { Auth, Authenticated } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { ApiIfMatch, IfMatch, withEtag } from '../../../common/concurrency/etag';
import { Endpoint } from '../../../common/openapi/endpoint';
import {
  DiagnoseNeedDto,
  ExpressInterestDto,
  IntroduceDto,
  NeedReasonDto,
  PromoteNeedDto,
  RefineNeedDto,
} from './dto/need-input.dto';
import {
  NeedInterestResponseDto,
  NeedIntroductionResponseDto,
  NeedResponseDto,
} from './dto/need-response.dto';
import { NeedBrokeringService } from './need-brokering.service';
import { NeedInterestsService } from './need-interests.service';
import { NEED_MACHINE } from './needs-status';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });
const WORK_ERRORS = ['NOT_FOUND', 'FORBIDDEN', 'INVALID_STATE_TRANSITION', 'VERSION_MISMATCH'] as const;

/** The broker's work on a need (claim → diagnose → refine → list / return / long-term) and interests. */
@ApiTags('needs')
@Controller('needs')
export class NeedWorkController {
  constructor(
    private readonly brokering: NeedBrokeringService,
    private readonly interests: NeedInterestsService,
  ) {}

  @Post(':id/claim')
  @HttpCode(200)
  @Authenticated({ roles: ['broker', 'admin'] })
  @Endpoint({
    summary: 'Claim a need routed to your centre or a centre below it (404 for any other)',
    errors: [...WORK_ERRORS],
    transitions: { machine: NEED_MACHINE, actions: ['claim'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: NeedResponseDto })
  async claim(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<NeedResponseDto> {
    return withEtag(res, await this.brokering.claim(auth, id, version));
  }

  @Post(':id/diagnosis')
  @HttpCode(200)
  @Authenticated({ roles: ['broker', 'admin'] })
  @Endpoint({
    summary: 'Record the diagnosis: the real technical problem, the TRL needed (1–9), indicators',
    errors: [...WORK_ERRORS],
    transitions: { machine: NEED_MACHINE, actions: ['diagnose'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: NeedResponseDto })
  async diagnose(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: DiagnoseNeedDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<NeedResponseDto> {
    return withEtag(res, await this.brokering.diagnose(auth, id, dto, version));
  }

  @Post(':id/refine')
  @HttpCode(200)
  @Authenticated({ roles: ['broker', 'admin'] })
  @Endpoint({
    summary: 'Refine a diagnosed need: it becomes public (anonymous unless the enterprise chose otherwise)',
    errors: [...WORK_ERRORS, 'BUSINESS_RULE_VIOLATION'],
    transitions: { machine: NEED_MACHINE, actions: ['refine'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: NeedResponseDto })
  async refine(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: RefineNeedDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<NeedResponseDto> {
    return withEtag(res, await this.brokering.refine(auth, id, dto, version));
  }

  @Post(':id/return')
  @HttpCode(200)
  @Authenticated({ roles: ['broker', 'admin'] })
  @Endpoint({
    summary: 'Return a need to the enterprise with a reason',
    errors: [...WORK_ERRORS],
    transitions: { machine: NEED_MACHINE, actions: ['return'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: NeedResponseDto })
  async returnNeed(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: NeedReasonDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<NeedResponseDto> {
    return withEtag(res, await this.brokering.returnToEnterprise(auth, id, dto, version));
  }

  @Post(':id/long-term')
  @HttpCode(200)
  @Authenticated({ roles: ['broker', 'admin'] })
  @Endpoint({
    summary: 'Track a refined need as long-term, with a reason',
    errors: [...WORK_ERRORS],
    transitions: { machine: NEED_MACHINE, actions: ['mark_long_term'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: NeedResponseDto })
  async longTerm(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: NeedReasonDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<NeedResponseDto> {
    return withEtag(res, await this.brokering.markLongTerm(auth, id, dto, version));
  }

  @Post(':id/promote')
  @HttpCode(200)
  @Authenticated({ roles: ['broker', 'admin', 'issuer'] })
  @Endpoint({
    summary: "Promote a refined need to a draft challenge list of the enterprise's organization",
    description:
      'The list carries the title, summaries, chain, the diagnosis’ indicators and the budget (totalFen = budgetMaxFen, fiscalFen as given, the rest co-funding); the need shows the list’s id (and later its projects), the list its need id. The enterprise then submits the draft for vetting.',
    errors: [...WORK_ERRORS, 'BUSINESS_RULE_VIOLATION'],
    transitions: { machine: NEED_MACHINE, actions: ['promote'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: NeedResponseDto })
  async promote(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: PromoteNeedDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<NeedResponseDto> {
    return withEtag(res, await this.brokering.promote(auth, id, dto, version));
  }

  @Post(':id/interests')
  @Authenticated({ roles: ['applicant'] })
  @Endpoint({
    summary: 'Express interest in a public need (a team or a results holder); its broker is told',
    errors: [
      'NOT_FOUND',
      'FORBIDDEN',
      'INVALID_STATE_TRANSITION',
      'ALREADY_EXISTS',
      'BUSINESS_RULE_VIOLATION',
    ],
    transitions: { machine: NEED_MACHINE, actions: ['express_interest'] },
  })
  @ApiCreatedResponse({ type: NeedInterestResponseDto })
  express(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: ExpressInterestDto,
  ): Promise<NeedInterestResponseDto> {
    return this.interests.express(auth, id, dto);
  }

  @Get(':id/interests')
  @Authenticated({ roles: ['broker', 'admin', 'issuer', 'applicant'] })
  @Endpoint({
    summary: 'The expressions of interest in a need (its brokers and admins)',
    errors: ['NOT_FOUND', 'FORBIDDEN'],
  })
  @ApiOkResponse({ type: [NeedInterestResponseDto] })
  listInterests(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<NeedInterestResponseDto[]> {
    return this.interests.listInterests(auth, id);
  }

  @Post(':id/introductions')
  @Authenticated({ roles: ['broker', 'admin'] })
  @Endpoint({
    summary:
      'Record an introduction of an interested party to the enterprise (both are told); optionally the need is matched',
    errors: [...WORK_ERRORS],
    transitions: { machine: NEED_MACHINE, actions: ['introduce', 'match'] },
  })
  @ApiCreatedResponse({ type: NeedIntroductionResponseDto })
  introduce(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: IntroduceDto,
  ): Promise<NeedIntroductionResponseDto> {
    return this.interests.introduce(auth, id, dto);
  }

  @Get(':id/introductions')
  @Authenticated({ roles: ['broker', 'admin', 'issuer', 'applicant'] })
  @Endpoint({
    summary: 'The introductions made for a need (the enterprise, its brokers, admins)',
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({ type: [NeedIntroductionResponseDto] })
  listIntroductions(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
  ): Promise<NeedIntroductionResponseDto[]> {
    return this.interests.listIntroductions(auth, id);
  }
}
